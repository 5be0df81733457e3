// Deductions are only ever inserted. The business key is unique in the
// database, so however often an activity retries, one cause counts once.
import type { Database } from './client';
import { addToTally } from './score-tally';

export interface NewDeduction {
  businessKey: string;
  communityId: string;
  ruleId: string;
  section: string;
  item: string;
  periodKey?: string;
  subjectId?: string;
  obligationId?: string;
  points: number;
  explanation: string;
  recordedBy: string;
  occurredAt: Date;
}

/** The write side used by workflows (automatic deductions); API reads live elsewhere. */
export function deductionStore(db: Database) {
  return {
    /** Inserts unless the key exists; `created` tells whether this call added it. */
    async recordOnce(deduction: NewDeduction): Promise<{ created: boolean }> {
      return db.$transaction(async (tx) => {
        const result = await tx.deduction.createMany({ data: [{ ...deduction, points: deduction.points }], skipDuplicates: true });
        // The tally moves with the row, in the same transaction: a retry that finds the key adds nothing.
        if (result.count === 1) await addToTally(tx, { ...deduction, sign: 1 });
        return { created: result.count === 1 };
      });
    },

    /** The obligation whose deadline recorded the deduction under this key (null: none, or another cause). */
    async recordedFor(businessKey: string): Promise<string | null> {
      const row = await db.deduction.findUnique({ where: { businessKey }, select: { obligationId: true } });
      return row?.obligationId ?? null;
    },
  };
}

export type DeductionStore = ReturnType<typeof deductionStore>;
