import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, currentUser, requireAuth, allow } from '../plugins/auth';
import type { DeductionService } from '../services/deduction-service';
import { deductionDetail, listedDeduction } from '../contract';
import { appeal, authErrors, civilDate, deduction, errorBody, id, idParams, reason } from './schemas';

export const deductionRoutes =
  (service: DeductionService): FastifyPluginAsync =>
  async (app) => {
    const typed = app.withTypeProvider<ZodTypeProvider>();
    app.addHook('onRequest', requireAuth);

    typed.get(
      '/',
      {
        schema: {
          summary: 'Deductions and reversals in scope, newest first',
          tags: ['deductions'],
          querystring: z.object({
            communityId: id.optional(),
            ruleId: z.string().max(80).optional(),
            from: civilDate.optional(),
            to: civilDate.optional(),
            limit: z.coerce.number().int().min(1).max(1000).default(200),
          }),
          response: { 200: z.array(listedDeduction), ...authErrors },
        },
      },
      async (request) => service.list(currentUser(request), request.query),
    );

    typed.get(
      '/:id',
      {
        schema: {
          summary: 'One deduction explained: rule, cause, who recorded it, evidence, reversal and appeals',
          tags: ['deductions'],
          params: idParams,
          response: { 200: deductionDetail, 404: errorBody, ...authErrors },
        },
      },
      async (request) => service.detail(currentUser(request), request.params.id),
    );

    typed.post(
      '/:id/reversals',
      {
        onRequest: allow('deductions.reverse'),
        schema: {
          summary: 'Reverse a deduction with a reason (officials); a second reversal is 409',
          tags: ['deductions'],
          params: idParams,
          body: z.object({ reason }),
          response: { 201: deduction, 400: errorBody, 404: errorBody, 409: errorBody, ...authErrors },
        },
      },
      async (request, reply) =>
        reply.status(201).send(await service.reverse(currentUser(request), request.params.id, request.body.reason, actorOf(request))),
    );

    typed.post(
      '/:id/appeals',
      {
        schema: {
          summary:
            'Appeal a deduction (staff or secretary of its community), optionally with files uploaded first through POST /api/evidence',
          tags: ['appeals'],
          params: idParams,
          body: z.object({ reason, evidenceIds: z.array(id).max(20, '一次申诉最多附 20 个文件 (at most 20 attachments)').default([]) }),
          response: { 201: appeal, 400: errorBody, 404: errorBody, 409: errorBody, ...authErrors },
        },
      },
      async (request, reply) =>
        reply
          .status(201)
          .send(
            await service.fileAppeal(
              currentUser(request),
              request.params.id,
              request.body.reason,
              request.body.evidenceIds,
              actorOf(request),
            ),
          ),
    );
  };
