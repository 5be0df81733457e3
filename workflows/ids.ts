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

/**
 * A planner run started outside its Schedule (the Schedule names its own runs).
 * The id names the cause, so a repeat while it runs is a no-op:
 * first start of the year, a ledger subject added, a duty shift or a sensitive window changed.
 */
export function plannerWorkflowId(
  cause:
    | { kind: 'first-start'; yearStartIso: string }
    | { kind: 'subject'; subjectId: string; fromIso: string }
    | { kind: 'duty'; communityId: string; dutyDate: string }
    | { kind: 'window'; windowId: string },
): string {
  switch (cause.kind) {
    case 'first-start':
      return `plan/first-start/${cause.yearStartIso}`;
    case 'subject':
      return `plan/subject/${cause.subjectId}/${cause.fromIso}`;
    case 'duty':
      return `plan/duty/${cause.communityId}/${cause.dutyDate}`;
    case 'window':
      return `plan/window/${cause.windowId}`;
  }
}
