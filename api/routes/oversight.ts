// The officials' queues: evidence awaiting review, open escalations, the
// heatmap of communities x rubric items, and the notification delivery log.
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { TaskRepository } from '../../db/task-repository';
import { currentUser, requireAuth, requireRole } from '../plugins/auth';
import type { TaskService } from '../services/task-service';
import { HEATMAP_PAGE, heatmapView, type HeatmapCache } from '../services/heatmap';
import { REVIEWERS, submission, task } from './tasks';
import { authErrors, errorBody, id, workMonth } from './schemas';

const month = workMonth;

const HEATMAP_MAX_PAGE = 300;

export const oversightRoutes = (deps: { tasks: TaskRepository; service: TaskService; heatmapCache: HeatmapCache }): FastifyPluginAsync => async (app) => {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  app.addHook('onRequest', requireAuth);

  typed.get('/reviews/pending', {
    onRequest: requireRole(...REVIEWERS),
    schema: { summary: 'Submissions awaiting review, oldest first, with their task and file facts', tags: ['reviews'], response: { 200: z.object({ reviews: z.array(z.object({ task, submission })) }), ...authErrors } },
  }, async (request) => ({ reviews: await deps.service.pendingReviews(currentUser(request)) }));

  typed.get('/escalations', {
    onRequest: requireRole(...REVIEWERS),
    schema: { summary: 'Escalations not yet acknowledged', tags: ['escalations'], response: { 200: z.object({ escalations: z.array(z.any()) }), ...authErrors } },
  }, async (request) => {
    const rows = await deps.tasks.openEscalations(currentUser(request).scope, 200);
    // One card per task and kind: the newest level stands for the earlier ones (one acknowledgement clears them all).
    const seen = new Set<string>();
    const latest = rows.filter((e) => !seen.has(`${e.obligationId}|${e.kind}`) && seen.add(`${e.obligationId}|${e.kind}`));
    return {
      escalations: latest.map(({ obligation, ...e }) => ({
        id: e.id, kind: e.kind === 'REVIEW' ? 'review' : 'deadline', level: e.level, targetRole: e.targetRole, notifiedAt: e.notifiedAt, acknowledgedAt: null, taskId: obligation.id,
        title: obligation.title, communityId: obligation.communityId, communityName: obligation.community.name,
        dueAt: obligation.dueAt, points: Number(obligation.points), periodLabel: obligation.periodLabel,
      })),
    };
  });

  typed.post('/escalations/:taskId/acknowledge', {
    onRequest: requireRole(...REVIEWERS),
    schema: { summary: 'Acknowledge the escalation of a task (it does not complete the task)', tags: ['escalations'], params: z.object({ taskId: id }), response: { 200: z.object({ acknowledged: z.boolean() }), 404: errorBody, 409: errorBody, 503: errorBody, ...authErrors } },
  }, async (request) => {
    const state = await deps.service.acknowledge(currentUser(request), request.params.taskId);
    return { acknowledged: state.acknowledged };
  });

  typed.get('/heatmap', {
    schema: {
      summary: 'Communities x rubric items for a month: on-track / due-soon / overdue / deducted; one page of the communities in scope (by code), optionally one section',
      tags: ['scoreboard'],
      querystring: z.object({
        month,
        section: z.coerce.number().int().min(1).max(99).optional(),
        page: z.coerce.number().int().min(1).max(10_000).default(1),
        pageSize: z.coerce.number().int().min(1).max(HEATMAP_MAX_PAGE).default(HEATMAP_PAGE),
      }),
      response: { 200: z.object({
        month, section: z.number().nullable(),
        page: z.object({ number: z.number(), size: z.number(), communities: z.number().describe('communities in scope, all pages') }),
        communities: z.array(z.object({ id: z.string(), name: z.string() })), items: z.array(z.object({ ruleId: z.string(), title: z.string() })),
        cells: z.array(z.object({ communityId: z.string(), ruleId: z.string(), status: z.enum(['on-track', 'due-soon', 'overdue', 'deducted']) })),
      }), 400: errorBody, ...authErrors },
    },
  }, async (request) => {
    const [year, month] = request.query.month.split('-').map(Number) as [number, number];
    const { section, page, pageSize } = request.query;
    return heatmapView({ tasks: deps.tasks, cache: deps.heatmapCache, service: deps.service }, currentUser(request), { year, month, section, page, pageSize });
  });

  typed.get('/notifications', {
    onRequest: requireRole('POLITICAL_LEGAL', 'ADMIN'),
    schema: { summary: 'Notification delivery log (newest first); secrets are never stored here', tags: ['notifications'], response: { 200: z.object({ notifications: z.array(z.any()) }), ...authErrors } },
  }, async (request) => ({ notifications: await deps.tasks.deliveryLog(currentUser(request).townshipId, 300) }));
};
