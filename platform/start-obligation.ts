// Starting one obligation workflow, the same way whoever starts it: the
// nightly planner (activities/planning-activities.ts) or an official's data
// request (api/services/data-request-service.ts). The workflow id is the
// obligation's business key, so a second start of the same obligation is
// refused by Temporal itself.
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { ObligationInstance } from '../domain';
import { obligationWorkflowId } from '../workflows/ids';
import { toObligationSpec } from '../workflows/obligation/spec';

/** False when the workflow already exists (or existed: IDs are never reused). */
export async function startObligationWorkflow(
  temporal: { client: Pick<Client, 'workflow'>; taskQueue: string },
  instance: ObligationInstance,
  rulebook: { year: number; version: number },
): Promise<boolean> {
  try {
    await temporal.client.workflow.start('obligationWorkflow', {
      taskQueue: temporal.taskQueue,
      workflowId: obligationWorkflowId(instance.key),
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      args: [toObligationSpec(instance, rulebook)],
    });
    return true;
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) return false;
    throw error;
  }
}
