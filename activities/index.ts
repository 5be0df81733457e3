// Activities are built by a factory that receives their dependencies; the
// worker (composition root) passes the real ones, tests may pass their own.
import type { SelfCheckRepository } from '../db/self-check-repository';

export interface ActivityDeps {
  selfChecks: SelfCheckRepository;
}

export function createActivities(deps: ActivityDeps) {
  return {
    async recordSelfCheck(input: { workflowId: string; requestedAt: string; note: string }): Promise<{ completedAt: string }> {
      const record = await deps.selfChecks.record({ ...input, requestedAt: new Date(input.requestedAt) });
      return { completedAt: record.completedAt.toISOString() };
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;
