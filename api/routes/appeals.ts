import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, currentUser, requireAuth, allow } from '../plugins/auth';
import type { DeductionService } from '../services/deduction-service';
import { appealDecision, appealListItem } from '../contract';
import { appealStatus, authErrors, errorBody, id, idParams, reason } from './schemas';

export const appealRoutes =
  (service: DeductionService): FastifyPluginAsync =>
  async (app) => {
    const typed = app.withTypeProvider<ZodTypeProvider>();
    app.addHook('onRequest', requireAuth);

    typed.get(
      '/',
      {
        schema: {
          summary: 'Appeals in scope, newest first, with the community, item, rule title, points, filer and the files filed with each',
          tags: ['appeals'],
          querystring: z.object({ status: appealStatus.optional(), communityId: id.optional() }),
          response: {
            200: z.array(appealListItem),
            404: errorBody,
            ...authErrors,
          },
        },
      },
      async (request) => service.listAppeals(currentUser(request), request.query),
    );

    typed.post(
      '/:id/decision',
      {
        onRequest: allow('appeals.decide'),
        schema: {
          summary: 'Accept (reverses the deduction) or reject an appeal, with a reason (officials)',
          tags: ['appeals'],
          params: idParams,
          body: z.object({ decision: z.enum(['ACCEPTED', 'REJECTED']), reason }),
          response: {
            200: appealDecision,
            400: errorBody,
            404: errorBody,
            409: errorBody,
            ...authErrors,
          },
        },
      },
      async (request) =>
        service.decideAppeal(currentUser(request), request.params.id, request.body.decision, request.body.reason, actorOf(request)),
    );
  };
