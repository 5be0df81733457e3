// Deductions, reversals and appeals. Rows are only ever added: a reversal is
// a new REVERSAL row pointing at the deduction (reversesId is unique, so a
// deduction can be reversed once); an appeal is decided, never removed.
import type { Database } from './client';
import type { Prisma } from './generated/prisma/client';
import { writeAudit, type Actor } from './audit-repository';
import { attachableEvidence, evidenceOfDeduction, type EvidenceRecord } from './evidence-repository';
import { addToTally } from './score-tally';

export interface DeductionView {
  id: string;
  businessKey: string;
  kind: 'DEDUCTION' | 'REVERSAL';
  communityId: string;
  ruleId: string;
  section: string;
  item: string;
  periodKey: string | null;
  subjectId: string | null;
  obligationId: string | null;
  points: number;
  explanation: string;
  recordedBy: string;
  occurredAt: Date;
  createdAt: Date;
  reversesId: string | null;
  /** the REVERSAL row cancelling this deduction, if any */
  reversedById: string | null;
}

export interface AppealView {
  id: string;
  deductionId: string;
  communityId: string;
  filedById: string;
  reason: string;
  status: 'PENDING' | 'ACCEPTED' | 'REJECTED';
  decidedById: string | null;
  decisionReason: string | null;
  decidedAt: Date | null;
  createdAt: Date;
}

export interface NewIncident {
  businessKey: string;
  communityId: string;
  ruleId: string;
  section: string;
  item: string;
  points: number;
  explanation: string;
  occurredAt: Date;
  subjectId?: string;
}

const include = { reversedBy: { select: { id: true } } } as const;
type Row = Prisma.DeductionGetPayload<{ include: typeof include }>;

function toView(r: Row): DeductionView {
  const { reversedBy, points, ...rest } = r;
  return { ...rest, points: Number(points.toString()), reversedById: reversedBy?.id ?? null };
}

/** The appeal's own fields (a row read with its files or deduction carries more). */
function toAppeal(a: Prisma.AppealGetPayload<{ include: { deduction: { select: { communityId: true } } } }>): AppealView {
  const { id, deductionId, filedById, reason, status, decidedById, decisionReason, decidedAt, createdAt } = a;
  return {
    id,
    deductionId,
    communityId: a.deduction.communityId,
    filedById,
    reason,
    status,
    decidedById,
    decisionReason,
    decidedAt,
    createdAt,
  };
}

/** The files filed with an appeal, oldest first. */
const appealFiles = { evidence: { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] } } as const satisfies Prisma.AppealInclude;

/** Thrown inside the appeal transaction when an attachment is no longer free: nothing is written. */
class AttachmentTaken extends Error {}

export const isUniqueViolation = (e: unknown) => (e as { code?: string }).code === 'P2002';

export function deductionRepository(db: Database) {
  async function reverseIn(tx: Prisma.TransactionClient, original: DeductionView, reason: string, actor: Actor): Promise<DeductionView> {
    const row = await tx.deduction.create({
      data: {
        businessKey: `${original.businessKey}|reversal`,
        kind: 'REVERSAL',
        communityId: original.communityId,
        ruleId: original.ruleId,
        section: original.section,
        item: original.item,
        periodKey: original.periodKey,
        subjectId: original.subjectId,
        points: original.points,
        explanation: `撤销扣分：${reason}`,
        recordedBy: actor.userId,
        occurredAt: new Date(),
        reversesId: original.id,
      },
      include,
    });
    await writeAudit(tx, actor, {
      action: 'deduction.reverse',
      entity: 'Deduction',
      entityId: original.id,
      details: { reversalId: row.id, reason },
    });
    // The reversed points leave the month the deduction counted in.
    await addToTally(tx, {
      communityId: original.communityId,
      ruleId: original.ruleId,
      occurredAt: original.occurredAt,
      points: original.points,
      sign: -1,
    });
    return toView(row);
  }

  return {
    async list(
      scope: string[],
      q: { communityId?: string; ruleId?: string; from?: Date; to?: Date; limit: number },
    ): Promise<DeductionView[]> {
      const rows = await db.deduction.findMany({
        where: {
          communityId: q.communityId ? { in: scope.filter((c) => c === q.communityId) } : { in: scope },
          ...(q.ruleId ? { ruleId: q.ruleId } : {}),
          ...(q.from || q.to ? { occurredAt: { ...(q.from ? { gte: q.from } : {}), ...(q.to ? { lt: q.to } : {}) } } : {}),
        },
        include,
        orderBy: { occurredAt: 'desc' },
        take: q.limit,
      });
      return rows.map(toView);
    },

    async findById(scope: string[], id: string): Promise<DeductionView | undefined> {
      const r = await db.deduction.findFirst({ where: { id, communityId: { in: scope } }, include });
      return r ? toView(r) : undefined;
    },

    async findByBusinessKey(businessKey: string): Promise<DeductionView | undefined> {
      const r = await db.deduction.findUnique({ where: { businessKey }, include });
      return r ? toView(r) : undefined;
    },

    /** Everything GET /api/deductions/:id explains. */
    async detail(scope: string[], id: string) {
      const r = await db.deduction.findFirst({
        where: { id, communityId: { in: scope } },
        include: {
          ...include,
          appeals: { include: { deduction: { select: { communityId: true } }, ...appealFiles }, orderBy: { createdAt: 'asc' } },
        },
      });
      if (!r) return undefined;
      const { appeals, ...rest } = r;
      const evidence = await evidenceOfDeduction(db, rest);
      const related = [rest.reversedBy?.id, rest.reversesId].filter((x): x is string => !!x);
      const others = related.length ? (await db.deduction.findMany({ where: { id: { in: related } }, include })).map(toView) : [];
      const userIds = [
        rest.recordedBy,
        ...others.map((o) => o.recordedBy),
        ...appeals.flatMap((a) => [a.filedById, a.decidedById]),
        ...evidence.map((e) => e.uploadedById),
      ].filter((x): x is string => !!x);
      const users = await db.user.findMany({ where: { id: { in: userIds } }, select: { id: true, displayName: true } });
      return {
        deduction: toView(rest),
        evidence,
        reversal: others.find((o) => o.id === rest.reversedBy?.id) ?? null,
        reverses: others.find((o) => o.id === rest.reversesId) ?? null,
        appeals: appeals.map((a) => ({ ...toAppeal(a), files: a.evidence })),
        userNames: new Map(users.map((u) => [u.id, u.displayName])),
      };
    },

    /** Incidents recorded by officials (business key ruleId|communityId|incident|…), newest occurrence first. */
    async listIncidents(
      scope: string[],
      q: { communityId?: string; from?: Date; to?: Date; limit: number },
    ): Promise<Array<DeductionView & { communityName: string; evidenceCount: number }>> {
      const rows = await db.deduction.findMany({
        where: {
          kind: 'DEDUCTION',
          businessKey: { contains: '|incident|' },
          communityId: q.communityId ? { in: scope.filter((c) => c === q.communityId) } : { in: scope },
          ...(q.from || q.to ? { occurredAt: { ...(q.from ? { gte: q.from } : {}), ...(q.to ? { lt: q.to } : {}) } } : {}),
        },
        include: { ...include, community: { select: { name: true } }, _count: { select: { evidence: true } } },
        orderBy: [{ occurredAt: 'desc' }, { createdAt: 'desc' }],
        take: q.limit,
      });
      return rows.map(({ community, _count, ...r }) => ({ ...toView(r), communityName: community.name, evidenceCount: _count.evidence }));
    },

    /** A ledger person or site of the community, for an incident that concerns them. */
    async findSubject(communityId: string, subjectId: string): Promise<{ id: string; category: string; displayName: string } | undefined> {
      const row = await db.ledgerSubject.findFirst({
        where: { id: subjectId, communityId },
        select: { id: true, category: true, displayName: true },
      });
      return row ?? undefined;
    },

    /** Inserts the incident, or returns the row already recorded under the same business key. */
    async recordIncident(input: NewIncident, actor: Actor): Promise<{ deduction: DeductionView; created: boolean }> {
      try {
        return await db.$transaction(async (tx) => {
          const row = await tx.deduction.create({ data: { ...input, kind: 'DEDUCTION', recordedBy: actor.userId }, include });
          await addToTally(tx, { ...input, sign: 1 });
          await writeAudit(tx, actor, {
            action: 'deduction.record_incident',
            entity: 'Deduction',
            entityId: row.id,
            details: { businessKey: input.businessKey, points: input.points },
          });
          return { deduction: toView(row), created: true };
        });
      } catch (e) {
        if (!isUniqueViolation(e)) throw e;
        const existing = await db.deduction.findUnique({ where: { businessKey: input.businessKey }, include });
        return { deduction: toView(existing!), created: false };
      }
    },

    /** Undefined when the deduction was already reversed (the unique reversesId says so). */
    async reverse(original: DeductionView, reason: string, actor: Actor): Promise<DeductionView | undefined> {
      try {
        return await db.$transaction((tx) => reverseIn(tx, original, reason, actor));
      } catch (e) {
        if (isUniqueViolation(e)) return undefined;
        throw e;
      }
    },

    /**
     * Files an appeal with its attachments: uploads of the deduction's community
     * not yet handed in anywhere. Undefined (and nothing written) when one of
     * them was attached elsewhere meanwhile.
     */
    async fileAppeal(
      deduction: Pick<DeductionView, 'id' | 'communityId'>,
      reason: string,
      evidenceIds: string[],
      actor: Actor,
    ): Promise<AppealView | undefined> {
      try {
        return await db.$transaction(async (tx) => {
          const a = await tx.appeal.create({
            data: { deductionId: deduction.id, filedById: actor.userId, reason },
            include: { deduction: { select: { communityId: true } } },
          });
          if (evidenceIds.length > 0) {
            const attached = await tx.evidence.updateMany({
              where: { id: { in: evidenceIds }, communityId: deduction.communityId, submissionId: null, deductionId: null, appealId: null },
              data: { appealId: a.id },
            });
            if (attached.count !== evidenceIds.length) throw new AttachmentTaken();
          }
          await writeAudit(tx, actor, {
            action: 'appeal.file',
            entity: 'Appeal',
            entityId: a.id,
            details: { deductionId: deduction.id, ...(evidenceIds.length ? { evidenceIds } : {}) },
          });
          return toAppeal(a);
        });
      } catch (e) {
        if (e instanceof AttachmentTaken) return undefined;
        throw e;
      }
    },

    /** Of `ids`, the uploads of the community still free to attach to an appeal. */
    attachable: (communityId: string, ids: string[]) => attachableEvidence(db, communityId, ids),

    async hasPendingAppeal(deductionId: string): Promise<boolean> {
      return (await db.appeal.count({ where: { deductionId, status: 'PENDING' } })) > 0;
    },

    /** Appeals with what an official needs to decide them: the community, the rule, the points, who filed it and the files. */
    async listAppeals(
      scope: string[],
      q: { status?: AppealView['status']; communityId?: string },
    ): Promise<
      Array<
        AppealView & {
          communityName: string;
          item: string;
          ruleId: string;
          occurredAt: Date;
          points: number;
          filedByName: string | null;
          files: EvidenceRecord[];
        }
      >
    > {
      const communities = q.communityId ? scope.filter((c) => c === q.communityId) : scope;
      const rows = await db.appeal.findMany({
        where: { deduction: { communityId: { in: communities } }, ...(q.status ? { status: q.status } : {}) },
        include: {
          deduction: {
            select: { communityId: true, item: true, ruleId: true, occurredAt: true, points: true, community: { select: { name: true } } },
          },
          ...appealFiles,
        },
        orderBy: { createdAt: 'desc' },
        take: 500,
      });
      const filers = await db.user.findMany({
        where: { id: { in: [...new Set(rows.map((r) => r.filedById))] } },
        select: { id: true, displayName: true },
      });
      const names = new Map(filers.map((u) => [u.id, u.displayName]));
      return rows.map((a) => ({
        ...toAppeal(a),
        communityName: a.deduction.community.name,
        item: a.deduction.item,
        ruleId: a.deduction.ruleId,
        occurredAt: a.deduction.occurredAt,
        points: Number(a.deduction.points),
        filedByName: names.get(a.filedById) ?? null,
        files: a.evidence,
      }));
    },

    async findAppeal(scope: string[], id: string): Promise<AppealView | undefined> {
      const a = await db.appeal.findFirst({
        where: { id, deduction: { communityId: { in: scope } } },
        include: { deduction: { select: { communityId: true } } },
      });
      return a ? toAppeal(a) : undefined;
    },

    /**
     * Decides a pending appeal; accepting also reverses the deduction, in the
     * same transaction. Undefined when the appeal was no longer pending or the
     * deduction was already reversed (nothing is changed then).
     */
    async decideAppeal(
      appeal: AppealView,
      original: DeductionView,
      decision: 'ACCEPTED' | 'REJECTED',
      reason: string,
      actor: Actor,
    ): Promise<{ appeal: AppealView; reversal: DeductionView | null } | undefined> {
      try {
        return await db.$transaction(async (tx) => {
          const updated = await tx.appeal.updateMany({
            where: { id: appeal.id, status: 'PENDING' },
            data: { status: decision, decidedById: actor.userId, decisionReason: reason, decidedAt: new Date() },
          });
          if (updated.count === 0) throw Object.assign(new Error('appeal already decided'), { code: 'P2002' });
          await writeAudit(tx, actor, { action: 'appeal.decide', entity: 'Appeal', entityId: appeal.id, details: { decision, reason } });
          const reversal = decision === 'ACCEPTED' ? await reverseIn(tx, original, `申诉通过：${reason}`, actor) : null;
          const a = await tx.appeal.findUniqueOrThrow({
            where: { id: appeal.id },
            include: { deduction: { select: { communityId: true } } },
          });
          return { appeal: toAppeal(a), reversal };
        });
      } catch (e) {
        if (isUniqueViolation(e)) return undefined;
        throw e;
      }
    },
  };
}

export type DeductionRepository = ReturnType<typeof deductionRepository>;
