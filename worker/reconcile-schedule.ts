// Deliveries left in doubt are settled by a Temporal Schedule, like the digest:
// durable, visible in the Temporal UI, and never two runs at once.
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';

export const RECONCILE_SCHEDULE_ID = 'duban-notification-reconcile';

/** Creates the schedule on first start; later starts bring its interval and task queue in line with the configuration. */
export async function ensureReconcileSchedule(
  client: Client,
  taskQueue: string,
  everyMinutes: number,
  scheduleId = RECONCILE_SCHEDULE_ID,
): Promise<void> {
  const spec = { intervals: [{ every: `${everyMinutes} minutes` }] };
  try {
    await client.schedule.create({
      scheduleId,
      spec,
      action: { type: 'startWorkflow', workflowType: 'reconcileWorkflow', taskQueue, args: [] },
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '10 minutes' },
      state: { note: 'settles notifications left in doubt (asks the SMS provider) and records delivery receipts' },
    });
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
    const handle = client.schedule.getHandle(scheduleId);
    const current = await handle.describe();
    const every = current.spec.intervals?.[0]?.every;
    const same = every !== undefined && Number(every) === everyMinutes * 60_000;
    if (!same || current.action.taskQueue !== taskQueue) {
      await handle.update((prev) => ({ ...prev, spec, action: { ...prev.action, taskQueue } }));
    }
  }
}
