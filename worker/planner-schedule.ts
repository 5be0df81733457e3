// The daily planner runs from a Temporal Schedule in Asia/Shanghai time: the
// schedule, not this process, owns the timer, so a restart loses nothing.
import { shanghaiDateOf, startOfDay } from '../domain/time/shanghai';
import {
  ScheduleAlreadyRunning,
  ScheduleOverlapPolicy,
  WorkflowExecutionAlreadyStartedError,
  type Client,
  type ScheduleSpec,
} from '@temporalio/client';
import { plannerWorkflowId } from '../workflows/ids';

export const PLANNER_SCHEDULE_ID = 'duban-daily-planner';

// 22:00 the evening before: tomorrow's workflows exist and sleep until
// 00:00, so the month boundary is not also a burst of workflow starts.
const PLANNER_HOUR = 22;
const plannerSpec: ScheduleSpec = { calendars: [{ hour: PLANNER_HOUR, minute: 0 }], timezone: 'Asia/Shanghai' };

/**
 * Creates the schedule on first start (running it at once). On every later
 * start, like the digest Schedule, brings its hour, time zone and task queue
 * in line with this code, then triggers one extra run: starts are
 * idempotent, so this only fills in whatever a stopped system missed.
 */
export async function ensurePlannerSchedule(client: Client, taskQueue: string, scheduleId = PLANNER_SCHEDULE_ID): Promise<void> {
  try {
    await client.schedule.create({
      scheduleId,
      spec: plannerSpec,
      action: { type: 'startWorkflow', workflowType: 'planObligationsWorkflow', taskQueue, args: [{}] },
      policies: { overlap: ScheduleOverlapPolicy.BUFFER_ONE, catchupWindow: '1 day' },
      state: { triggerImmediately: true, note: 'opens the obligations of today and tomorrow for every community' },
    });
    // First start: also open the periods already under way this year (those still before their deadline).
    const now = new Date();
    const yearStart = startOfDay({ year: shanghaiDateOf(now).year, month: 1, day: 1 });
    await client.workflow
      .start('planObligationsWorkflow', {
        taskQueue,
        workflowId: plannerWorkflowId({ kind: 'first-start', yearStartIso: yearStart.toISOString() }),
        args: [{ from: yearStart.toISOString(), to: new Date(now.getTime() + 2 * 86_400_000).toISOString() }],
      })
      .catch((error: unknown) => {
        if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      });
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
    const handle = client.schedule.getHandle(scheduleId);
    const current = await handle.describe();
    const calendar = current.spec.calendars?.[0];
    const at = (field: unknown, value: number) =>
      Array.isArray(field) && field.length === 1 && field[0]?.start === value && field[0]?.end === value;
    const same =
      current.spec.calendars?.length === 1 &&
      at(calendar?.hour, PLANNER_HOUR) &&
      at(calendar?.minute, 0) &&
      current.spec.timezone === 'Asia/Shanghai';
    if (!same || current.action.type !== 'startWorkflow' || current.action.taskQueue !== taskQueue) {
      await handle.update((prev) => ({ ...prev, spec: plannerSpec, action: { ...prev.action, taskQueue } }));
    }
    await handle.trigger(ScheduleOverlapPolicy.BUFFER_ONE);
  }
}
