// A tiny workflow that exercises every moving part: a durable timer on the
// Temporal server, an activity on the worker, a row written to PostgreSQL.
import { proxyActivities, sleep, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';

const { recordSelfCheck } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumAttempts: 10 },
});

export interface SelfCheckInput {
  requestedAt: string;
  /** How long the durable timer waits before writing, in milliseconds. */
  delayMs: number;
}

export async function selfCheckWorkflow(input: SelfCheckInput): Promise<{ workflowId: string; completedAt: string }> {
  await sleep(input.delayMs);
  const { workflowId } = workflowInfo();
  const record = await recordSelfCheck({ workflowId, requestedAt: input.requestedAt, note: `timer of ${input.delayMs} ms elapsed` });
  return { workflowId, completedAt: record.completedAt };
}
