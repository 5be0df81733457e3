// Obligation rows mirror what the workflows decide; every write is keyed by a
// business key or a client-chosen id so that a retried activity changes nothing.
import type { Database } from './client';
import type { ObligationStatus } from './generated/prisma/client';
import { toDateColumn } from './date-column';
import { writeAudit, type Actor, type AuditEntry } from './audit-repository';
import type { Prisma } from './generated/prisma/client';

/** Who made a change and its audit entry (give it a key when an activity writes it). */
export interface AuditedBy {
  actor: Actor;
  entry: AuditEntry & { key: string };
}

export interface OpenObligationRow {
  businessKey: string;
  ruleId: string;
  rulebookVersion: string;
  communityId: string;
  periodKey: string;
  periodLabel: string;
  subjectId?: string;
  kind: string;
  section: number;
  title: string;
  points: number;
  opensAt: Date;
  dueAt: Date;
  requiredCount: number;
  workflowId: string;
  assigneeId?: string;
}

export function obligationRepository(db: Database) {
  const byKey = async (businessKey: string) => {
    const row = await db.obligation.findUnique({ where: { businessKey }, select: { id: true, communityId: true } });
    if (!row) throw new Error(`obligation ${businessKey} has no row yet`);
    return row;
  };

  /** One transaction for the change and its audit row: both or neither. */
  const audited = (write: (tx: Prisma.TransactionClient) => Promise<unknown>, audit?: AuditedBy) =>
    db.$transaction(async (tx) => {
      await write(tx);
      if (audit) await writeAudit(tx, audit.actor, audit.entry);
    });

  return {
    /** Creates the row when the workflow starts (SCHEDULED until the period opens); a second call changes nothing. */
    async register(row: OpenObligationRow): Promise<void> {
      if (row.kind !== 'seasonal-duty') {
        await db.obligation.upsert({ where: { businessKey: row.businessKey }, create: { ...row, status: 'SCHEDULED' }, update: {} });
        return;
      }
      // A duty day's person is whoever the roster names now, not when the planner read it: a roster
      // change in between found no row to reassign (api duty-shifts), so the row takes it from here.
      await db.$transaction(async (tx) => {
        const shift = await tx.dutyShift.findUnique({
          where: { communityId_dutyDate: { communityId: row.communityId, dutyDate: toDateColumn(row.periodKey) } },
          select: { userId: true },
        });
        const { assigneeId: _planned, ...rest } = row;
        await tx.obligation.upsert({
          where: { businessKey: row.businessKey },
          create: { ...rest, assigneeId: shift?.userId ?? null, status: 'SCHEDULED' },
          update: {},
        });
      });
    },

    /** With an audit entry: the change and its (keyed) audit row commit together. */
    async setStatus(
      businessKey: string,
      update: { status: ObligationStatus; acceptedCount: number; closedAt?: Date | null; dueAt?: Date; waiverReason?: string },
      audit?: AuditedBy,
    ): Promise<void> {
      await audited((tx) => tx.obligation.update({ where: { businessKey }, data: update }), audit);
    },

    async setDueAt(businessKey: string, dueAt: Date, audit?: AuditedBy): Promise<void> {
      await audited((tx) => tx.obligation.update({ where: { businessKey }, data: { dueAt } }), audit);
    },

    /** Records a submission (id chosen by the caller) and attaches its uploaded files. */
    async recordSubmission(input: {
      businessKey: string;
      submissionId: string;
      submittedById: string;
      evidenceIds: string[];
      units: number;
      late: boolean;
      note?: string;
      accepted: boolean;
    }): Promise<void> {
      const obligation = await byKey(input.businessKey);
      await db.$transaction(async (tx) => {
        const existing = await tx.submission.findUnique({ where: { id: input.submissionId } });
        if (existing) return;
        await tx.submission.create({
          data: {
            id: input.submissionId,
            obligationId: obligation.id,
            submittedById: input.submittedById,
            units: input.units,
            late: input.late,
            note: input.note ?? null,
            status: input.accepted ? 'ACCEPTED' : 'PENDING_REVIEW',
          },
        });
        await tx.evidence.updateMany({
          where: {
            id: { in: input.evidenceIds },
            communityId: obligation.communityId,
            submissionId: null,
            deductionId: null,
            appealId: null,
          },
          data: { submissionId: input.submissionId },
        });
      });
    },

    async recordReview(input: {
      businessKey: string;
      submissionId: string;
      reviewerId: string;
      approved: boolean;
      reason?: string;
    }): Promise<void> {
      const obligation = await byKey(input.businessKey);
      await db.$transaction(async (tx) => {
        const submission = await tx.submission.findUnique({ where: { id: input.submissionId } });
        if (!submission || submission.status !== 'PENDING_REVIEW') return; // already reviewed: a retry
        await tx.submission.update({ where: { id: input.submissionId }, data: { status: input.approved ? 'ACCEPTED' : 'REJECTED' } });
        await tx.review.create({
          data: {
            obligationId: obligation.id,
            submissionId: input.submissionId,
            reviewerId: input.reviewerId,
            decision: input.approved ? 'APPROVED' : 'REJECTED',
            reason: input.reason ?? null,
          },
        });
      });
    },

    /** Escalation rows are keyed obligation|level (obligation|review for unreviewed evidence): a retried step is one row. */
    async recordEscalation(input: {
      businessKey: string;
      level: number;
      targetRole: 'SECRETARY' | 'AREA_LEADER' | 'POLITICAL_LEGAL';
      at: Date;
      kind?: 'DEADLINE' | 'REVIEW';
    }): Promise<{ created: boolean }> {
      const obligation = await byKey(input.businessKey);
      const key = input.kind === 'REVIEW' ? `${input.businessKey}|review` : `${input.businessKey}|${input.level}`;
      const result = await db.escalation.createMany({
        data: [
          {
            businessKey: key,
            obligationId: obligation.id,
            level: input.level,
            targetRole: input.targetRole,
            notifiedAt: input.at,
            kind: input.kind ?? 'DEADLINE',
          },
        ],
        skipDuplicates: true,
      });
      return { created: result.count === 1 };
    },

    async acknowledgeEscalations(input: { businessKey: string; by: string; at: Date }, audit?: AuditedBy): Promise<void> {
      const obligation = await byKey(input.businessKey);
      await audited(
        (tx) =>
          tx.escalation.updateMany({
            where: { obligationId: obligation.id, acknowledgedAt: null },
            data: { acknowledgedAt: input.at, acknowledgedById: input.by },
          }),
        audit,
      );
    },

    async findDisplay(businessKey: string) {
      return db.obligation.findUnique({
        where: { businessKey },
        select: {
          id: true,
          communityId: true,
          title: true,
          periodLabel: true,
          dueAt: true,
          points: true,
          assigneeId: true,
          ruleId: true,
          community: { select: { name: true } },
        },
      });
    },
  };
}

export type ObligationRepository = ReturnType<typeof obligationRepository>;
