/**
 * What a rulebook amounts to, for the CLI and for admins reviewing a change:
 * rules per section and kind, and the most a community could lose in a year
 * from timed obligations under a stated assumption.
 */
import { generateObligations } from '../obligations/generate';
import type { LedgerSubject } from '../obligations/types';
import type { ClauseCounting, Rulebook, RuleKind } from './types';
import { RULE_KINDS } from './schema';
import { scoreTownship, type ScoreRow } from '../score/score';
import { shanghaiDateOf } from '../time/shanghai';

export interface RulebookSummary {
  readonly assumption: string;
  readonly sections: ReadonlyArray<{
    readonly number: number;
    readonly title: string;
    readonly rules: number;
    readonly maxDeduction: number;
  }>;
  readonly kinds: ReadonlyArray<{ readonly kind: RuleKind; readonly rules: number }>;
  readonly rules: ReadonlyArray<{ readonly ruleId: string; readonly instances: number; readonly maxDeduction: number }>;
  /** incident and reporting rules: recorded per occurrence, capped as their clause says */
  readonly perOccurrence: ReadonlyArray<{ readonly ruleId: string; readonly amount: number; readonly counting: ClauseCounting }>;
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

  // Distinct deduction keys (a per-period deduction shared by several instances counts once),
  // scored by the one score function: each rule alone, then all together.
  const rowByKey = new Map<string, ScoreRow>();
  const instancesByRule = new Map<string, number>();
  for (const instance of instances) {
    instancesByRule.set(instance.ruleId, (instancesByRule.get(instance.ruleId) ?? 0) + 1);
    const missed = shanghaiDateOf(new Date(instance.dueAt.getTime() - 1));
    if (instance.deduction.amount === 0 || missed.year !== rulebook.year) continue;
    rowByKey.set(instance.deduction.key, {
      communityId: 'example',
      ruleId: instance.ruleId,
      month: missed.month,
      points: instance.deduction.amount,
      count: 1,
    });
  }
  const rows = [...rowByKey.values()];
  const score = (only?: string) =>
    scoreTownship({ rulebook, communityIds: ['example'], rows: only ? rows.filter((r) => r.ruleId === only) : rows, month: 12 })
      .communities[0]!;

  const timed = rulebook.rules.filter((r) => r.kind !== 'incident' && r.kind !== 'reporting');
  const ruleRows = timed.map((rule) => ({
    ruleId: rule.id,
    instances: instancesByRule.get(rule.id) ?? 0,
    maxDeduction: score(rule.id).deducted,
  }));
  const all = score();
  const sections = rulebook.sections.map((s) => ({
    number: s.number,
    title: s.title,
    rules: rulebook.rules.filter((r) => r.section === s.number).length,
    maxDeduction: all.sections.find((x) => x.number === s.number)?.deducted ?? 0,
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
      .map((r) => ({
        ruleId: r.id,
        amount: r.deduction.amount,
        counting: rulebook.clauses.find((c) => c.id === r.clauseId)?.counting ?? 'per-occurrence',
      })),
    maxTimedDeduction: all.deducted,
  };
}
