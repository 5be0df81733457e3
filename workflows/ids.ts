// Workflow IDs are built from business keys so that starting the same thing
// twice is rejected by Temporal itself, and a person can read an ID.

/** The township is part of the id: a self-check's row is read back only from the township that started it. */
export function selfCheckWorkflowId(townshipId: string, token: string): string {
  return `self-check/${townshipId}/${token}`;
}

/** True when `workflowId` is a self-check started from `townshipId` (ids from before the township was in them match no township). */
export function isSelfCheckOf(workflowId: string, townshipId: string): boolean {
  return workflowId.startsWith(`self-check/${townshipId}/`);
}

/** ruleId|communityId|periodKey[|subjectId] -> obligation/ruleId|communityId|periodKey[|subjectId] */
export function obligationWorkflowId(obligationKey: string): string {
  return `obligation/${obligationKey}`;
}

export function notificationWorkflowId(obligationKey: string, event: string, sequence: string): string {
  return `notify/${obligationKey}/${event}/${sequence}`;
}

/** One planner run per range: a retried schedule action cannot plan twice at once. */
export function plannerWorkflowId(fromIso: string, toIso: string): string {
  return `plan/${fromIso}/${toIso}`;
}
