// Officials' daily digest runs from a Temporal Schedule in Asia/Shanghai time,
// like the planner: the schedule owns the timer, so a restart loses nothing.
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client, type ScheduleSpec } from '@temporalio/client';

export const DIGEST_SCHEDULE_ID = 'duban-daily-digest';

const digestSpec = (digestHour: number): ScheduleSpec => ({ calendars: [{ hour: digestHour, minute: 0 }], timezone: 'Asia/Shanghai' });

/**
 * Creates the schedule on first start; on later starts only brings its hour
 * in line with the configuration (`digestHour`). No extra run at start: a run
 * missed while stopped is caught up by the schedule itself (catchupWindow),
 * and one day's digest has a fixed content whenever it runs.
 */
export async function ensureDigestSchedule(
  client: Client,
  taskQueue: string,
  digestHour: number,
  scheduleId = DIGEST_SCHEDULE_ID,
): Promise<void> {
  try {
    await client.schedule.create({
      scheduleId,
      spec: digestSpec(digestHour),
      action: { type: 'startWorkflow', workflowType: 'digestWorkflow', taskQueue, args: [{}] },
      policies: { overlap: ScheduleOverlapPolicy.BUFFER_ONE, catchupWindow: '1 day' },
      state: { note: `sends each official one email of the day's routine notifications at ${digestHour}:00 Asia/Shanghai` },
    });
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
    const handle = client.schedule.getHandle(scheduleId);
    const current = await handle.describe();
    const hour = current.spec.calendars?.[0]?.hour;
    const same = Array.isArray(hour) && hour.length === 1 && hour[0]?.start === digestHour;
    if (!same || current.action.taskQueue !== taskQueue) {
      await handle.update((prev) => ({ ...prev, spec: digestSpec(digestHour), action: { ...prev.action, taskQueue } }));
    }
  }
}
