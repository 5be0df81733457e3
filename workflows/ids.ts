// Workflow IDs are built from business keys so that starting the same thing
// twice is rejected by Temporal itself, and a person can read an ID.

export function selfCheckWorkflowId(token: string): string {
  return `self-check/${token}`;
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
