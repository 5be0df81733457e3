/**
 * The score: the one function that turns deducted points into every number a
 * person sees (total, rank, year to date and month, per section and clause,
 * 本项已扣满, points at risk). Nothing else adds up points.
 *
 * Input is counted rows: active (non-reversed) deductions summed per
 * community, rule and Shanghai month (the ScoreTally table), or single
 * deductions when each one's own effect is wanted. Rules are counted under
 * their clause, and the clause's counting caps them together:
 *   per-occurrence  every point counts;
 *   per-month       at most the clause amount within each calendar month;
 *   per-year        at most the clause amount in the year.
 * Rows are folded in month order, so "deducted in month M" is what month M
 * added to the capped year total, and months after M are not looked at.
 * Amounts are added in hundredths of a point so 0.5 + 0.5 + ... stays exact.
 *
 * It runs on every scoreboard read of a township of thousands of communities,
 * so the fold keeps its state in flat typed arrays (community x clause) and
 * the per-clause breakdown is built only for the communities someone reads.
 */
import type { Clause, ClauseCounting, Rulebook } from '../rulebook/types';

export class ScoreInputError extends Error {
  override readonly name = 'ScoreInputError';
}

const toHundredths = (points: number) => Math.round(points * 100);
const toPoints = (hundredths: number) => hundredths / 100;

/** Active deductions of one rule in one community and month (1-12) of the rulebook's year. */
export interface ScoreRow {
  readonly communityId: string;
  readonly ruleId: string;
  readonly month: number;
  readonly points: number;
  /** how many deductions the points stand for */
  readonly count: number;
}

export interface ScoreInput {
  readonly rulebook: Rulebook;
  /** every community ranked together (the township); rows of others are refused */
  readonly communityIds: readonly string[];
  readonly rows: readonly ScoreRow[];
  /** the scoreboard's month: rows after it are ignored, "this month" figures are for it */
  readonly month: number;
}

export interface ClauseScore {
  readonly clauseId: string;
  readonly section: number;
  readonly item: string;
  readonly text: string;
  readonly amount: number;
  readonly counting: ClauseCounting;
  /** deductions recorded under the clause, January to the month */
  readonly count: number;
  /** their points before the clause's cap */
  readonly raw: number;
  /** what counts against the score, January to the month */
  readonly deducted: number;
  /** what the month added */
  readonly monthDeducted: number;
  /** 本项已扣满: the clause's cap for the current period (the year, or the month for per-month) is reached */
  readonly full: boolean;
}

/** A rubric item (考核事项): its clauses counted together. */
export interface ItemScore {
  readonly item: string;
  readonly deducted: number;
  readonly monthDeducted: number;
  /** some clause of the item is full (本项已扣满) */
  readonly full: boolean;
  /** every clause of the item, zero ones too, in rulebook order */
  readonly clauses: readonly ClauseScore[];
}

export interface SectionScore {
  readonly number: number;
  readonly title: string;
  readonly deducted: number;
  readonly monthDeducted: number;
  /** every item of the section that has a clause, zero ones too, in rulebook order */
  readonly items: readonly ItemScore[];
}

export interface CommunityScore {
  readonly communityId: string;
  readonly baseScore: number;
  readonly deducted: number;
  readonly monthDeducted: number;
  /** baseScore - deducted; not floored at 0, so the full extent stays visible */
  readonly total: number;
  /** competition ranking among all communities scored: equal totals share a rank (1, 1, 3) */
  readonly rank: number;
  /** the total at the end of each month, January to the month (the trend; the last one is `total`) */
  readonly totalByMonth: readonly number[];
  /** every section, item and clause (built when first read: a ranking of thousands needs only the totals) */
  readonly sections: readonly SectionScore[];
  /** points of rules the rulebook does not know (in `deducted` too) */
  readonly unlistedDeducted: number;
  /** rows of rules the rulebook does not know: counted in full so nothing is hidden */
  readonly unlisted: ReadonlyArray<{
    readonly ruleId: string;
    readonly count: number;
    readonly deducted: number;
    readonly monthDeducted: number;
  }>;
}

export interface TownshipScore {
  readonly year: number;
  readonly month: number;
  readonly baseScore: number;
  readonly rankOutOf: number;
  /** in the order of communityIds */
  readonly communities: readonly CommunityScore[];
  /** the points each input row counted for after caps (0: 本项已扣满), in input order */
  readonly rowPoints: readonly number[];
  /**
   * Points at risk: what open obligations of the month would add to the capped
   * totals if every one were missed (nothing under a clause already full).
   * `pending` rows are per community and rule; their month is ignored (they
   * count in the scoreboard's month). The score itself is not changed.
   */
  atRisk(pending: readonly ScoreRow[]): Map<string, { readonly points: number; readonly count: number }>;
  /**
   * One clause of one community, the same figures as its breakdown's
   * ClauseScore, without building the breakdown (the export reads 3,000
   * communities × 64 clauses). Indexes: `communityIds` and `rulebook.clauses`.
   */
  clauseDeducted(community: number, clause: number): number;
  clauseIsFull(community: number, clause: number): boolean;
}

const PER_OCCURRENCE = 0;
const PER_MONTH = 1;
const PER_YEAR = 2;
const countingCode: Record<ClauseCounting, number> = { 'per-occurrence': PER_OCCURRENCE, 'per-month': PER_MONTH, 'per-year': PER_YEAR };

interface Layout {
  readonly clauses: readonly Clause[];
  /** rule id -> index of its clause */
  readonly clauseOfRule: ReadonlyMap<string, number>;
  readonly sections: ReadonlyArray<{
    readonly number: number;
    readonly title: string;
    readonly items: ReadonlyArray<{ readonly item: string; readonly clauseIndexes: readonly number[] }>;
  }>;
}

/** Sections -> items -> clauses in rulebook order, and the clause of each rule. */
function layoutOf(rulebook: Rulebook): Layout {
  const clauses = rulebook.clauses;
  const indexOfClause = new Map(clauses.map((c, i) => [c.id, i]));
  const clauseOfRule = new Map<string, number>();
  for (const rule of rulebook.rules) {
    const at = rule.clauseId === undefined ? undefined : indexOfClause.get(rule.clauseId);
    if (at !== undefined) clauseOfRule.set(rule.id, at);
  }
  const sections = rulebook.sections.map((section) => {
    const ofSection = clauses.map((c, i) => ({ c, i })).filter(({ c }) => c.section === section.number);
    const items = [...new Set(ofSection.map(({ c }) => c.item))].map((item) => ({
      item,
      clauseIndexes: ofSection.filter(({ c }) => c.item === item).map(({ i }) => i),
    }));
    return { number: section.number, title: section.title, items };
  });
  return { clauses, clauseOfRule, sections };
}

/**
 * The fold's state, one cell per community and clause (cell = community * clauses + clause).
 * For a per-month clause only the latest month's total is kept: rows come in month order.
 */
class Cells {
  readonly count: Float64Array;
  readonly raw: Float64Array;
  readonly counted: Float64Array;
  readonly monthCounted: Float64Array;
  readonly lastMonth: Uint8Array;
  readonly lastMonthCounted: Float64Array;
  readonly touched: Uint8Array;

  constructor(size: number) {
    this.count = new Float64Array(size);
    this.raw = new Float64Array(size);
    this.counted = new Float64Array(size);
    this.monthCounted = new Float64Array(size);
    this.lastMonth = new Uint8Array(size);
    this.lastMonthCounted = new Float64Array(size);
    this.touched = new Uint8Array(size);
  }
}

/** Capacity left in the cell for a row of `month`, in hundredths (Infinity: no cap). */
function room(counting: number, cap: number, yearCounted: number, lastMonth: number, lastMonthCounted: number, month: number): number {
  if (counting === PER_OCCURRENCE) return Infinity;
  if (counting === PER_YEAR) return cap - yearCounted;
  return cap - (lastMonth === month ? lastMonthCounted : 0);
}

export function scoreTownship(input: ScoreInput): TownshipScore {
  const { rulebook, month, rows } = input;
  if (!Number.isInteger(month) || month < 1 || month > 12) throw new ScoreInputError(`month ${month} is not 1-12`);
  const layout = layoutOf(rulebook);
  const clauseCount = layout.clauses.length;
  const counting = Uint8Array.from(layout.clauses, (c) => countingCode[c.counting]);
  const cap = Float64Array.from(layout.clauses, (c) => toHundredths(c.amount));
  const communityCount = input.communityIds.length;
  const index = new Map(input.communityIds.map((id, i) => [id, i]));
  if (index.size !== communityCount) throw new ScoreInputError('a community is listed twice');

  const cells = new Cells(communityCount * clauseCount);
  /** counted hundredths per community and month (community * 12 + month - 1), unlisted rules included */
  const byMonth = new Float64Array(communityCount * 12);
  const unlisted: Array<Map<string, { count: number; counted: number; monthCounted: number }> | undefined> = new Array(communityCount);
  const rowPoints = new Array<number>(rows.length).fill(0);

  // Row indexes in month order (a stable counting sort: equal months keep input order).
  const starts = new Int32Array(14);
  for (const row of rows) {
    if (!(row.month >= 1 && row.month <= 12) || !Number.isInteger(row.month))
      throw new ScoreInputError(`row month ${row.month} is not 1-12`);
    starts[row.month + 1]!++;
  }
  for (let m = 1; m < 14; m++) starts[m]! += starts[m - 1]!;
  const order = new Int32Array(rows.length);
  for (let i = 0; i < rows.length; i++) order[starts[rows[i]!.month]!++] = i;

  for (let k = 0; k < order.length; k++) {
    const i = order[k]!;
    const row = rows[i]!;
    if (row.month > month) break;
    const at = index.get(row.communityId);
    if (at === undefined) throw new ScoreInputError(`row of community ${row.communityId}, which is not being scored`);
    if (!(row.points >= 0) || !(row.count >= 0)) throw new ScoreInputError(`negative row for rule ${row.ruleId} in ${row.communityId}`);
    const points = toHundredths(row.points);
    const clause = layout.clauseOfRule.get(row.ruleId);
    let counted = points;
    if (clause === undefined) {
      const list = (unlisted[at] ??= new Map());
      const entry = list.get(row.ruleId) ?? { count: 0, counted: 0, monthCounted: 0 };
      entry.count += row.count;
      entry.counted += counted;
      if (row.month === month) entry.monthCounted += counted;
      list.set(row.ruleId, entry);
    } else {
      const cell = at * clauseCount + clause;
      counted = Math.max(
        0,
        Math.min(
          points,
          room(counting[clause]!, cap[clause]!, cells.counted[cell]!, cells.lastMonth[cell]!, cells.lastMonthCounted[cell]!, row.month),
        ),
      );
      if (cells.lastMonth[cell] !== row.month) {
        cells.lastMonth[cell] = row.month;
        cells.lastMonthCounted[cell] = 0;
      }
      cells.lastMonthCounted[cell]! += counted;
      cells.counted[cell]! += counted;
      cells.count[cell]! += row.count;
      cells.raw[cell]! += points;
      cells.touched[cell] = 1;
      if (row.month === month) cells.monthCounted[cell]! += counted;
    }
    byMonth[at * 12 + row.month - 1]! += counted;
    rowPoints[i] = toPoints(counted);
  }

  const isFull = (cell: number, clause: number) =>
    cells.touched[cell] === 1 &&
    counting[clause] !== PER_OCCURRENCE &&
    room(counting[clause]!, cap[clause]!, cells.counted[cell]!, cells.lastMonth[cell]!, cells.lastMonthCounted[cell]!, month) <= 0;

  const breakdown = (at: number): SectionScore[] =>
    layout.sections.map((section) => {
      const items: ItemScore[] = section.items.map(({ item, clauseIndexes }) => {
        let deducted = 0;
        let monthDeducted = 0;
        const clauses = clauseIndexes.map((clause): ClauseScore => {
          const cell = at * clauseCount + clause;
          const c = layout.clauses[clause]!;
          deducted += cells.counted[cell]!;
          monthDeducted += cells.monthCounted[cell]!;
          return {
            clauseId: c.id,
            section: c.section,
            item: c.item,
            text: c.text,
            amount: c.amount,
            counting: c.counting,
            count: cells.count[cell]!,
            raw: toPoints(cells.raw[cell]!),
            deducted: toPoints(cells.counted[cell]!),
            monthDeducted: toPoints(cells.monthCounted[cell]!),
            full: isFull(cell, clause),
          };
        });
        return { item, deducted: toPoints(deducted), monthDeducted: toPoints(monthDeducted), full: clauses.some((c) => c.full), clauses };
      });
      const sum = (pick: (i: ItemScore) => number) => items.reduce((acc, i) => acc + toHundredths(pick(i)), 0);
      return {
        number: section.number,
        title: section.title,
        deducted: toPoints(sum((i) => i.deducted)),
        monthDeducted: toPoints(sum((i) => i.monthDeducted)),
        items,
      };
    });

  // Totals per community: the months' counted points add up to the year's.
  const base = toHundredths(rulebook.baseScore);
  const deducted = new Float64Array(communityCount);
  for (let at = 0; at < communityCount; at++) {
    let sum = 0;
    for (let m = 0; m < month; m++) sum += byMonth[at * 12 + m]!;
    deducted[at] = sum;
  }
  // Competition ranking: 1 + how many scored strictly higher (fewer points deducted).
  const sorted = Float64Array.from(deducted).sort();
  const rankOf = (value: number) => {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid]! < value) lo = mid + 1;
      else hi = mid;
    }
    return lo + 1;
  };

  const communities = input.communityIds.map((communityId, at): CommunityScore => {
    const totalByMonth: number[] = [];
    let running = 0;
    for (let m = 0; m < month; m++) {
      running += byMonth[at * 12 + m]!;
      totalByMonth.push(toPoints(base - running));
    }
    const others = [...(unlisted[at] ?? new Map<string, { count: number; counted: number; monthCounted: number }>()).entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([ruleId, e]) => ({ ruleId, count: e.count, deducted: toPoints(e.counted), monthDeducted: toPoints(e.monthCounted) }));
    let sections: readonly SectionScore[] | undefined;
    return {
      communityId,
      baseScore: rulebook.baseScore,
      deducted: toPoints(deducted[at]!),
      monthDeducted: toPoints(byMonth[at * 12 + month - 1]!),
      total: toPoints(base - deducted[at]!),
      rank: rankOf(deducted[at]!),
      totalByMonth,
      get sections() {
        return (sections ??= breakdown(at));
      },
      unlistedDeducted: toPoints(others.reduce((acc, o) => acc + toHundredths(o.deducted), 0)),
      unlisted: others,
    };
  });

  const atRisk = (pending: readonly ScoreRow[]) => {
    const result = new Map<string, { points: number; count: number }>();
    // What pending rows already took, per cell, on top of the recorded rows.
    const taken = new Map<number, number>();
    for (const row of pending) {
      const at = index.get(row.communityId);
      if (at === undefined) throw new ScoreInputError(`pending row of community ${row.communityId}, which is not being scored`);
      if (!(row.points >= 0) || !(row.count >= 0))
        throw new ScoreInputError(`negative pending row for rule ${row.ruleId} in ${row.communityId}`);
      const points = toHundredths(row.points);
      const clause = layout.clauseOfRule.get(row.ruleId);
      let counted = points;
      if (clause !== undefined) {
        const cell = at * clauseCount + clause;
        const already = taken.get(cell) ?? 0;
        const left = room(
          counting[clause]!,
          cap[clause]!,
          cells.counted[cell]! + already,
          month,
          (cells.lastMonth[cell] === month ? cells.lastMonthCounted[cell]! : 0) + already,
          month,
        );
        counted = Math.max(0, Math.min(points, left));
        taken.set(cell, already + counted);
      }
      const entry = result.get(row.communityId) ?? { points: 0, count: 0 };
      result.set(row.communityId, { points: entry.points + counted, count: entry.count + row.count });
    }
    return new Map([...result].map(([id, e]) => [id, { points: toPoints(e.points), count: e.count }]));
  };

  const cellOf = (at: number, clause: number) => {
    if (!(at >= 0 && at < communityCount && clause >= 0 && clause < clauseCount)) throw new ScoreInputError(`no cell ${at}/${clause}`);
    return at * clauseCount + clause;
  };
  return {
    year: rulebook.year,
    month,
    baseScore: rulebook.baseScore,
    rankOutOf: communityCount,
    communities,
    rowPoints,
    atRisk,
    clauseDeducted: (at, clause) => toPoints(cells.counted[cellOf(at, clause)]!),
    clauseIsFull: (at, clause) => isFull(cellOf(at, clause), clause),
  };
}
