// The read side of scoring, as plain data: the township's score tallies,
// open obligations per rule, and the deduction rows behind an export. No
// points are added up here: domain/score/score.ts does that.
import { periodFromKey } from '../domain/time/period';
import type { Database, ClientOrTransaction } from './client';
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

export function scoreboardRepository(db: ClientOrTransaction, directory: CommunityDirectory = communityDirectory(db)) {
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

    /**
     * Deductions (not reversal rows) of the communities that occurred in
     * [from, to), oldest first, with the names the detail sheet prints. A
     * township's year is ~45,000 rows, read in one query. The period's label
     * is rebuilt from its key (domain/time/period.ts) rather than looked up in
     * 1.7 million obligations; only seasons and sensitive-date windows, whose
     * labels depend on the rulebook, are read from their obligation. The
     * subject's name is looked up row by row (most deductions have none): a
     * join read all 60,000 subjects of a prefecture even for a few hundred
     * communities.
     */
    async deductionDetails(communityIds: string[], from: Date, to: Date): Promise<DeductionDetail[]> {
      const rows = await db.$queryRaw<
        Array<Omit<DeductionDetail, 'periodLabel'> & { periodKey: string | null; obligationId: string | null }>
      >`
        SELECT d."id", d."communityId", d."ruleId", d."points"::float8 AS "points", d."explanation", d."occurredAt",
               d."periodKey", d."obligationId",
               (SELECT s."displayName" FROM "LedgerSubject" s WHERE s."id" = d."subjectId") AS "subjectName",
               u."displayName" AS "recordedByName",
               EXISTS (SELECT 1 FROM "Deduction" r WHERE r."reversesId" = d."id") AS "reversed"
        FROM "Deduction" d
        LEFT JOIN "User" u ON u."id" = d."recordedBy"
        WHERE d."communityId" = ANY(${communityIds}) AND d."kind" = 'DEDUCTION' AND d."occurredAt" >= ${from} AND d."occurredAt" < ${to}
        ORDER BY d."occurredAt", d."createdAt", d."businessKey"`;
      const labelOf = new Map<string, string>();
      const unknown = new Set<string>();
      for (const r of rows) {
        if (r.periodKey === null || labelOf.has(r.periodKey)) continue;
        const label = periodFromKey(r.periodKey)?.label;
        if (label) labelOf.set(r.periodKey, label);
        else if (r.obligationId) unknown.add(r.obligationId);
      }
      const obligationLabel = new Map(
        unknown.size === 0
          ? []
          : (await db.obligation.findMany({ where: { id: { in: [...unknown] } }, select: { id: true, periodLabel: true } })).map((o) => [
              o.id,
              o.periodLabel,
            ]),
      );
      // Plain literals, not spreads: 45,000 rows a year.
      return rows.map((r) => ({
        id: r.id,
        communityId: r.communityId,
        ruleId: r.ruleId,
        points: r.points,
        explanation: r.explanation,
        occurredAt: r.occurredAt,
        periodLabel:
          (r.periodKey === null ? undefined : labelOf.get(r.periodKey)) ??
          (r.obligationId ? obligationLabel.get(r.obligationId) : undefined) ??
          null,
        subjectName: r.subjectName,
        recordedByName: r.recordedByName,
        reversed: r.reversed,
      }));
    },
  };
}

export type ScoreboardRepository = ReturnType<typeof scoreboardRepository>;

/**
 * Runs `read` on one snapshot of the database: a read-only REPEATABLE READ
 * transaction, so everything it reads is as of its first query however long
 * it takes, and a deduction committed meanwhile is in none of it. For the
 * export, whose figures and list of deductions must agree to the point. Holds
 * one pooled connection until `read` is done.
 */
export function inScoreboardSnapshot<T>(db: Database, read: (repo: ScoreboardRepository) => Promise<T>): Promise<T> {
  return db.$transaction(
    async (tx) => {
      await tx.$executeRaw`SET TRANSACTION READ ONLY`;
      return read(scoreboardRepository(tx));
    },
    // A prefecture's whole year takes seconds under load (the default allows 5).
    { isolationLevel: 'RepeatableRead', timeout: 120_000, maxWait: 10_000 },
  );
}
