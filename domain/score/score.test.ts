import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateObligations } from '../obligations/generate';
import { parseRulebook } from '../rulebook/parse';
import { yearPeriod } from '../time/period';
import { explainDeduction } from './explain';
import { deductionForMissedObligation, incidentDeduction } from './record';
import { computeScore, computeScoreboard, ScoreInputError } from './score';
import type { Deduction, Reversal } from './types';

const rulebook = parseRulebook(readFileSync(new URL('../../rulebooks/2022.yaml', import.meta.url), 'utf8'), 'rulebooks/2022.yaml');
const ruleById = new Map(rulebook.rules.map((r) => [r.id, r]));
const at = new Date('2022-04-01T00:00:00Z');
const checker = { kind: 'automatic', check: 'deadline-check' } as const;
const official = { kind: 'official', userId: 'u-zfw', name: '王政法委员' } as const;

function deduction(ruleId: string, suffix: string, communityId = 'c-1'): Deduction {
  const rule = ruleById.get(ruleId)!;
  return {
    key: `${ruleId}|${communityId}|${suffix}`,
    ruleId,
    communityId,
    section: rule.section,
    capGroup: rule.capGroup,
    amount: rule.deduction.amount,
    periodKey: suffix,
    missing: '未提交证据',
    recordedAt: at,
    recordedBy: checker,
  };
}
const reversalOf = (d: Deduction, n = 0): Reversal => ({ key: `rev-${n}-${d.key}`, deductionKey: d.key, reason: '申诉成立', reversedAt: at, reversedBy: official });

describe('computeScore', () => {
  it('subtracts deductions from the base score per section', () => {
    const score = computeScore({
      rulebook,
      communityId: 'c-1',
      deductions: [deduction('fraud.publicity', '2022-01'), deduction('fraud.publicity', '2022-02'), deduction('stability.petition-beijing', 'p1')],
    });
    expect(score.total).toBe(93);
    expect(score.sections.find((s) => s.number === 2)).toMatchObject({ title: '防电信诈骗', deducted: 2 });
    expect(score.sections.find((s) => s.number === 5)?.deducted).toBe(5);
    expect(score.sections).toHaveLength(7);
  });

  it('caps an item: many missed flood-duty days cost 2 in total, all still recorded', () => {
    const days = ['2022-06-01', '2022-06-02', '2022-06-03'].map((d) => deduction('flood.duty', d));
    const score = computeScore({ rulebook, communityId: 'c-1', deductions: days });
    expect(score.sections.find((s) => s.number === 6)?.items).toEqual([{ capGroup: 'flood.duty', ruleIds: ['flood.duty'], raw: 6, cap: 2, counted: 2 }]);
    expect(score.total).toBe(98);
    expect(score.active).toHaveLength(3);
  });

  it('adds half points exactly', () => {
    const late = Array.from({ length: 7 }, (_, i) => deduction('general.late-submission', `req-${i}`));
    expect(computeScore({ rulebook, communityId: 'c-1', deductions: late }).total).toBe(96.5);
  });

  it('keeps a reversed deduction on record but out of the score', () => {
    const d = deduction('drugs.undiscovered-manufacturing', 'case-7');
    const score = computeScore({ rulebook, communityId: 'c-1', deductions: [d], reversals: [reversalOf(d)] });
    expect(score.total).toBe(100);
    expect(score.reversed).toEqual([{ deduction: d, reversal: reversalOf(d) }]);
  });

  it('refuses inconsistent input instead of guessing', () => {
    const d = deduction('fraud.publicity', '2022-01');
    expect(() => computeScore({ rulebook, communityId: 'c-1', deductions: [d, d] })).toThrow(ScoreInputError);
    expect(() => computeScore({ rulebook, communityId: 'c-2', deductions: [d] })).toThrow(/belongs to community c-1/);
    expect(() => computeScore({ rulebook, communityId: 'c-1', deductions: [], reversals: [reversalOf(d)] })).toThrow(/unknown deduction/);
    expect(() => computeScore({ rulebook, communityId: 'c-1', deductions: [d], reversals: [reversalOf(d, 1), reversalOf(d, 2)] })).toThrow(/reversed twice/);
  });

  it('builds a scoreboard per community', () => {
    const board = computeScoreboard({
      rulebook,
      communityIds: ['c-1', 'c-2'],
      deductions: [deduction('fraud.publicity', '2022-01', 'c-1'), deduction('general.county-notice', 'n-1', 'c-2')],
    });
    expect(board.map((s) => [s.communityId, s.total])).toEqual([
      ['c-1', 99],
      ['c-2', 98],
    ]);
  });
});

// ── properties ──

const deductibleRules = rulebook.rules.filter((r) => r.deduction.amount > 0).map((r) => r.id);
const deductionsArb = fc
  .array(fc.tuple(fc.constantFrom(...deductibleRules), fc.integer({ min: 0, max: 30 })), { maxLength: 60 })
  .map((pairs) => {
    const unique = new Map(pairs.map(([ruleId, n]) => [`${ruleId}|${n}`, deduction(ruleId, `p${n}`)]));
    return [...unique.values()];
  });

/** The rubric arithmetic written the plain way, to check computeScore against. */
function expectedTotal(deductions: readonly Deduction[], reversedKeys: ReadonlySet<string>): number {
  const byGroup = new Map<string, number>();
  for (const d of deductions) {
    if (reversedKeys.has(d.key)) continue;
    byGroup.set(d.capGroup, (byGroup.get(d.capGroup) ?? 0) + d.amount);
  }
  let deducted = 0;
  for (const [group, sum] of byGroup) {
    const cap = rulebook.rules.find((r) => r.capGroup === group)?.cap;
    deducted += cap === undefined ? sum : Math.min(sum, cap);
  }
  return rulebook.baseScore - deducted;
}

describe('score properties', () => {
  it('score = base - sum of active (non-reversed) deductions, each cap group within its cap', () => {
    fc.assert(
      fc.property(deductionsArb, fc.array(fc.boolean(), { maxLength: 60 }), (deductions, flags) => {
        const reversals = deductions.filter((_, i) => flags[i]).map((d) => reversalOf(d));
        const score = computeScore({ rulebook, communityId: 'c-1', deductions, reversals });
        expect(score.total).toBeCloseTo(expectedTotal(deductions, new Set(reversals.map((r) => r.deductionKey))), 9);
        expect(score.total).toBe(score.baseScore - score.deducted);
        expect(score.deducted).toBe(score.sections.reduce((sum, s) => sum + s.deducted, 0));
        for (const item of score.sections.flatMap((s) => s.items)) {
          if (item.cap !== undefined) expect(item.counted).toBeLessThanOrEqual(item.cap);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('a reversal restores the score exactly', () => {
    fc.assert(
      fc.property(deductionsArb, fc.constantFrom(...deductibleRules), (others, ruleId) => {
        const extra = deduction(ruleId, 'the-one');
        const before = computeScore({ rulebook, communityId: 'c-1', deductions: others });
        const after = computeScore({ rulebook, communityId: 'c-1', deductions: [...others, extra], reversals: [reversalOf(extra)] });
        expect(after.total).toBe(before.total);
        expect(after.sections.map((s) => s.deducted)).toEqual(before.sections.map((s) => s.deducted));
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
