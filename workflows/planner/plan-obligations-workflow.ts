// Opens the obligations of a time range for every community. Started daily by
// a Temporal Schedule (Asia/Shanghai) for today and tomorrow, so each period's
// workflows exist, asleep until they open, well before the month boundary.
// Starts are idempotent (workflow IDs from business keys): overlapping or
// repeated runs open nothing twice, and a missed day heals on the next run.
import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import { addDays, shanghaiDateOf, startOfDay } from '../../domain/time/shanghai';

const { listCommunityIds } = proxyActivities<Activities>({ startToCloseTimeout: '1 minute' });
const { startObligations } = proxyActivities<Activities>({
  startToCloseTimeout: '15 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', maximumInterval: '2 minutes' },
});

export interface PlanObligationsInput {
  /** ISO; default: 00:00 today, Asia/Shanghai */
  from?: string;
  /** ISO; default: two days after `from` */
  to?: string;
  /** default: every community */
  communityIds?: string[];
  /** communities per activity */
  batchSize?: number;
  /** activities in flight at once: bounds the fan-out against the database and Temporal */
  parallelBatches?: number;
}

export interface PlanObligationsResult {
  communities: number;
  generated: number;
  started: number;
}

export async function planObligationsWorkflow(input: PlanObligationsInput = {}): Promise<PlanObligationsResult> {
  const today = shanghaiDateOf(workflowInfo().startTime);
  const from = input.from ?? startOfDay(today).toISOString();
  const to = input.to ?? startOfDay(addDays(shanghaiDateOf(new Date(from)), 2)).toISOString();
  const communityIds = input.communityIds ?? (await listCommunityIds());
  const batchSize = input.batchSize ?? 50;
  const batches: string[][] = [];
  for (let i = 0; i < communityIds.length; i += batchSize) batches.push(communityIds.slice(i, i + batchSize));

  const totals = { communities: communityIds.length, generated: 0, started: 0 };
  let next = 0;
  const lane = async () => {
    while (next < batches.length) {
      const batch = batches[next++]!;
      const result = await startObligations({ communityIds: batch, from, to, dueAfter: new Date().toISOString() });
      totals.generated += result.generated;
      totals.started += result.started;
    }
  };
  await Promise.all(Array.from({ length: Math.min(input.parallelBatches ?? 4, batches.length) }, lane));
  return totals;
}
