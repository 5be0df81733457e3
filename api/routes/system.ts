import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Client } from '@temporalio/client';
import type { SelfCheckRepository } from '../../db/self-check-repository';
import { NotFoundError } from '../errors';
import { currentUser, requireAuth, allow } from '../plugins/auth';
import { authErrors } from './schemas';
import { isSelfCheckOf, selfCheckWorkflowId } from '../../workflows/ids';

const selfCheck = z.object({ workflowId: z.string(), requestedAt: z.string(), completedAt: z.string(), note: z.string() });

/**
 * The self-check runs a real workflow (timer + activity + database write) on
 * demand. Admins only: each call starts a workflow, which nobody else may do at will.
 */
export interface SystemRouteDeps {
  temporal: Client;
  taskQueue: string;
  selfChecks: SelfCheckRepository;
}

export const systemRoutes =
  (deps: SystemRouteDeps): FastifyPluginAsync =>
  async (app) => {
    const selfChecks = deps.selfChecks;
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
      async (request, reply) => {
        const workflowId = selfCheckWorkflowId(currentUser(request).townshipId, randomUUID());
        await deps.temporal.workflow.start('selfCheckWorkflow', {
          taskQueue: deps.taskQueue,
          workflowId,
          args: [{ requestedAt: new Date().toISOString(), delayMs: request.body.delayMs }],
        });
        return reply.status(202).send({ workflowId });
      },
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
      async (request) => {
        // Another township's self-check answers like a missing one (no existence oracle).
        const record = isSelfCheckOf(request.params.workflowId, currentUser(request).townshipId)
          ? await selfChecks.findByWorkflowId(request.params.workflowId)
          : undefined;
        if (!record) throw new NotFoundError(`self-check ${request.params.workflowId}`);
        return { ...record, requestedAt: record.requestedAt.toISOString(), completedAt: record.completedAt.toISOString() };
      },
    );
  };
