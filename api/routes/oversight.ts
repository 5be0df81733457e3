// The officials' queues: evidence awaiting review, open escalations, the
// heatmap of communities x rubric items, and the notification delivery log.
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { currentUser, requireAuth, allow } from '../plugins/auth';
import { HEATMAP_PAGE } from '../services/heatmap';
import type { OversightService } from '../services/oversight-service';
import { acknowledged, deliveryLog, escalations, heatmap, pendingReviews } from '../contract';
import { authErrors, errorBody, id, workMonth } from './schemas';

const month = workMonth;

const HEATMAP_MAX_PAGE = 300;
export const oversightRoutes =
  (service: OversightService): FastifyPluginAsync =>
  async (app) => {
    const typed = app.withTypeProvider<ZodTypeProvider>();
    app.addHook('onRequest', requireAuth);

    typed.get(
      '/reviews/pending',
      {
        onRequest: allow('tasks.review'),
        schema: {
          summary: 'Submissions awaiting review, oldest first, with their task and file facts',
          tags: ['reviews'],
          response: { 200: pendingReviews, ...authErrors },
        },
      },
      async (request) => ({ reviews: await service.pendingReviews(currentUser(request)) }),
    );

    typed.get(
      '/escalations',
      {
        onRequest: allow('escalations.read'),
        schema: {
          summary: 'Escalations not yet acknowledged',
          tags: ['escalations'],
          response: { 200: escalations, ...authErrors },
        },
      },
      async (request) => ({ escalations: await service.openEscalations(currentUser(request)) }),
    );

    typed.post(
      '/escalations/:taskId/acknowledge',
      {
        onRequest: allow('escalations.acknowledge'),
        schema: {
          summary: 'Acknowledge the escalation of a task (it does not complete the task)',
          tags: ['escalations'],
          params: z.object({ taskId: id }),
          response: { 200: acknowledged, 404: errorBody, 409: errorBody, 503: errorBody, ...authErrors },
        },
      },
      async (request) => service.acknowledge(currentUser(request), request.params.taskId),
    );

    typed.get(
      '/heatmap',
      {
        schema: {
          summary:
            'Communities x rubric items for a month: on track / due soon / overdue / deducted, one letter per cell; one page of the communities in scope (by code), optionally one section',
          tags: ['scoreboard'],
          querystring: z.object({
            month,
            section: z.coerce.number().int().min(1).max(99).optional(),
            page: z.coerce.number().int().min(1).max(10_000).default(1),
            pageSize: z.coerce.number().int().min(1).max(HEATMAP_MAX_PAGE).default(HEATMAP_PAGE),
          }),
          response: { 200: heatmap.extend({ month }), 400: errorBody, ...authErrors },
        },
      },
      async (request) => service.heatmap(currentUser(request), request.query),
    );

    typed.get(
      '/notifications',
      {
        onRequest: allow('notifications.deliveryLog'),
        schema: {
          summary: 'Notification delivery log (newest first); secrets are never stored here',
          tags: ['notifications'],
          response: { 200: deliveryLog, ...authErrors },
        },
      },
      async (request) => ({ notifications: await service.deliveryLog(currentUser(request)) }),
    );
  };
