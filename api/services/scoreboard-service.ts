// The scoreboard: per community, rubric section, item and clause, for the
// month and the year to date, ranked township-wide. Every number comes from
// the one score function (domain/score/score.ts) applied to the year's
// rulebook and the township's score tallies; this service only fetches and
// shapes. Months are Asia/Shanghai civil months.
import type { SessionUser } from '../../db/auth-repository';
import type { DeductionDetail, ScoreboardRepository } from '../../db/scoreboard-repository';
import { scoreTownship, type Clause, type ClauseCounting } from '../../domain';
import { monthPeriod } from '../../domain/time/period';
import { shanghaiDateOf } from '../../domain/time/shanghai';
import type { RulebookStore } from '../../platform/rulebook-store';
import { BadRequestError } from '../errors';

export function currentShanghaiMonth(now: Date): { year: number; month: number } {
  const { year, month } = shanghaiDateOf(now);
  return { year, month };
}

export interface ItemRow { section: string; item: string }
export interface ClauseRow extends ItemRow { clauseId: string; text: string; amount: number; counting: ClauseCounting }
interface Amounts { ytdDeducted: number; monthDeducted: number }

export interface CommunityScoreRow extends Amounts {
  id: string; code: string; name: string;
  rank: number; total: number;
  /** OPEN/SUBMITTED obligations whose deadline is after now and no later than the end of the month */
  openObligationsThisMonth: number;
  /** the points those obligations would cost if every one missed its deadline, after the clauses' caps */
  pointsAtRiskThisMonth: number;
  /** items with points deducted or a full clause (the rest are 0) */
  items: Array<ItemRow & Amounts & { full: boolean }>;
  /** clauses with deductions recorded (the rest are 0) */
  clauses: Array<{ clauseId: string; count: number } & Amounts & { full: boolean }>;
  sections: Array<{ section: string } & Amounts>;
  /** points of rules not in the year's rulebook (recorded before incidents were bound to it), in ytdDeducted too */
  otherDeducted: number;
}

export interface Scoreboard {
  year: number; month: number; baseScore: number; rankOutOf: number;
  /** every rubric item (考核事项), in rubric order */
  rows: ItemRow[];
  /** every deduction clause, in rubric order */
  clauses: ClauseRow[];
  communities: CommunityScoreRow[];
}

/** One deduction in the export's detail sheet, with what it counted for. */
export interface DetailRow extends DeductionDetail {
  communityName: string;
  /** the rubric item (考核事项) of its rule */
  item: string;
  ruleTitle: string;
  clauseText: string;
  /** points it counted for after the clause's cap; null when reversed */
  counted: number | null;
}

export function scoreboardService(deps: { repo: ScoreboardRepository; rulebooks: RulebookStore }) {
  const { repo } = deps;

  function resolve(q: { year?: number; month?: number }, now: Date) {
    const current = currentShanghaiMonth(now);
    const year = q.year ?? current.year;
    const month = q.month ?? (year === current.year ? current.month : 12);
    const period = monthPeriod(year, month);
    // The version in force at the end of the month scores the year to that month.
    const rulebook = deps.rulebooks.forInstant(new Date(period.end.getTime() - 1));
    if (!rulebook || rulebook.year !== year) {
      const years = [...new Set(deps.rulebooks.all().map((r) => r.year))].sort().join('、');
      throw new BadRequestError(`${year}年没有考核细则，无法计分；可查看的年份：${years}`);
    }
    return { year, month, period, rulebook };
  }

  async function score(user: SessionUser, q: { year?: number; month?: number }, now: Date) {
    const { year, month, period, rulebook } = resolve(q, now);
    const communities = await repo.townshipCommunities(user.townshipId);
    const visible = communities.filter((c) => user.scope.includes(c.id));
    // A past month has nothing at risk any more; a future month has everything due in it.
    const [rows, pending] = await Promise.all([
      repo.tallies(user.townshipId, year, month),
      now < period.end ? repo.openObligationsAtRisk(visible.map((c) => c.id), now > period.start ? now : period.start, period.end) : Promise.resolve([]),
    ]);
    const scored = scoreTownship({ rulebook, communityIds: communities.map((c) => c.id), rows, month, pending });
    return { year, month, rulebook, communities, visible, scored };
  }

  return {
    /** Ranks among all communities of the township; returns only those in the caller's scope. */
    async compute(user: SessionUser, q: { year?: number; month?: number }, now = new Date()): Promise<Scoreboard> {
      const { year, month, rulebook, communities, scored } = await score(user, q, now);
      const clauses = rulebook.clauses.map(clauseRow);
      const rows = [...new Map(clauses.map((c) => [`${c.section}\u0000${c.item}`, { section: c.section, item: c.item }])).values()];
      const shown = communities
        .map((c, i) => ({ community: c, s: scored.communities[i]! }))
        .filter(({ community }) => user.scope.includes(community.id))
        .map(({ community, s }): CommunityScoreRow => ({
          id: community.id, code: community.code, name: community.name, rank: s.rank, total: s.total,
          ytdDeducted: s.deducted, monthDeducted: s.monthDeducted,
          openObligationsThisMonth: s.pendingCount, pointsAtRiskThisMonth: s.pointsAtRisk,
          items: s.sections.flatMap((sec) => sec.items
            .filter((i) => i.deducted > 0 || i.full)
            .map((i) => ({ section: String(sec.number), item: i.item, ytdDeducted: i.deducted, monthDeducted: i.monthDeducted, full: i.full }))),
          clauses: s.sections.flatMap((sec) => sec.items.flatMap((i) => i.clauses))
            .filter((c) => c.count > 0)
            .map((c) => ({ clauseId: c.clauseId, count: c.count, ytdDeducted: c.deducted, monthDeducted: c.monthDeducted, full: c.full })),
          sections: s.sections.map((sec) => ({ section: String(sec.number), ytdDeducted: sec.deducted, monthDeducted: sec.monthDeducted })),
          otherDeducted: s.unlistedDeducted,
        }))
        .sort((a, b) => a.rank - b.rank || a.code.localeCompare(b.code));
      return { year, month, baseScore: rulebook.baseScore, rankOutOf: scored.rankOutOf, rows, clauses, communities: shown };
    },

    /**
     * Every deduction of the caller's communities, January to the month, with
     * the points each counted for: the same score function, fed single
     * deductions in the order they occurred, so a miss past its clause's cap
     * shows 0 (本项已扣满).
     */
    async details(user: SessionUser, q: { year?: number; month?: number; communityId?: string }, now = new Date()): Promise<DetailRow[]> {
      const { year, month, period, rulebook } = resolve(q, now);
      const communities = (await repo.townshipCommunities(user.townshipId))
        .filter((c) => user.scope.includes(c.id) && (q.communityId === undefined || c.id === q.communityId));
      const details = await repo.deductionDetails(communities.map((c) => c.id), monthPeriod(year, 1).start, period.end);
      const active = details.map((d, i) => ({ d, i })).filter(({ d }) => !d.reversed);
      const counted = scoreTownship({
        rulebook, month, communityIds: communities.map((c) => c.id),
        rows: active.map(({ d }) => ({ communityId: d.communityId, ruleId: d.ruleId, month: shanghaiDateOf(d.occurredAt).month, points: d.points, count: 1 })),
      }).rowPoints;
      const countedOf = new Map(active.map(({ i }, k) => [i, counted[k]!]));
      const name = new Map(communities.map((c) => [c.id, c.name]));
      return details.map((d, i) => {
        const rule = rulebook.rules.find((r) => r.id === d.ruleId);
        return { ...d, communityName: name.get(d.communityId) ?? '', item: rule?.item ?? '', ruleTitle: rule?.title ?? '（本年细则外的规则）', clauseText: rule?.clause ?? '', counted: countedOf.get(i) ?? null };
      });
    },
  };
}

function clauseRow(c: Clause): ClauseRow {
  return { section: String(c.section), item: c.item, clauseId: c.id, text: c.text, amount: c.amount, counting: c.counting };
}

