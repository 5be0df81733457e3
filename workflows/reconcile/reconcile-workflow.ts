// Settles deliveries left in doubt, started every few minutes by the Schedule
// `duban-notification-reconcile` (worker/reconcile-schedule.ts). The timer is
// the schedule's, so a worker that was down picks up where it stopped.
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../../activities';

export interface ReconcileResult {
  /** Rows stuck "sending" that were marked in doubt. */
  markedInDoubt: number;
  /** In-doubt rows the provider confirmed (sent) or reported failed. */
  confirmed: number;
  failed: number;
  /** In-doubt SMS the provider never received, sent again under the same id. */
  resent: number;
  /** In-doubt rows no provider can be asked about (mail, robots): left for a person to check. */
  unverifiable: number;
  /** Delivery receipts recorded for messages already sent. */
  receipts: number;
}

const { reconcileDeliveries } = proxyActivities<Activities>({ startToCloseTimeout: '5 minutes', retry: { maximumAttempts: 3 } });

export async function reconcileWorkflow(): Promise<ReconcileResult> {
  return reconcileDeliveries({ at: new Date(Date.now()).toISOString() });
}
