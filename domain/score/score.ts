/**
 * Score arithmetic: base score minus active (non-reversed) deductions, each
 * cap group limited to its cap, summed per section and in total.
 * Amounts are added in hundredths of a point so 0.5 + 0.5 + ... stays exact.
 */
import type { Rulebook } from '../rulebook/types';
import type { CommunityScore, Deduction, ItemScore, Reversal, SectionScore } from './types';

export class ScoreInputError extends Error {
  override readonly name = 'ScoreInputError';
}

const toHundredths = (points: number) => Math.round(points * 100);
const toPoints = (hundredths: number) => hundredths / 100;

export interface ScoreInput {
  readonly rulebook: Rulebook;
  readonly communityId: string;
  readonly deductions: readonly Deduction[];
  readonly reversals?: readonly Reversal[];
}

export function computeScore(input: ScoreInput): CommunityScore {
  const { rulebook, communityId } = input;
  const byKey = new Map<string, Deduction>();
  for (const deduction of input.deductions) {
    if (deduction.communityId !== communityId) {
      throw new ScoreInputError(`deduction ${deduction.key} belongs to community ${deduction.communityId}, not ${communityId}`);
    }
    if (!(deduction.amount >= 0)) throw new ScoreInputError(`deduction ${deduction.key} has a negative amount`);
    if (byKey.has(deduction.key)) throw new ScoreInputError(`deduction ${deduction.key} appears twice`);
    byKey.set(deduction.key, deduction);
  }

  const reversalByDeduction = new Map<string, Reversal>();
  for (const reversal of input.reversals ?? []) {
    if (!byKey.has(reversal.deductionKey)) {
      throw new ScoreInputError(`reversal ${reversal.key} refers to unknown deduction ${reversal.deductionKey}`);
    }
    if (reversalByDeduction.has(reversal.deductionKey)) {
      throw new ScoreInputError(`deduction ${reversal.deductionKey} is reversed twice`);
    }
    reversalByDeduction.set(reversal.deductionKey, reversal);
  }

  const active: Deduction[] = [];
  const reversed: Array<{ deduction: Deduction; reversal: Reversal }> = [];
  for (const deduction of byKey.values()) {
    const reversal = reversalByDeduction.get(deduction.key);
    if (reversal) reversed.push({ deduction, reversal });
    else active.push(deduction);
  }

  const capOf = new Map<string, number | undefined>(rulebook.rules.map((rule) => [rule.capGroup, rule.cap]));
  const groups = new Map<string, { section: number; ruleIds: Set<string>; raw: number }>();
  for (const deduction of active) {
    const group = groups.get(deduction.capGroup) ?? { section: deduction.section, ruleIds: new Set<string>(), raw: 0 };
    group.ruleIds.add(deduction.ruleId);
    group.raw += toHundredths(deduction.amount);
    groups.set(deduction.capGroup, group);
  }

  const sectionNumbers = new Set([...rulebook.sections.map((s) => s.number), ...[...groups.values()].map((g) => g.section)]);
  const sections: SectionScore[] = [...sectionNumbers]
    .sort((a, b) => a - b)
    .map((number) => {
      const items: ItemScore[] = [...groups.entries()]
        .filter(([, g]) => g.section === number)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([capGroup, g]) => {
          const cap = capOf.get(capGroup);
          const counted = cap === undefined ? g.raw : Math.min(g.raw, toHundredths(cap));
          return {
            capGroup,
            ruleIds: [...g.ruleIds].sort(),
            raw: toPoints(g.raw),
            ...(cap !== undefined ? { cap } : {}),
            counted: toPoints(counted),
          };
        });
      const deducted = items.reduce((sum, item) => sum + toHundredths(item.counted), 0);
      const title = rulebook.sections.find((s) => s.number === number)?.title ?? `第${number}项`;
      return { number, title, deducted: toPoints(deducted), items };
    });

  const deducted = sections.reduce((sum, s) => sum + toHundredths(s.deducted), 0);
  return {
    communityId,
    baseScore: rulebook.baseScore,
    deducted: toPoints(deducted),
    total: toPoints(toHundredths(rulebook.baseScore) - deducted),
    sections,
    active,
    reversed,
  };
}

/** Scores for many communities at once, in the order given. */
export function computeScoreboard(input: {
  readonly rulebook: Rulebook;
  readonly communityIds: readonly string[];
  readonly deductions: readonly Deduction[];
  readonly reversals?: readonly Reversal[];
}): CommunityScore[] {
  const communityOf = new Map(input.deductions.map((d) => [d.key, d.communityId]));
  for (const reversal of input.reversals ?? []) {
    if (!communityOf.has(reversal.deductionKey)) {
      throw new ScoreInputError(`reversal ${reversal.key} refers to unknown deduction ${reversal.deductionKey}`);
    }
  }
  return input.communityIds.map((communityId) =>
    computeScore({
      rulebook: input.rulebook,
      communityId,
      deductions: input.deductions.filter((d) => d.communityId === communityId),
      reversals: (input.reversals ?? []).filter((r) => communityOf.get(r.deductionKey) === communityId),
    }),
  );
}
