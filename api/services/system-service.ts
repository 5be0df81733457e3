// The self-check: a real workflow (timer + activity + database write) run on
// demand, and its record once it finished. Each start is a workflow, so only
// admins may ask (the route's `allow`).
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { SessionUser } from '../../db/auth-repository';
import type { SelfCheckRepository } from '../../db/self-check-repository';
import { isSelfCheckOf, selfCheckWorkflowId } from '../../workflows/ids';
import { NotFoundError } from '../errors';

export function systemService(deps: { temporal: Client; taskQueue: string; selfChecks: SelfCheckRepository }) {
  return {
    async startSelfCheck(user: SessionUser, delayMs: number) {
      const workflowId = selfCheckWorkflowId(user.townshipId, randomUUID());
      await deps.temporal.workflow.start('selfCheckWorkflow', {
        taskQueue: deps.taskQueue,
        workflowId,
        args: [{ requestedAt: new Date().toISOString(), delayMs }],
      });
      return { workflowId };
    },

    /** Another township's self-check answers like a missing one (no existence oracle). */
    async selfCheck(user: SessionUser, workflowId: string) {
      const record = isSelfCheckOf(workflowId, user.townshipId) ? await deps.selfChecks.findByWorkflowId(workflowId) : undefined;
      if (!record) throw new NotFoundError(`self-check ${workflowId}`);
      return { ...record, requestedAt: record.requestedAt.toISOString(), completedAt: record.completedAt.toISOString() };
    },
  };
}

export type SystemService = ReturnType<typeof systemService>;
