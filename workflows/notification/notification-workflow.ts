// Delivers one task event to everyone who should hear of it. A separate
// workflow so that quiet hours and robot rate limits are waited out durably
// without holding up the obligation that raised the event.
import { log, proxyActivities, sleep } from '@temporalio/workflow';
import type { Activities } from '../../activities';

export interface NotificationRequest {
  obligationKey: string;
  event: 'reminder' | 'due-today' | 'overdue' | 'escalation' | 'evidence-rejected' | 'review-requested' | 'review-overdue';
  /** distinguishes repeats of the same event (reminder instant, escalation level, submission id) */
  sequence: string;
  at: string;
  reason?: string;
  level?: number;
  role?: 'secretary' | 'area-leader' | 'political-legal';
}

const { planNotification } = proxyActivities<Activities>({ startToCloseTimeout: '30 seconds', retry: { maximumInterval: '1 minute' } });
// Provider outages are retried with backoff for a day, then the row stays FAILED for the delivery log.
const { deliverPlan } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '30 minutes', maximumAttempts: 40 },
});

const MAX_DEFERRALS = 100;

export async function notificationWorkflow(request: NotificationRequest): Promise<void> {
  const plans = await planNotification(request);
  // Each recipient on its own: one whose retries run out is left FAILED in the delivery log and
  // does not take the others down with it (allSettled, not all).
  const outcomes = await Promise.allSettled(
    plans.map(async (initial) => {
      let plan = initial;
      for (let i = 0; i < MAX_DEFERRALS; i++) {
        const wait = Date.parse(plan.notBefore) - Date.now();
        if (wait > 0) await sleep(wait);
        const outcome = await deliverPlan(plan);
        if (outcome.status !== 'deferred' || !outcome.until) return;
        plan = { ...plan, notBefore: outcome.until };
      }
    }),
  );
  const failed = outcomes.filter((o) => o.status === 'rejected');
  if (failed.length > 0) log.warn('notification not delivered to every recipient', { failed: failed.length, of: plans.length });
}
