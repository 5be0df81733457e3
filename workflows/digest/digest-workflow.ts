// Officials' daily digest, started by the Schedule `duban-daily-digest`
// (worker/digest-schedule.ts). Short and disposable: the run only fixes the
// instant it stands for; the activity gathers, sends and closes the rows.
import { proxyActivities, sleep } from '@temporalio/workflow';
import type { Activities } from '../../activities';

export interface DigestRequest {
  /** The instant this run stands for (tests, manual runs); the workflow's start time otherwise. */
  at?: string;
}

export interface DigestRunResult {
  /** Local day (Asia/Shanghai) of the digest sent. */
  day: string;
  officials: number;
  items: number;
  sent: number;
  alreadySent: number;
  failed: number;
  deferredUntil?: string;
}

// Mail outages are retried with backoff for about a day, like single notifications.
const { sendDailyDigests } = proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '30 minutes', maximumAttempts: 40 },
});

const MAX_DEFERRALS = 10;

export async function digestWorkflow(request: DigestRequest = {}): Promise<DigestRunResult> {
  // Date.now() is the workflow clock here (deterministic on replay).
  const at = request.at ?? new Date(Date.now()).toISOString();
  let result = await sendDailyDigests({ at });
  for (let i = 0; i < MAX_DEFERRALS && result.deferredUntil; i++) {
    await sleep(Math.max(0, Date.parse(result.deferredUntil) - Date.now()));
    result = await sendDailyDigests({ at });
  }
  return result;
}
