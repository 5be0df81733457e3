/**
 * What a rulebook amounts to, for the CLI and for admins reviewing a change:
 * rules per section and kind, and the most a community could lose in a year
 * from timed obligations under a stated assumption.
 */
import { generateObligations } from '../obligations/generate';
import type { LedgerSubject } from '../obligations/types';
import type { Rulebook, RuleKind } from './types';
import { RULE_KINDS } from './schema';

export interface RulebookSummary {
  readonly assumption: string;
  readonly sections: ReadonlyArray<{ readonly number: number; readonly title: string; readonly rules: number; readonly maxDeduction: number }>;
  readonly kinds: ReadonlyArray<{ readonly kind: RuleKind; readonly rules: number }>;
  readonly rules: ReadonlyArray<{ readonly ruleId: string; readonly instances: number; readonly maxDeduction: number }>;
  /** incident and reporting rules: deducted per occurrence, no yearly maximum */
  readonly perOccurrence: ReadonlyArray<{ readonly ruleId: string; readonly amount: number }>;
  readonly maxTimedDeduction: number;
}

export interface SummaryOptions {
  /** assume this many medium-risk people/sites on the ledger of every category, all year (default 0) */
  readonly subjectsPerCategory?: number;
}

export function summarizeRulebook(rulebook: Rulebook, options: SummaryOptions = {}): RulebookSummary {
  const perCategory = options.subjectsPerCategory ?? 0;
  const subjects: LedgerSubject[] = Object.keys(rulebook.settings.subjectCategories).flatMap((category) =>
    Array.from({ length: perCategory }, (_, i) => ({
      id: `${category}-${i + 1}`,
      category,
      riskLevel: 'medium' as const,
      startDate: `${rulebook.year}-01-01`,
    })),
  );
  const instances = generateObligations({
    rulebook,
    community: { id: 'example' },
    subjects,
    from: new Date(Date.UTC(rulebook.year - 1, 11, 1)),
    to: new Date(Date.UTC(rulebook.year + 1, 1, 1)),
  });

  // Distinct deduction keys: a per-period deduction shared by several instances counts once.
  const amountByKey = new Map<string, { ruleId: string; amount: number }>();
  const instancesByRule = new Map<string, number>();
  for (const instance of instances) {
    amountByKey.set(instance.deduction.key, { ruleId: instance.ruleId, amount: instance.deduction.amount });
    instancesByRule.set(instance.ruleId, (instancesByRule.get(instance.ruleId) ?? 0) + 1);
  }
  const rawByRule = new Map<string, number>();
  for (const { ruleId, amount } of amountByKey.values()) rawByRule.set(ruleId, (rawByRule.get(ruleId) ?? 0) + amount * 100);

  const rawByGroup = new Map<string, number>();
  for (const rule of rulebook.rules) {
    rawByGroup.set(rule.capGroup, (rawByGroup.get(rule.capGroup) ?? 0) + (rawByRule.get(rule.id) ?? 0));
  }
  const countedByGroup = new Map<string, number>();
  for (const rule of rulebook.rules) {
    const raw = rawByGroup.get(rule.capGroup) ?? 0;
    countedByGroup.set(rule.capGroup, rule.cap === undefined ? raw : Math.min(raw, rule.cap * 100));
  }

  const timed = rulebook.rules.filter((r) => r.kind !== 'incident' && r.kind !== 'reporting');
  const ruleRows = timed.map((rule) => {
    const raw = rawByRule.get(rule.id) ?? 0;
    const cap = rule.cap === undefined ? raw : Math.min(raw, rule.cap * 100);
    return { ruleId: rule.id, instances: instancesByRule.get(rule.id) ?? 0, maxDeduction: cap / 100 };
  });

  const sectionTotal = (number: number) => {
    const groups = new Set(rulebook.rules.filter((r) => r.section === number).map((r) => r.capGroup));
    return [...groups].reduce((sum, g) => sum + (countedByGroup.get(g) ?? 0), 0) / 100;
  };
  const sections = rulebook.sections.map((s) => ({
    number: s.number,
    title: s.title,
    rules: rulebook.rules.filter((r) => r.section === s.number).length,
    maxDeduction: sectionTotal(s.number),
  }));

  return {
    assumption:
      `one community, ${perCategory} medium-risk subject(s) per ledger category all year, ` +
      `every timed obligation of ${rulebook.year} missed; incidents and late reports (per occurrence) not counted`,
    sections,
    kinds: RULE_KINDS.map((kind) => ({ kind, rules: rulebook.rules.filter((r) => r.kind === kind).length })),
    rules: ruleRows,
    perOccurrence: rulebook.rules
      .filter((r) => r.kind === 'incident' || r.kind === 'reporting')
      .map((r) => ({ ruleId: r.id, amount: r.deduction.amount })),
    maxTimedDeduction: sections.reduce((sum, s) => sum + Math.round(s.maxDeduction * 100), 0) / 100,
  };
}
