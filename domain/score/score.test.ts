import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateObligations } from '../obligations/generate';
import { parseRulebook } from '../rulebook/parse';
import { yearPeriod } from '../time/period';
import { explainDeduction } from './explain';
import { deductionForMissedObligation, incidentDeduction } from './record';
import { scoreTownship, ScoreInputError, type ScoreInput, type ScoreRow, type TownshipScore } from './score';
import type { Deduction, Reversal } from './types';

const rulebook = parseRulebook(readFileSync(new URL('../../rulebooks/2022.yaml', import.meta.url), 'utf8'), 'rulebooks/2022.yaml');
const ruleById = new Map(rulebook.rules.map((r) => [r.id, r]));
const at = new Date('2022-04-01T00:00:00Z');
const checker = { kind: 'automatic', check: 'deadline-check' } as const;
const official = { kind: 'official', userId: 'u-zfw', name: '王政法委员' } as const;

const reversalOf = (d: Deduction): Reversal => ({
  key: `rev-${d.key}`,
  deductionKey: d.key,
  reason: '申诉成立',
  reversedAt: at,
  reversedBy: official,
});

/** One deduction of `ruleId` in `month`, as a counted row. */
const row = (ruleId: string, month: number, communityId = 'c-1'): ScoreRow => ({
  communityId,
  ruleId,
  month,
  points: ruleById.get(ruleId)!.deduction.amount,
  count: 1,
});
const score = (rows: ScoreRow[], month = 12, extra: Partial<ScoreInput> = {}) =>
  scoreTownship({ rulebook, communityIds: ['c-1', 'c-2'], rows, month, ...extra });
const clauseOf = (s: TownshipScore, clauseId: string, community = 0) =>
  s.communities[community]!.sections.flatMap((x) => x.items.flatMap((i) => i.clauses)).find((c) => c.clauseId === clauseId)!;

describe('scoreTownship: the clause is the unit of counting', () => {
  it('counts a one-amount clause once a year: three missed flood-duty days cost 2, all three recorded, 本项已扣满', () => {
    const s = score([row('flood.duty', 6), row('flood.duty', 7), row('flood.duty', 7)]);
    expect(s.communities[0]!.total).toBe(98);
    expect(clauseOf(s, 'flood.duty')).toMatchObject({ count: 3, raw: 6, deducted: 2, full: true });
    expect(s.rowPoints).toEqual([2, 0, 0]);
  });

  it('counts a ledger found incomplete in four quarters as 1', () => {
    const s = score([3, 6, 9, 12].map((m) => row('stability.ledger', m)));
    expect(s.communities[0]!.deducted).toBe(1);
  });

  it('counts 每月…每次 at most once a month, even when both anti-fraud rules miss', () => {
    const s = score([row('fraud.publicity', 3), row('fraud.investigation', 3), row('fraud.publicity', 4)]);
    expect(clauseOf(s, 'fraud.monthly-work')).toMatchObject({ count: 3, deducted: 2 });
    expect(s.rowPoints).toEqual([1, 0, 1]);
    // Full in March (its month); seen from May, May has nothing counted yet.
    expect(clauseOf(score([row('fraud.publicity', 3)], 3), 'fraud.monthly-work').full).toBe(true);
    expect(clauseOf(score([row('fraud.publicity', 3)], 5), 'fraud.monthly-work').full).toBe(false);
  });

  it('counts 每次 and 出现一起 clauses every time, half points exactly', () => {
    const s = score([
      ...Array.from({ length: 7 }, () => row('general.late-submission', 5)),
      row('stability.petition-beijing', 6),
      row('stability.petition-beijing', 6),
    ]);
    expect(s.communities[0]!.total).toBe(100 - 3.5 - 10);
  });

  it('dates the month: "deducted in M" is what M added to the capped year total, and later months are not seen', () => {
    const rows = [row('drugs.publicity', 2), row('drugs.publicity', 5), row('flood.duty', 5)];
    expect(score(rows, 1).communities[0]).toMatchObject({ deducted: 0, monthDeducted: 0, total: 100 });
    expect(score(rows, 2).communities[0]).toMatchObject({ deducted: 1, monthDeducted: 1 });
    // May: the publicity clause was already full in February, the duty adds 2.
    expect(score(rows, 5).communities[0]).toMatchObject({ deducted: 3, monthDeducted: 2 });
    expect(score(rows, 5).communities[0]!.sections.find((x) => x.number === 3)).toMatchObject({ deducted: 1, monthDeducted: 0 });
  });

  it('lists every section and clause, zero ones too, and ranks with competition ranking', () => {
    const s = scoreTownship({
      rulebook,
      communityIds: ['a', 'b', 'c', 'd'],
      rows: [row('flood.duty', 6, 'b'), row('drugs.publicity', 6, 'c'), row('drugs.venue-patrol', 6, 'c')],
      month: 12,
    });
    expect(s.communities.map((c) => [c.communityId, c.total, c.rank])).toEqual([
      ['a', 100, 1],
      ['b', 98, 3],
      ['c', 98, 3],
      ['d', 100, 1],
    ]);
    expect(s.rankOutOf).toBe(4);
    expect(s.communities[0]!.sections).toHaveLength(7);
    expect(s.communities[0]!.sections.flatMap((x) => x.items.flatMap((i) => i.clauses))).toHaveLength(rulebook.clauses.length);
    expect(s.communities[0]!.sections.flatMap((x) => x.items)).toHaveLength(21); // every 考核事项 of the rubric
  });

  it('puts nothing at risk under a clause already full', () => {
    const pending = [row('flood.duty', 8), row('fraud.publicity', 8), row('stability.ledger', 8)];
    const s = score([row('flood.duty', 6), row('fraud.investigation', 8)], 8);
    expect(s.atRisk(pending).get('c-1')).toEqual({ points: 1, count: 3 }); // flood full for the year, fraud full for August: only the ledger
    // Two pending misses under one per-year clause put its amount at risk once; the score itself is unchanged.
    expect(
      score([], 8)
        .atRisk([row('flood.duty', 8), row('flood.duty', 8)])
        .get('c-1'),
    ).toEqual({ points: 2, count: 2 });
    expect(s.communities[0]!.total).toBe(97);
  });

  it('gives the total at the end of each month, the last being the total', () => {
    const s = score([row('drugs.publicity', 2), row('flood.duty', 5), row('flood.duty', 7)], 7);
    expect(s.communities[0]!.totalByMonth).toEqual([100, 99, 99, 99, 97, 97, 97]);
    expect(s.communities[1]!.totalByMonth).toEqual([100, 100, 100, 100, 100, 100, 100]);
  });

  it('counts rows of a rule the rulebook does not know in full, and refuses rows of unscored communities', () => {
    const s = score([{ communityId: 'c-1', ruleId: 'retired.rule', month: 3, points: 2, count: 1 }]);
    expect(s.communities[0]).toMatchObject({ total: 98, unlisted: [{ ruleId: 'retired.rule', count: 1, deducted: 2 }] });
    expect(() => score([row('flood.duty', 6, 'c-9')])).toThrow(ScoreInputError);
  });
});

// ── properties ──
const deductibleRules = rulebook.rules.filter((r) => r.deduction.amount > 0).map((r) => r.id);
const rowsArb = fc
  .array(
    fc.record({
      communityId: fc.constantFrom('c-1', 'c-2'),
      ruleId: fc.constantFrom(...deductibleRules),
      month: fc.integer({ min: 1, max: 12 }),
      n: fc.integer({ min: 1, max: 4 }),
    }),
    { maxLength: 80 },
  )
  .map((list) => list.map(({ n, ...r }) => ({ ...r, points: ruleById.get(r.ruleId)!.deduction.amount * n, count: n })));

/** The rubric arithmetic written the plain way, per clause: the sum, the sum of monthly minima, or the yearly minimum. */
function expectedDeducted(rows: readonly ScoreRow[], communityId: string, upto: number): number {
  let hundredths = 0;
  for (const clause of rulebook.clauses) {
    const mine = rows.filter((r) => r.communityId === communityId && r.month <= upto && ruleById.get(r.ruleId)!.clauseId === clause.id);
    const sum = (list: readonly ScoreRow[]) => list.reduce((acc, r) => acc + Math.round(r.points * 100), 0);
    const cap = Math.round(clause.amount * 100);
    if (clause.counting === 'per-occurrence') hundredths += sum(mine);
    else if (clause.counting === 'per-year') hundredths += Math.min(cap, sum(mine));
    else for (let m = 1; m <= 12; m++) hundredths += Math.min(cap, sum(mine.filter((r) => r.month === m)));
  }
  return hundredths / 100;
}

describe('score properties', () => {
  it('total = base - the clause-capped sum; month = the increase over the month before; rows add up to the total', () => {
    fc.assert(
      fc.property(rowsArb, fc.integer({ min: 1, max: 12 }), (rows, month) => {
        const s = score(rows, month);
        const before = month > 1 ? score(rows, month - 1) : undefined;
        s.communities.forEach((c, i) => {
          expect(c.deducted).toBeCloseTo(expectedDeducted(rows, c.communityId, month), 9);
          expect(c.total).toBe(c.baseScore - c.deducted);
          expect(c.monthDeducted).toBeCloseTo(c.deducted - (before?.communities[i]!.deducted ?? 0), 9);
          expect(c.deducted).toBeCloseTo(
            c.sections.reduce((sum, x) => sum + x.deducted, 0),
            9,
          );
          expect(c.totalByMonth.at(-1)).toBe(c.total);
          // The export's cell reads agree with the breakdown, clause by clause.
          const clauses = c.sections.flatMap((x) => x.items.flatMap((it) => it.clauses));
          const at = (x: { clauseId: string }) => rulebook.clauses.findIndex((r) => r.id === x.clauseId);
          expect(clauses.map((x) => [s.clauseDeducted(i, at(x)), s.clauseIsFull(i, at(x))])).toEqual(
            clauses.map((x) => [x.deducted, x.full]),
          );
          if (before) expect(c.totalByMonth.slice(0, -1)).toEqual(before.communities[i]!.totalByMonth);
        });
        const counted = s.rowPoints.reduce((a, b) => a + b, 0);
        expect(counted).toBeCloseTo(
          s.communities.reduce((a, c) => a + c.deducted, 0),
          9,
        );
      }),
      { numRuns: 300 },
    );
  });

  it('does not depend on how the rows are split: single deductions score like their tallies', () => {
    fc.assert(
      fc.property(rowsArb, (rows) => {
        const singles = rows.flatMap((r) => Array.from({ length: r.count }, () => ({ ...r, points: r.points / r.count, count: 1 })));
        expect(score(singles).communities.map((c) => c.total)).toEqual(score(rows).communities.map((c) => c.total));
      }),
      { numRuns: 200 },
    );
  });
});

describe('recording and explaining deductions', () => {
  const year = yearPeriod(2022);
  const instances = generateObligations({ rulebook, community: { id: 'c-1' }, from: year.start, to: year.end });

  it('derives the deduction of a missed obligation from the obligation, and none for amount 0', () => {
    const patrol = instances.find((i) => i.key === 'drugs.venue-patrol|c-1|2022-03')!;
    const d = deductionForMissedObligation(patrol, { at, by: checker, missing: '本期需巡查2次，仅完成1次' })!;
    expect(d).toMatchObject({ key: 'drugs.venue-patrol|c-1|2022-03', amount: 1, section: 3, periodLabel: '2022年3月' });
    const drill = instances.find((i) => i.ruleId === 'fire.drill')!;
    expect(deductionForMissedObligation(drill, { at, by: checker, missing: '-' })).toBeUndefined();
  });

  it('explains a deduction in Chinese: rule, clause, community, period, what was missing, deadline, recorder', () => {
    const patrol = instances.find((i) => i.key === 'drugs.venue-patrol|c-1|2022-03')!;
    const d = deductionForMissedObligation(patrol, { at, by: checker, missing: '本期需巡查2次，仅完成1次' })!;
    expect(explainDeduction(d, { rulebook, communityName: '青龙社区' })).toBe(
      [
        '扣1分：第3项 禁毒工作「易涉毒场所每月至少巡查两次」（按期扣分）',
        '依据条款：“未组织日常巡查或巡查不到位扣1分”',
        '社区（村）：青龙社区；期间：2022年3月',
        '缺失：本期需巡查2次，仅完成1次',
        '截止时间：2022-03-31 24:00（北京时间）前未完成',
        '记录：系统自动检查（截止时间），2022-04-01 08:00',
      ].join('\n'),
    );
  });

  it('explains an incident recorded by an official, and its reversal', () => {
    const d = incidentDeduction(ruleById.get('stability.petition-beijing')!, {
      communityId: 'c-1',
      occurrenceId: 'xf-2022-009',
      subjectId: 'p-3',
      description: '信访重点人员张某进京上访',
      recordedAt: new Date('2022-10-12T02:00:00Z'),
      recordedBy: official,
    });
    expect(d.key).toBe('stability.petition-beijing|c-1|xf-2022-009');
    const text = explainDeduction(d, { rulebook, subjectName: '张某', reversal: reversalOf(d) });
    expect(text).toContain('扣5分：第5项 维稳工作「进京上访」');
    expect(text).toContain('对象：张某；事件编号：xf-2022-009');
    expect(text).toContain('情况：信访重点人员张某进京上访');
    expect(text).toContain('记录：王政法委员，2022-10-12 10:00');
    expect(text).not.toMatch(/p-3|u-zfw|stability\./);
    expect(text).toContain('已撤销（申诉成立）');
  });
});
