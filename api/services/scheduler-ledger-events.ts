// Ledger changes reaching the scheduler. A new person is planned at once
// (their first visit does not wait for tonight's planner run); a risk-level
// change needs nothing here, because every period that opens later is
// generated from the current risk level; a closed entry waives the visits
// still open for that person, since nobody is left to visit, and a dispute
// marked 已化解 waives its open follow-up the same way.
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import type { TaskRepository } from '../../db/task-repository';
import { waiveUpdate } from '../../workflows/obligation/messages';
import type { LedgerEvents } from './ledger-events';
import { addDays, shanghaiDateOf, startOfDay } from '../../domain/time/shanghai';
import { plannerWorkflowId } from '../../workflows/ids';

export function schedulerLedgerEvents(deps: {
  temporal: Client;
  taskQueue: string;
  tasks: TaskRepository;
  now?: () => Date;
}): LedgerEvents {
  const now = deps.now ?? (() => new Date());
  return {
    async onSubjectAdded(subject) {
      const today = shanghaiDateOf(now());
      const from = startOfDay(today).toISOString();
      try {
        await deps.temporal.workflow.start('planObligationsWorkflow', {
          taskQueue: deps.taskQueue,
          workflowId: plannerWorkflowId({ kind: 'subject', subjectId: subject.id, fromIso: from }),
          args: [{ communityIds: [subject.communityId], from, to: startOfDay(addDays(today, 2)).toISOString() }],
        });
      } catch (error) {
        if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      }
    },
    async onRiskLevelChanged() {},
    async onSubjectClosed(subject) {
      await waiveOpenWorkOf(subject.id, '该人员已从台账销号，本期走访不再考核');
    },
    async onSubjectSettled(subject) {
      await waiveOpenWorkOf(subject.id, '该矛盾纠纷已化解，本期跟踪不再考核');
    },
  };

  async function waiveOpenWorkOf(subjectId: string, reason: string) {
    for (const workflowId of await deps.tasks.openWorkflowsOfSubject(subjectId)) {
      try {
        await deps.temporal.workflow.getHandle(workflowId).executeUpdate(waiveUpdate, { args: [{ reason, by: 'system:ledger' }] });
      } catch (error) {
        // Already closed or already deducted: the deduction stays for an official to review.
        if (!(error instanceof WorkflowUpdateFailedError || error instanceof WorkflowNotFoundError)) throw error;
      }
    }
  }
}
