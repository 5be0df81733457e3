// Workflow IDs are built from business keys so that starting the same thing
// twice is rejected by Temporal itself, and a person can read an ID.

export function selfCheckWorkflowId(token: string): string {
  return `self-check/${token}`;
}
