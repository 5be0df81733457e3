import type { Database } from './client';

export interface SelfCheckRecord {
  workflowId: string;
  requestedAt: Date;
  completedAt: Date;
  note: string;
}

/** Rows written by the self-check workflow (worker + Temporal + database, end to end). */
export function selfCheckRepository(db: Database) {
  return {
    /** Idempotent on workflowId: a retried activity finds the row already there. */
    async record(entry: { workflowId: string; requestedAt: Date; note: string }): Promise<SelfCheckRecord> {
      const row = await db.selfCheck.upsert({
        where: { workflowId: entry.workflowId },
        create: entry,
        update: {},
      });
      return toRecord(row);
    },
    async findByWorkflowId(workflowId: string): Promise<SelfCheckRecord | undefined> {
      const row = await db.selfCheck.findUnique({ where: { workflowId } });
      return row ? toRecord(row) : undefined;
    },
  };
}

function toRecord(row: { workflowId: string; requestedAt: Date; completedAt: Date; note: string }): SelfCheckRecord {
  return { workflowId: row.workflowId, requestedAt: row.requestedAt, completedAt: row.completedAt, note: row.note };
}

export type SelfCheckRepository = ReturnType<typeof selfCheckRepository>;
