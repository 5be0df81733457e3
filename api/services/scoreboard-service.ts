// The scoreboard: per community, rubric section, item and clause, for the
// month and the year to date, ranked township-wide. Every number comes from
// the one score function (domain/score/score.ts) applied to the year's
// rulebook and the township's score tallies; this service only fetches and
// shapes. Months are Asia/Shanghai civil months.
//
// At prefecture size (3,000 communities) a read must not recompute the
// township: the scored township is cached per township, year and month, and
// dropped the moment any process commits a tally or community change (the
// change feed, db/change-feed.ts). A person reads one page of the ranking, in
// their scope; the per-clause breakdown and the points at risk (which move
// with the clock) are worked out for that page only.
import type { SessionUser } from '../../db/auth-repository';
import type { DeductionDetail, ScoreboardRepository } from '../../db/scoreboard-repository';
import { versionedCache, type ChangeFeed } from '../../db/change-feed';
import { scoreTownship, type Clause, type ClauseCounting, type Rulebook, type TownshipScore } from '../../domain';
import { monthPeriod } from '../../domain/time/period';
import { shanghaiDateOf, shanghaiMonthOf } from '../../domain/time/shanghai';
import type { RulebookStore } from '../../platform/rulebook-store';
import { BadRequestError, NotFoundError } from '../errors';

export function currentShanghaiMonth(now: Date): { year: number; month: number } {
  const { year, month } = shanghaiDateOf(now);
  return { year, month };
}

export interface ItemRow {
  section: string;
  item: string;
}
export interface ClauseRow extends ItemRow {
  clauseId: string;
  text: string;
  amount: number;
  counting: ClauseCounting;
}
interface Amounts {
  ytdDeducted: number;
  monthDeducted: number;
}

export interface CommunityScoreRow extends Amounts {
  id: string;
  code: string;
  name: string;
  rank: number;
  total: number;
  /** the total at the end of each month, January to the month (the trend) */
  totalByMonth: number[];
  /** OPEN/SUBMITTED obligations whose deadline is after now and no later than the end of the month */
  openObligationsThisMonth: number;
  /** the points those obligations would cost if every one missed its deadline, after the clauses' caps */
  pointsAtRiskThisMonth: number;
  /** points of rules not in the year's rulebook (recorded before incidents were bound to it), in ytdDeducted too */
  otherDeducted: number;
}

/** One community's row with its breakdown by rubric section, item and clause (the drill-down and the export). */
export interface CommunityBreakdown extends CommunityScoreRow {
  sections: Array<{ section: string } & Amounts>;
  /** items with points deducted or a full clause (the rest are 0) */
  items: Array<ItemRow & Amounts & { full: boolean }>;
  /** clauses with deductions recorded (the rest are 0) */
  clauses: Array<{ clauseId: string; count: number } & Amounts & { full: boolean }>;
}

interface BoardHead {
  year: number;
  month: number;
  baseScore: number;
  rankOutOf: number;
}

/** The rubric's layout, for those who show a breakdown. */
interface Layout {
  /** every rubric item (考核事项), in rubric order */
  rows: ItemRow[];
  /** every deduction clause, in rubric order */
  clauses: ClauseRow[];
}

/** One page of the ranking of the caller's communities. */
export interface Scoreboard extends BoardHead {
  /** communities in the caller's scope (all pages) */
  inScope: number;
  offset: number;
  /** best rank first */
  communities: CommunityScoreRow[];
}

/**
 * Every community of the caller's scope, best rank first, and its clause
 * figures: what the Excel export lays out. Plain data, so that it can be
 * handed to the export's worker thread.
 */
export interface FullScoreboard extends BoardHead, Layout {
  communities: CommunityScoreRow[];
  /** points of each clause counted for each community, year to date: index `row * clauses.length + clause` */
  clauseDeducted: Float64Array;
  /** 1 where that clause is 本项已扣满 for the community (same index) */
  clauseFull: Uint8Array;
}

/** A page of the ranking: a person reads 50 communities at a time, not a prefecture's 3,000. */
export const SCOREBOARD_PAGE = 50;

/** Communities per read of detailsByCommunity: ~7,500 deductions a read at prefecture size. */
const DETAIL_CHUNK = 500;

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

interface ScoredTownship {
  communities: ReadonlyArray<{ id: string; code: string; name: string }>;
  scored: TownshipScore;
  /** indexes into communities, best rank first (then by code) */
  ranked: number[];
  /** community id -> its position in `ranked` */
  position: Map<string, number>;
}

export function scoreboardService(deps: { repo: ScoreboardRepository; rulebooks: RulebookStore; changes?: ChangeFeed }) {
  const { repo } = deps;
  const cached = versionedCache<ScoredTownship>(deps.changes, 24);

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

  /** Every community of the township scored from the tallies (no clock involved, so it can be cached). */
  function scoreOf(townshipId: string, rulebook: Rulebook, year: number, month: number): Promise<ScoredTownship> {
    return cached(`${townshipId}|${year}|v${rulebook.version}|${month}`, async () => {
      const [communities, rows] = await Promise.all([repo.townshipCommunities(townshipId), repo.tallies(townshipId, year, month)]);
      const scored = scoreTownship({ rulebook, communityIds: communities.map((c) => c.id), rows, month });
      const ranked = communities
        .map((_, i) => i)
        .sort(
          (a, b) => scored.communities[a]!.rank - scored.communities[b]!.rank || communities[a]!.code.localeCompare(communities[b]!.code),
        );
      return { communities, scored, ranked, position: new Map(ranked.map((i, at) => [communities[i]!.id, at])) };
    });
  }

  /**
   * The deductions of `communities` from January to the end of the resolved
   * month, each with the points it counted for: the same score function, fed
   * single deductions in the order they occurred, so a miss past its clause's
   * cap shows 0 (本项已扣满). Reversed rows count for nothing (null).
   */
  async function scoredDetails(
    communities: ReadonlyArray<{ id: string; name: string }>,
    { year, month, period, rulebook }: ReturnType<typeof resolve>,
  ): Promise<DetailRow[]> {
    const details = await repo.deductionDetails(
      communities.map((c) => c.id),
      monthPeriod(year, 1).start,
      period.end,
    );
    const active = details.filter((d) => !d.reversed);
    const counted = scoreTownship({
      rulebook,
      month,
      communityIds: communities.map((c) => c.id),
      rows: active.map((d) => ({
        communityId: d.communityId,
        ruleId: d.ruleId,
        month: shanghaiMonthOf(d.occurredAt),
        points: d.points,
        count: 1,
      })),
    }).rowPoints;
    const name = new Map(communities.map((c) => [c.id, c.name]));
    const ruleOf = new Map(rulebook.rules.map((r) => [r.id, r]));
    let k = 0;
    return details.map((d) => {
      const rule = ruleOf.get(d.ruleId);
      return {
        id: d.id,
        communityId: d.communityId,
        ruleId: d.ruleId,
        points: d.points,
        explanation: d.explanation,
        occurredAt: d.occurredAt,
        periodLabel: d.periodLabel,
        subjectName: d.subjectName,
        recordedByName: d.recordedByName,
        reversed: d.reversed,
        communityName: name.get(d.communityId) ?? '',
        item: rule?.item ?? '',
        ruleTitle: rule?.title ?? '（本年细则外的规则）',
        clauseText: rule?.clause ?? '',
        counted: d.reversed ? null : counted[k++]!,
      };
    });
  }

  /** The month's scored township and the rows of the communities asked for, best rank first. */
  async function board(
    user: SessionUser,
    q: { year?: number; month?: number },
    ids: readonly string[],
    page: { offset: number; limit: number },
    now: Date,
    withRisk = true,
  ) {
    const { year, month, period, rulebook } = resolve(q, now);
    const { communities, scored, ranked, position } = await scoreOf(user.townshipId, rulebook, year, month);
    // A township-wide scope is the whole ranking (a scope holds only the township's own communities).
    const mine =
      ids.length === communities.length
        ? ranked
        : ids
            .flatMap((id) => position.get(id) ?? [])
            .sort((a, b) => a - b)
            .map((at) => ranked[at]!);
    const shown = mine.slice(page.offset, page.offset + page.limit);
    // A past month has nothing at risk any more; a future month has everything due in it.
    const pending =
      withRisk && now < period.end && shown.length > 0
        ? await repo.openObligationsAtRisk(
            shown.map((i) => communities[i]!.id),
            now > period.start ? now : period.start,
            period.end,
          )
        : [];
    const risk = scored.atRisk(pending);
    const head: BoardHead = { year, month, baseScore: rulebook.baseScore, rankOutOf: scored.rankOutOf };
    const clauses = rulebook.clauses.map(clauseRow);
    const layout: Layout = {
      clauses,
      rows: [...new Map(clauses.map((c) => [`${c.section}\u0000${c.item}`, { section: c.section, item: c.item }])).values()],
    };
    const row = (i: number): CommunityScoreRow => {
      const community = communities[i]!;
      const s = scored.communities[i]!;
      return {
        id: community.id,
        code: community.code,
        name: community.name,
        rank: s.rank,
        total: s.total,
        totalByMonth: [...s.totalByMonth],
        ytdDeducted: s.deducted,
        monthDeducted: s.monthDeducted,
        openObligationsThisMonth: risk.get(community.id)?.count ?? 0,
        pointsAtRiskThisMonth: risk.get(community.id)?.points ?? 0,
        otherDeducted: s.unlistedDeducted,
      };
    };
    const breakdown = (i: number): CommunityBreakdown => {
      const s = scored.communities[i]!;
      return {
        ...row(i),
        sections: s.sections.map((sec) => ({ section: String(sec.number), ytdDeducted: sec.deducted, monthDeducted: sec.monthDeducted })),
        items: s.sections.flatMap((sec) =>
          sec.items
            .filter((it) => it.deducted > 0 || it.full)
            .map((it) => ({
              section: String(sec.number),
              item: it.item,
              ytdDeducted: it.deducted,
              monthDeducted: it.monthDeducted,
              full: it.full,
            })),
        ),
        clauses: s.sections
          .flatMap((sec) => sec.items.flatMap((it) => it.clauses))
          .filter((c) => c.count > 0)
          .map((c) => ({ clauseId: c.clauseId, count: c.count, ytdDeducted: c.deducted, monthDeducted: c.monthDeducted, full: c.full })),
      };
    };
    return { head, layout, inScope: mine.length, shown, row, breakdown, scored };
  }

  return {
    /** The month a request settles on (default: this month) and the rulebook version that scores it; throws for a year without one. */
    period(q: { year?: number; month?: number }, now = new Date()): { year: number; month: number; rulebookVersion: number } {
      const { year, month, rulebook } = resolve(q, now);
      return { year, month, rulebookVersion: rulebook.version };
    },

    /** Ranks among all communities of the township; returns one page of those in the caller's scope. */
    async compute(
      user: SessionUser,
      q: { year?: number; month?: number },
      page = { offset: 0, limit: SCOREBOARD_PAGE },
      now = new Date(),
    ): Promise<Scoreboard> {
      const b = await board(user, q, user.scope, page, now);
      return { ...b.head, inScope: b.inScope, offset: page.offset, communities: b.shown.map(b.row) };
    },

    /** One community of the caller's scope, ranked township-wide, with its breakdown by item and clause. */
    async community(
      user: SessionUser,
      q: { year?: number; month?: number },
      communityId: string,
      now = new Date(),
    ): Promise<BoardHead & Layout & { community: CommunityBreakdown }> {
      if (!user.scope.includes(communityId)) throw new NotFoundError('没有找到该社区（村），或不在您的管辖范围内');
      const b = await board(user, q, [communityId], { offset: 0, limit: 1 }, now);
      if (b.shown.length === 0) throw new NotFoundError('没有找到该社区（村），或不在您的管辖范围内');
      return { ...b.head, ...b.layout, community: b.breakdown(b.shown[0]!) };
    },

    /** Every community of the caller's scope and its clause figures (the Excel export, which shows nothing at risk). */
    async full(user: SessionUser, q: { year?: number; month?: number }, now = new Date()): Promise<FullScoreboard> {
      const b = await board(user, q, user.scope, { offset: 0, limit: Infinity }, now, false);
      const width = b.layout.clauses.length;
      const clauseDeducted = new Float64Array(b.shown.length * width);
      const clauseFull = new Uint8Array(b.shown.length * width);
      for (const [row, at] of b.shown.entries())
        for (let clause = 0; clause < width; clause++) {
          clauseDeducted[row * width + clause] = b.scored.clauseDeducted(at, clause);
          clauseFull[row * width + clause] = b.scored.clauseIsFull(at, clause) ? 1 : 0;
        }
      return { ...b.head, ...b.layout, communities: b.shown.map(b.row), clauseDeducted, clauseFull };
    },

    /**
     * The deductions of the given communities of the caller's scope, community
     * by community in the order given, each community's in the order they
     * occurred, with what each counted for (see scoredDetails): a few hundred
     * communities at a time, so that the export writes the first while the
     * next are read. A clause's cap is per community, so scoring a part of the
     * township gives each row the same figure as scoring all of it.
     */
    async *detailsByCommunity(
      user: SessionUser,
      q: { year: number; month: number },
      communityIds: readonly string[],
      now = new Date(),
    ): AsyncGenerator<DetailRow[]> {
      const resolved = resolve(q, now);
      const scope = new Set(user.scope);
      const byId = new Map((await repo.townshipCommunities(user.townshipId)).map((c) => [c.id, c]));
      const communities = communityIds.flatMap((id) => (scope.has(id) ? (byId.get(id) ?? []) : []));
      for (let start = 0; start < communities.length; start += DETAIL_CHUNK) {
        const part = communities.slice(start, start + DETAIL_CHUNK);
        const rows = await scoredDetails(part, resolved);
        const byCommunity = new Map(part.map((c): [string, DetailRow[]] => [c.id, []]));
        for (const row of rows) byCommunity.get(row.communityId)!.push(row);
        yield [...byCommunity.values()].flat();
      }
    },

    /**
     * Every deduction of the caller's communities, January to the month, with
     * the points each counted for (see scoredDetails).
     */
    async details(user: SessionUser, q: { year?: number; month?: number; communityId?: string }, now = new Date()): Promise<DetailRow[]> {
      const resolved = resolve(q, now);
      const scope = new Set(user.scope);
      const communities = (await repo.townshipCommunities(user.townshipId)).filter(
        (c) => scope.has(c.id) && (q.communityId === undefined || c.id === q.communityId),
      );
      return scoredDetails(communities, resolved);
    },

    /**
     * What each listed deduction counts for after its clause's cap (0: 本项已扣满), as the
     * scoreboard counts it today: for each year among the rows, that year's deductions of the
     * listed communities only (a page of a list, not the township's 45,000), through
     * scoredDetails. null: reversed, itself a reversal, or in a year without a rulebook.
     */
    async countedOf(
      user: SessionUser,
      rows: ReadonlyArray<{ id: string; kind: string; communityId: string; occurredAt: Date }>,
      now = new Date(),
    ): Promise<Map<string, number | null>> {
      const byYear = new Map<number, Set<string>>();
      for (const r of rows) {
        if (r.kind !== 'DEDUCTION') continue;
        const year = shanghaiDateOf(r.occurredAt).year;
        byYear.set(year, (byYear.get(year) ?? new Set()).add(r.communityId));
      }
      const counted = new Map<string, number | null>();
      if (byYear.size === 0) return counted;
      const township = await repo.townshipCommunities(user.townshipId);
      for (const [year, ids] of byYear) {
        let resolved: ReturnType<typeof resolve>;
        try {
          resolved = resolve({ year }, now);
        } catch (error) {
          if (error instanceof BadRequestError) continue; // no rulebook scores that year
          throw error;
        }
        const details = await scoredDetails(
          township.filter((c) => ids.has(c.id)),
          resolved,
        );
        for (const d of details) counted.set(d.id, d.counted);
      }
      return counted;
    },
  };
}

export type ScoreboardService = ReturnType<typeof scoreboardService>;

function clauseRow(c: Clause): ClauseRow {
  return { section: String(c.section), item: c.item, clauseId: c.id, text: c.text, amount: c.amount, counting: c.counting };
}
