// The read side of scoring, as plain data: the township's score tallies,
// open obligations per rule, and the deduction rows behind an export. No
// points are added up here: domain/score/score.ts does that.
import type { Database } from './client';
import { communityDirectory, type CommunityDirectory, type CommunityEntry } from './community-directory';
import { townshipTallies, type TallyRow } from './score-tally';

export type { TallyRow };

/** One recorded deduction as the export's detail sheet lists it. */
export interface DeductionDetail {
  id: string;
  communityId: string;
  ruleId: string;
  /** the points recorded on the row, before the clause's cap (the score function decides what they count for) */
  points: number;
  explanation: string;
  occurredAt: Date;
  periodLabel: string | null;
  subjectName: string | null;
  /** a user's display name, or null for the automatic deadline check */
  recordedByName: string | null;
  reversed: boolean;
}

export function scoreboardRepository(db: Database, directory: CommunityDirectory = communityDirectory(db)) {
  return {
    townshipCommunities: (townshipId: string): Promise<readonly CommunityEntry[]> => directory.township(townshipId),

    /** Tally rows of the township, January to `uptoMonth`: a few per community. */
    tallies: (townshipId: string, year: number, uptoMonth: number) => townshipTallies(db, townshipId, year, uptoMonth),

    /**
     * Open or submitted obligations per community and rule whose deadline lies
     * in (from, to]: how many, and the points they would cost if every one were
     * missed. `to` is inclusive because a monthly deadline is the instant the
     * month ends (00:00 of the 1st, Asia/Shanghai): that obligation still belongs to this month.
     */
    async openObligationsAtRisk(communityIds: string[], from: Date, to: Date): Promise<TallyRow[]> {
      const rows = await db.obligation.groupBy({
        by: ['communityId', 'ruleId'],
        where: { communityId: { in: communityIds }, status: { in: ['OPEN', 'SUBMITTED'] }, dueAt: { gt: from, lte: to } },
        _count: { _all: true },
        _sum: { points: true },
      });
      return rows.map((r) => ({
        communityId: r.communityId,
        ruleId: r.ruleId,
        month: 0,
        count: r._count._all,
        points: Number(r._sum.points?.toString() ?? 0),
      }));
    },

    /** Deductions (not reversal rows) of the communities that occurred in [from, to), oldest first. */
    async deductionDetails(communityIds: string[], from: Date, to: Date): Promise<DeductionDetail[]> {
      const rows = await db.deduction.findMany({
        where: { communityId: { in: communityIds }, kind: 'DEDUCTION', occurredAt: { gte: from, lt: to } },
        select: {
          id: true,
          communityId: true,
          ruleId: true,
          points: true,
          explanation: true,
          occurredAt: true,
          periodKey: true,
          subjectId: true,
          obligationId: true,
          recordedBy: true,
          reversedBy: { select: { id: true } },
        },
        orderBy: [{ occurredAt: 'asc' }, { createdAt: 'asc' }, { businessKey: 'asc' }],
      });
      const ids = (pick: (r: (typeof rows)[number]) => string | null) => [...new Set(rows.map(pick).filter((x): x is string => !!x))];
      const [obligations, subjects, users] = await Promise.all([
        db.obligation.findMany({ where: { id: { in: ids((r) => r.obligationId) } }, select: { id: true, periodLabel: true } }),
        db.ledgerSubject.findMany({ where: { id: { in: ids((r) => r.subjectId) } }, select: { id: true, displayName: true } }),
        db.user.findMany({ where: { id: { in: ids((r) => r.recordedBy) } }, select: { id: true, displayName: true } }),
      ]);
      const label = new Map(obligations.map((o) => [o.id, o.periodLabel]));
      const subject = new Map(subjects.map((s) => [s.id, s.displayName]));
      const user = new Map(users.map((u) => [u.id, u.displayName]));
      return rows.map((r) => ({
        id: r.id,
        communityId: r.communityId,
        ruleId: r.ruleId,
        points: Number(r.points.toString()),
        explanation: r.explanation,
        occurredAt: r.occurredAt,
        periodLabel: (r.obligationId ? label.get(r.obligationId) : undefined) ?? null,
        subjectName: (r.subjectId ? subject.get(r.subjectId) : undefined) ?? null,
        recordedByName: user.get(r.recordedBy) ?? null,
        reversed: r.reversedBy !== null,
      }));
    },
  };
}

export type ScoreboardRepository = ReturnType<typeof scoreboardRepository>;
