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
  /**
   * What is still open in `month` and would be deducted if missed, per rule: its
   * points at risk are what these rows would add to the capped total (nothing
   * once the clause is full).
   */
  readonly pending?: readonly ScoreRow[];
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
  /** what the pending rows would add (see ScoreInput.pending) */
  readonly pointsAtRisk: number;
  /** how many open obligations the pending rows stand for */
  readonly pendingCount: number;
  readonly sections: readonly SectionScore[];
  /** points of rules the rulebook does not know (in `deducted` too) */
  readonly unlistedDeducted: number;
  /** rows of rules the rulebook does not know: counted in full so nothing is hidden */
  readonly unlisted: ReadonlyArray<{ readonly ruleId: string; readonly count: number; readonly deducted: number; readonly monthDeducted: number }>;
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
}

interface ClauseState {
  count: number;
  raw: number;
  counted: number;
  monthCounted: number;
  yearTotal: number;
  monthTotals: Map<number, number>;
}

/** Capacity left under the clause for a row of `month`, in hundredths (Infinity: no cap). */
function room(counting: ClauseCounting, cap: number, state: ClauseState, month: number): number {
  if (counting === 'per-occurrence') return Infinity;
  if (counting === 'per-year') return cap - state.yearTotal;
  return cap - (state.monthTotals.get(month) ?? 0);
}

function charge(state: ClauseState, month: number, hundredths: number) {
  state.yearTotal += hundredths;
  state.monthTotals.set(month, (state.monthTotals.get(month) ?? 0) + hundredths);
}

export function scoreTownship(input: ScoreInput): TownshipScore {
  const { rulebook, month } = input;
  if (!Number.isInteger(month) || month < 1 || month > 12) throw new ScoreInputError(`month ${month} is not 1-12`);
  const clauseOfRule = new Map(rulebook.rules.filter((r) => r.clauseId !== undefined).map((r) => [r.id, r.clauseId!]));
  const clauseById = new Map(rulebook.clauses.map((c) => [c.id, c]));
  const index = new Map(input.communityIds.map((id, i) => [id, i]));
  if (index.size !== input.communityIds.length) throw new ScoreInputError('a community is listed twice');

  // Rows per community, in month order (stable: equal months keep input order).
  const order = input.rows.map((_, i) => i).sort((a, b) => input.rows[a]!.month - input.rows[b]!.month || a - b);
  const rowPoints = new Array<number>(input.rows.length).fill(0);
  const states = input.communityIds.map(() => new Map<string, ClauseState>());
  const unlisted = input.communityIds.map(() => new Map<string, { count: number; counted: number; monthCounted: number }>());

  const fold = (row: ScoreRow, onCounted: (clause: Clause | undefined, hundredths: number, state: ClauseState | undefined) => void) => {
    const at = index.get(row.communityId);
    if (at === undefined) throw new ScoreInputError(`row of community ${row.communityId}, which is not being scored`);
    if (!(row.points >= 0) || !(row.count >= 0)) throw new ScoreInputError(`negative row for rule ${row.ruleId} in ${row.communityId}`);
    const clause = clauseById.get(clauseOfRule.get(row.ruleId) ?? '');
    const points = toHundredths(row.points);
    if (!clause) {
      onCounted(undefined, points, undefined);
      return;
    }
    const mine = states[at]!;
    const state = mine.get(clause.id) ?? { count: 0, raw: 0, counted: 0, monthCounted: 0, yearTotal: 0, monthTotals: new Map() };
    mine.set(clause.id, state);
    const counted = Math.max(0, Math.min(points, room(clause.counting, toHundredths(clause.amount), state, row.month)));
    charge(state, row.month, counted);
    onCounted(clause, counted, state);
  };

  for (const i of order) {
    const row = input.rows[i]!;
    if (row.month < 1 || row.month > 12) throw new ScoreInputError(`row month ${row.month} is not 1-12`);
    if (row.month > month) continue;
    fold(row, (clause, counted, state) => {
      rowPoints[i] = toPoints(counted);
      if (!clause || !state) {
        const list = unlisted[index.get(row.communityId)!]!;
        const entry = list.get(row.ruleId) ?? { count: 0, counted: 0, monthCounted: 0 };
        entry.count += row.count;
        entry.counted += counted;
        if (row.month === month) entry.monthCounted += counted;
        list.set(row.ruleId, entry);
        return;
      }
      state.count += row.count;
      state.raw += toHundredths(row.points);
      state.counted += counted;
      if (row.month === month) state.monthCounted += counted;
    });
  }

  // Points at risk: what the pending rows would add on top, folded after everything recorded.
  const atRisk = input.communityIds.map(() => 0);
  const pendingCount = input.communityIds.map(() => 0);
  for (const row of input.pending ?? []) {
    fold({ ...row, month }, (_clause, counted) => {
      atRisk[index.get(row.communityId)!]! += counted;
      pendingCount[index.get(row.communityId)!]! += row.count;
    });
  }

  const base = toHundredths(rulebook.baseScore);
  // Sections -> items -> clauses in rulebook order, worked out once for all communities.
  const layout = rulebook.sections.map((section) => {
    const ofSection = rulebook.clauses.filter((c) => c.section === section.number);
    return { section, items: [...new Set(ofSection.map((c) => c.item))].map((item) => ({ item, clauses: ofSection.filter((c) => c.item === item) })) };
  });
  const communities = input.communityIds.map((communityId, at) => {
    const mine = states[at]!;
    let deducted = 0;
    let monthDeducted = 0;
    const clauseScore = (clause: Clause): ClauseScore => {
      const s = mine.get(clause.id);
      const full = s !== undefined && clause.counting !== 'per-occurrence' && room(clause.counting, toHundredths(clause.amount), s, month) <= 0;
      return {
        clauseId: clause.id, section: clause.section, item: clause.item, text: clause.text, amount: clause.amount, counting: clause.counting,
        count: s?.count ?? 0, raw: toPoints(s?.raw ?? 0), deducted: toPoints(s?.counted ?? 0), monthDeducted: toPoints(s?.monthCounted ?? 0), full,
      };
    };
    const sections: SectionScore[] = layout.map(({ section, items: itemLayout }) => {
      const items: ItemScore[] = itemLayout.map(({ item, clauses: ofItem }) => {
        const clauses = ofItem.map(clauseScore);
        const sum = (pick: (c: ClauseScore) => number) => clauses.reduce((acc, c) => acc + toHundredths(pick(c)), 0);
        return { item, deducted: toPoints(sum((c) => c.deducted)), monthDeducted: toPoints(sum((c) => c.monthDeducted)), full: clauses.some((c) => c.full), clauses };
      });
      const sectionDeducted = items.reduce((acc, i) => acc + toHundredths(i.deducted), 0);
      const sectionMonth = items.reduce((acc, i) => acc + toHundredths(i.monthDeducted), 0);
      deducted += sectionDeducted;
      monthDeducted += sectionMonth;
      return { number: section.number, title: section.title, deducted: toPoints(sectionDeducted), monthDeducted: toPoints(sectionMonth), items };
    });
    let unlistedDeducted = 0;
    const others = [...unlisted[at]!.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([ruleId, e]) => {
      deducted += e.counted;
      unlistedDeducted += e.counted;
      monthDeducted += e.monthCounted;
      return { ruleId, count: e.count, deducted: toPoints(e.counted), monthDeducted: toPoints(e.monthCounted) };
    });
    return { communityId, deducted, monthDeducted, sections, unlistedDeducted, unlisted: others, pointsAtRisk: atRisk[at]!, pendingCount: pendingCount[at]! };
  });

  // Competition ranking: 1 + how many scored strictly higher (fewer points deducted).
  const sorted = communities.map((c) => c.deducted).sort((a, b) => a - b);
  const rankOf = (deducted: number) => {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid]! < deducted) lo = mid + 1;
      else hi = mid;
    }
    return lo + 1;
  };

  return {
    year: rulebook.year,
    month,
    baseScore: rulebook.baseScore,
    rankOutOf: communities.length,
    communities: communities.map((c) => ({
      communityId: c.communityId,
      baseScore: rulebook.baseScore,
      deducted: toPoints(c.deducted),
      monthDeducted: toPoints(c.monthDeducted),
      total: toPoints(base - c.deducted),
      rank: rankOf(c.deducted),
      pointsAtRisk: toPoints(c.pointsAtRisk),
      pendingCount: c.pendingCount,
      sections: c.sections,
      unlistedDeducted: toPoints(c.unlistedDeducted),
      unlisted: c.unlisted,
    })),
    rowPoints,
  };
}
