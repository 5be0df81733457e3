// Township data requests (资料报送): officials send them and follow each
// community's part; staff answer in 我的任务 like any other task.
// Rules and reasons: services/data-request-service.ts, docs/reporting.md.
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, currentUser, requireAuth, allow } from '../plugins/auth';
import type { DataRequestService } from '../services/data-request-service';
import { dataRequest, dataRequestCreated, dataRequestList, reportingRules } from '../contract';
import { authErrors, errorBody, id, idParams } from './schemas';

export const dataRequestRoutes =
  (service: DataRequestService): FastifyPluginAsync =>
  async (app) => {
    const typed = app.withTypeProvider<ZodTypeProvider>();
    app.addHook('onRequest', requireAuth);
    app.addHook('onRequest', allow('dataRequests.read'));
    const editors = allow('dataRequests.send');

    typed.get(
      '/rules',
      {
        schema: {
          summary: 'The reporting rules a data request may enforce (rulebook in force now)',
          tags: ['data-requests'],
          response: { 200: reportingRules, 400: errorBody, ...authErrors },
        },
      },
      async () => ({ rules: service.rules() }),
    );

    typed.get(
      '/',
      {
        schema: {
          summary: "Data requests asking communities in scope, newest first, with each community's status and deduction",
          tags: ['data-requests'],
          querystring: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }),
          response: { 200: dataRequestList, ...authErrors },
        },
      },
      async (request) => ({ requests: await service.list(currentUser(request), request.query.limit) }),
    );

    typed.get(
      '/:id',
      {
        schema: {
          summary: "One data request with each community's status",
          tags: ['data-requests'],
          params: idParams,
          response: { 200: dataRequest, 404: errorBody, ...authErrors },
        },
      },
      async (request) => service.get(currentUser(request), request.params.id),
    );

    typed.post(
      '/',
      {
        onRequest: editors,
        schema: {
          summary:
            'Send a data request: one task per community under a reporting rule, deducted automatically when its deadline passes without an approved file (201; notStarted > 0: retry with POST /:id/start)',
          tags: ['data-requests'],
          body: z.object({
            title: z.string().trim().min(2, '请填写要求名称（至少2个字） (a title of at least 2 characters)').max(100, '名称最多100个字'),
            ruleId: z.string().trim().min(1, '请选择报送规则 (ruleId is required)').max(100),
            communityIds: z.array(id).min(1, '请至少选择一个社区（村） (choose at least one community)').max(500),
            dueAt: z.coerce.date({ error: '截止时间格式不正确 (dueAt must be a date-time)' }),
            note: z.string().trim().max(2000, '说明最多2000字').optional(),
          }),
          response: { 201: dataRequestCreated, 400: errorBody, 404: errorBody, ...authErrors },
        },
      },
      async (request, reply) => reply.status(201).send(await service.create(currentUser(request), request.body, actorOf(request))),
    );

    typed.post(
      '/:id/start',
      {
        onRequest: editors,
        schema: {
          summary: 'Start the community tasks a failed start left out (idempotent)',
          tags: ['data-requests'],
          params: idParams,
          response: { 200: dataRequest, 404: errorBody, 503: errorBody, ...authErrors },
        },
      },
      async (request) => service.restart(currentUser(request), request.params.id),
    );
  };
