// The scoreboard: per community, per rubric section and item, for the month
// and the year to date, from active deductions (reversed ones do not count).
// Months are Asia/Shanghai civil months. Arithmetic in tenths of a point.
import type { SessionUser } from '../../db/auth-repository';
import type { ScoreboardRepository, ScoredDeduction } from '../../db/scoreboard-repository';
import { monthPeriod } from '../../domain/time/period';
import { shanghaiDateOf } from '../../domain/time/shanghai';

/** Full mark before deductions; the rulebook's baseScore (rulebooks/2022.yaml) will replace this constant. */
export const BASE_SCORE = 100;

const tenths = (p: number) => Math.round(p * 10);
const points = (t: number) => t / 10;

export function currentShanghaiMonth(now: Date): { year: number; month: number } {
  const { year, month } = shanghaiDateOf(now);
  return { year, month };
}

export interface ItemRow { section: string; item: string }

export interface CommunityScoreRow {
  id: string; code: string; name: string;
  rank: number; total: number; ytdDeducted: number; monthDeducted: number;
  /** OPEN/SUBMITTED obligations whose deadline is after now and no later than the end of the month */
  openObligationsThisMonth: number;
  /** the points those obligations would cost if every one missed its deadline (sum of Obligation.points) */
  pointsAtRiskThisMonth: number;
  items: Array<ItemRow & { ytdDeducted: number; monthDeducted: number }>;
  sections: Array<{ section: string; ytdDeducted: number; monthDeducted: number }>;
}

export interface Scoreboard {
  year: number; month: number; baseScore: number; rankOutOf: number;
  rows: ItemRow[];
  communities: CommunityScoreRow[];
}

const bySection = (a: ItemRow, b: ItemRow) => a.section.localeCompare(b.section, 'zh', { numeric: true }) || a.item.localeCompare(b.item, 'zh');

export function scoreboardService(repo: ScoreboardRepository) {
  return {
    /** Ranks among all communities of the township; returns only those in the caller's scope. */
    async compute(user: SessionUser, q: { year?: number; month?: number }, now = new Date()): Promise<Scoreboard> {
      const current = currentShanghaiMonth(now);
      const year = q.year ?? current.year;
      const month = q.month ?? (year === current.year ? current.month : 12);
      const communities = await repo.townshipCommunities(user.townshipId);
      const ids = communities.map((c) => c.id);
      const from = monthPeriod(year, 1).start;
      const { start: mStart, end: mEnd } = monthPeriod(year, month);
      const deductions = await repo.activeDeductions(ids, from, mEnd);
      // A past month has nothing at risk any more; a future month has everything due in it.
      const open = now < mEnd ? await repo.openObligationsAtRisk(ids, now > mStart ? now : mStart, mEnd) : new Map<string, { count: number; points: number }>();

      const rowKeys = new Map<string, ItemRow>();
      for (const d of deductions) rowKeys.set(`${d.section}\u0000${d.item}`, { section: d.section, item: d.item });
      const rows = [...rowKeys.values()].sort(bySection);

      const scored = communities.map((c) => {
        const mine = deductions.filter((d) => d.communityId === c.id);
        const sum = (list: ScoredDeduction[]) => list.reduce((acc, d) => acc + tenths(d.points), 0);
        const inMonth = (d: ScoredDeduction) => d.occurredAt >= mStart;
        const items = rows.map((r) => {
          const here = mine.filter((d) => d.section === r.section && d.item === r.item);
          return { ...r, ytd: sum(here), month: sum(here.filter(inMonth)) };
        });
        const sections = [...new Set(rows.map((r) => r.section))].map((section) => {
          const here = items.filter((i) => i.section === section);
          return { section, ytdDeducted: points(here.reduce((a, i) => a + i.ytd, 0)), monthDeducted: points(here.reduce((a, i) => a + i.month, 0)) };
        });
        const ytd = sum(mine);
        return {
          id: c.id, code: c.code, name: c.name, rank: 0, total: points(tenths(BASE_SCORE) - ytd), ytdDeducted: points(ytd),
          monthDeducted: points(sum(mine.filter(inMonth))), openObligationsThisMonth: open.get(c.id)?.count ?? 0,
          pointsAtRiskThisMonth: points(tenths(open.get(c.id)?.points ?? 0)),
          items: items.map((i) => ({ section: i.section, item: i.item, ytdDeducted: points(i.ytd), monthDeducted: points(i.month) })),
          sections,
        };
      });
      // Competition ranking: equal totals share a rank (1, 1, 3).
      for (const c of scored) c.rank = 1 + scored.filter((o) => o.total > c.total).length;
      const visible = scored.filter((c) => user.scope.includes(c.id)).sort((a, b) => a.rank - b.rank || a.code.localeCompare(b.code));
      return { year, month, baseScore: BASE_SCORE, rankOutOf: scored.length, rows, communities: visible };
    },
  };
}
