// The daily planner runs from a Temporal Schedule in Asia/Shanghai time: the
// schedule, not this process, owns the timer, so a restart loses nothing.
import { shanghaiDateOf, startOfDay } from '../domain/time/shanghai';
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';

export const PLANNER_SCHEDULE_ID = 'duban-daily-planner';

/**
 * Creates the schedule on first start (running it at once), and on every
 * later start triggers one extra run: starts are idempotent, so this only
 * fills in whatever a stopped system missed.
 */
export async function ensurePlannerSchedule(client: Client, taskQueue: string): Promise<void> {
  try {
    await client.schedule.create({
      scheduleId: PLANNER_SCHEDULE_ID,
      // 22:00 the evening before: tomorrow's workflows exist and sleep until
      // 00:00, so the month boundary is not also a burst of workflow starts.
      spec: { calendars: [{ hour: 22, minute: 0 }], timezone: 'Asia/Shanghai' },
      action: { type: 'startWorkflow', workflowType: 'planObligationsWorkflow', taskQueue, args: [{}] },
      policies: { overlap: ScheduleOverlapPolicy.BUFFER_ONE, catchupWindow: '1 day' },
      state: { triggerImmediately: true, note: 'opens the obligations of today and tomorrow for every community' },
    });
    // First start: also open the periods already under way this year (those still before their deadline).
    const now = new Date();
    const yearStart = startOfDay({ year: shanghaiDateOf(now).year, month: 1, day: 1 });
    await client.workflow.start('planObligationsWorkflow', {
      taskQueue, workflowId: `plan/first-start/${yearStart.toISOString()}`,
      args: [{ from: yearStart.toISOString(), to: new Date(now.getTime() + 2 * 86_400_000).toISOString() }],
    }).catch((error: unknown) => { if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error; });
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
    await client.schedule.getHandle(PLANNER_SCHEDULE_ID).trigger(ScheduleOverlapPolicy.BUFFER_ONE);
  }
}
