// Roster and calendar changes reaching the scheduler, following the pattern of
// scheduler-ledger-events.ts: start planObligationsWorkflow for the day that
// changed, when tonight's planner run would come too late.
//
// - A shift for today or tomorrow: that day may be planned already (then the
//   repository has re-pointed the open task at the new person) or not yet (the
//   worker was down, or the shift is for a day the planner has not reached):
//   planning it now is idempotent either way. Later days wait for the nightly run.
// - An added window that has begun or begins tomorrow: its one-on-one control
//   tasks open on its first day, which the nightly run may already have passed,
//   so its first day is planned for every community of the township. Windows
//   further ahead are planned by the nightly run when their first day comes.
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { addDays, compareCivil, isInPlanningHorizon, parseCivilDate, shanghaiDateOf, startOfDay } from '../../domain';
import type { PlanningEvents } from './planning-events';
import { plannerWorkflowId } from '../../workflows/ids';

export interface SchedulerPlanningDeps {
  temporal: Pick<Client, 'workflow'>;
  taskQueue: string;
  /** the communities of a township (for township-wide windows) */
  communitiesOf(townshipId: string): Promise<string[]>;
  now?: () => Date;
}

export function schedulerPlanningEvents(deps: SchedulerPlanningDeps): PlanningEvents {
  const now = deps.now ?? (() => new Date());

  /** Plans one civil day; the workflow id names the cause, so a repeat while it runs is a no-op. */
  async function planDay(workflowId: string, communityIds: string[], day: string): Promise<void> {
    if (communityIds.length === 0) return;
    const date = parseCivilDate(day);
    try {
      await deps.temporal.workflow.start('planObligationsWorkflow', {
        taskQueue: deps.taskQueue,
        workflowId,
        args: [{ communityIds, from: startOfDay(date).toISOString(), to: startOfDay(addDays(date, 1)).toISOString() }],
      });
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    }
  }

  return {
    async onDutyShiftChanged(change) {
      // A removal needs no planning: the task stays, now for the community's staff.
      if (change.userId === null || !isInPlanningHorizon(change.dutyDate, now())) return;
      await planDay(
        plannerWorkflowId({ kind: 'duty', communityId: change.communityId, dutyDate: change.dutyDate }),
        [change.communityId],
        change.dutyDate,
      );
    },

    async onSensitiveWindowAdded(window) {
      const today = shanghaiDateOf(now());
      const started = compareCivil(parseCivilDate(window.startsOn), addDays(today, 1)) <= 0;
      const over = compareCivil(parseCivilDate(window.endsOn), today) < 0;
      if (!started || over) return;
      await planDay(
        plannerWorkflowId({ kind: 'window', windowId: window.id }),
        await deps.communitiesOf(window.townshipId),
        window.startsOn,
      );
    },
  };
}
