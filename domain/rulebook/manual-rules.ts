/**
 * Which rules a person may invoke by hand: incidents an official records
 * (信访、事故、通报…) and the reporting clauses an official turns into a data
 * request (资料报送). Everything else is deducted by its own deadline.
 * Points, section and item always come from the rule, never from the request.
 */
import type { Rule, Rulebook } from './types';

/** Rules an official records as incidents (POST /api/incidents). */
export function incidentRules(rulebook: Rulebook): Rule[] {
  return rulebook.rules.filter((r) => r.kind === 'incident');
}

/** Rules a data request may enforce (POST /api/data-requests). */
export function reportingRules(rulebook: Rulebook): Rule[] {
  return rulebook.rules.filter((r) => r.kind === 'reporting');
}

/** "到省上访（stability.petition-province）、进京上访（…）": the choices an API refusal names. */
export function describeRuleChoices(rules: readonly Rule[]): string {
  return rules.map((r) => `${r.item}·${r.title}（${r.id}）`).join('、');
}
