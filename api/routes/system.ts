import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { currentUser, requireAuth, allow } from '../plugins/auth';
import type { SystemService } from '../services/system-service';
import { authErrors } from './schemas';

const selfCheck = z.object({ workflowId: z.string(), requestedAt: z.string(), completedAt: z.string(), note: z.string() });

/**
 * The self-check runs a real workflow (timer + activity + database write) on
 * demand. Admins only: each call starts a workflow, which nobody else may do at will.
 */
export const systemRoutes =
  (service: SystemService): FastifyPluginAsync =>
  async (app) => {
    const typed = app.withTypeProvider<ZodTypeProvider>();
    app.addHook('onRequest', requireAuth);
    app.addHook('onRequest', allow('system.manage'));

    typed.post(
      '/self-checks',
      {
        schema: {
          summary: 'Start a self-check workflow',
          tags: ['system'],
          body: z.object({ delayMs: z.number().int().min(0).max(60_000).default(1_000) }).default({ delayMs: 1_000 }),
          response: { 202: z.object({ workflowId: z.string() }), ...authErrors },
        },
      },
      async (request, reply) => reply.status(202).send(await service.startSelfCheck(currentUser(request), request.body.delayMs)),
    );

    typed.get(
      '/self-checks/:workflowId',
      {
        schema: {
          summary: 'The row a finished self-check wrote',
          tags: ['system'],
          params: z.object({ workflowId: z.string().min(1).max(200) }),
          response: { 200: selfCheck, ...authErrors },
        },
      },
      async (request) => service.selfCheck(currentUser(request), request.params.workflowId),
    );
  };
