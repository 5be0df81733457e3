// Activities are built by a factory that receives their dependencies; the
// worker (composition root) passes the real ones, tests may pass their own.
import type { Client } from '@temporalio/client';
import type { Channel, RoutingPolicy } from '../notify';
import type { Database } from '../db/client';
import { selfCheckRepository } from '../db/self-check-repository';
import type { RulebookStore } from '../platform/rulebook-store';
import { createObligationActivities } from './obligation-activities';
import { createNotificationActivities } from './notification-activities';
import { createPlanningActivities } from './planning-activities';

export interface ActivityDeps {
  db: Database;
  rulebooks: RulebookStore;
  /**
   * The planner starts obligation workflows through this client on `taskQueue`;
   * notification workflows go to `notificationTaskQueue` (default: the same queue).
   */
  temporal: { client: Client; taskQueue: string; notificationTaskQueue?: string };
  notify: {
    channels: Readonly<Record<string, Channel>>;
    policy: RoutingPolicy;
    publicUrl: string;
    digestHour?: number;
    escalationBatchMinutes?: number;
    escalationFallbackMinutes?: number;
    inDoubtGraceMinutes?: number;
    reconcileEveryMinutes?: number;
  };
}

export function createActivities(deps: ActivityDeps) {
  const selfChecks = selfCheckRepository(deps.db);
  return {
    async recordSelfCheck(input: { workflowId: string; requestedAt: string; note: string }): Promise<{ completedAt: string }> {
      const record = await selfChecks.record({ ...input, requestedAt: new Date(input.requestedAt) });
      return { completedAt: record.completedAt.toISOString() };
    },
    ...createObligationActivities(deps),
    ...createPlanningActivities({ db: deps.db, rulebooks: deps.rulebooks, temporal: deps.temporal }),
    ...createNotificationActivities({
      db: deps.db,
      rulebooks: deps.rulebooks,
      ...deps.notify,
      temporal: { client: deps.temporal.client, taskQueue: deps.temporal.notificationTaskQueue ?? deps.temporal.taskQueue },
    }),
  };
}

export type Activities = ReturnType<typeof createActivities>;
