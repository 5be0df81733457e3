// The read side of scoring: deduction rows and open obligations, as plain data.
import type { Database } from './client';

export interface ScoredDeduction {
  communityId: string;
  section: string;
  item: string;
  points: number;
  occurredAt: Date;
}

export function scoreboardRepository(db: Database) {
  return {
    async townshipCommunities(townshipId: string): Promise<Array<{ id: string; code: string; name: string }>> {
      return db.community.findMany({ where: { townshipId }, select: { id: true, code: true, name: true }, orderBy: { code: 'asc' } });
    },

    /** DEDUCTION rows that occurred in [from, to) and have not been reversed. */
    async activeDeductions(communityIds: string[], from: Date, to: Date): Promise<ScoredDeduction[]> {
      const rows = await db.deduction.findMany({
        where: { communityId: { in: communityIds }, kind: 'DEDUCTION', reversedBy: { is: null }, occurredAt: { gte: from, lt: to } },
        select: { communityId: true, section: true, item: true, points: true, occurredAt: true },
      });
      return rows.map((r) => ({ ...r, points: Number(r.points.toString()) }));
    },

    /**
     * Open or submitted obligations per community whose deadline lies in
     * (from, to]: how many, and the points each would cost if missed. `to` is
     * inclusive because a monthly deadline is the instant the month ends
     * (00:00 of the 1st, Asia/Shanghai): that obligation still belongs to this month.
     */
    async openObligationsAtRisk(communityIds: string[], from: Date, to: Date): Promise<Map<string, { count: number; points: number }>> {
      const rows = await db.obligation.groupBy({
        by: ['communityId'],
        where: { communityId: { in: communityIds }, status: { in: ['OPEN', 'SUBMITTED'] }, dueAt: { gt: from, lte: to } },
        _count: { _all: true },
        _sum: { points: true },
      });
      return new Map(rows.map((r) => [r.communityId, { count: r._count._all, points: Number(r._sum.points?.toString() ?? 0) }]));
    },
  };
}

export type ScoreboardRepository = ReturnType<typeof scoreboardRepository>;
