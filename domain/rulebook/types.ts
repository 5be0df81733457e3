/**
 * The validated, fully resolved rulebook that the rest of duban uses.
 * Defaults from `settings.defaults` are already applied to every rule, named
 * escalation policies are inlined and "regular" (定期) cadences are resolved,
 * so consumers never look anything up. Plain JSON-safe data (no Date objects):
 * it can cross Temporal and API boundaries unchanged.
 */
import type { SeasonDefinition } from '../calendar/seasons';
import type { SensitiveWindowDefinition } from '../calendar/sensitive-windows';
import type { CadenceUnit } from '../time/period';
import type { CLAUSE_COUNTINGS, DEDUCTION_BASES, ESCALATION_ROLES, EVIDENCE_TYPES, RISK_LEVELS, RULE_KINDS } from './schema';

export type RuleKind = (typeof RULE_KINDS)[number];
export type DeductionBasis = (typeof DEDUCTION_BASES)[number];
export type EvidenceType = (typeof EVIDENCE_TYPES)[number];
export type EscalationRole = (typeof ESCALATION_ROLES)[number];
export type RiskLevel = (typeof RISK_LEVELS)[number];
export type ClauseCounting = (typeof CLAUSE_COUNTINGS)[number];

/** One sentence of the rubric's 扣分标准: the unit the score is counted in. */
export interface Clause {
  readonly id: string;
  readonly section: number;
  readonly item: string;
  /** verbatim, e.g. 未落实值班值守扣2分 */
  readonly text: string;
  readonly amount: number;
  /** per-occurrence: no cap; per-month: at most `amount` a calendar month; per-year: at most `amount` a year */
  readonly counting: ClauseCounting;
  /** set when the rulebook reads the clause otherwise than its wording */
  readonly countingReason?: string;
}

export interface Cadence {
  readonly every: CadenceUnit;
  /** how many activities per period, e.g. 2 patrols a month */
  readonly count: number;
  /** true when the rubric only says 定期 (regularly) and the cadence is a rulebook setting */
  readonly regular: boolean;
}

export interface EvidenceRequirement {
  /** pieces of evidence per activity */
  readonly minCount: number;
  readonly types: readonly EvidenceType[];
}

export interface DeductionSpec {
  readonly amount: number;
  /**
   * per-period: at most once per community and period (even if the rule is owed per subject);
   * per-subject: once per community, period and subject;
   * per-occurrence: every recorded occurrence (incidents, late submissions).
   */
  readonly basis: DeductionBasis;
}

export interface EscalationStep {
  readonly role: EscalationRole;
  /** ISO 8601 duration after the deadline (first step) or after the previous step */
  readonly wait: string;
}

export interface EscalationPolicy {
  readonly name: string;
  readonly steps: readonly EscalationStep[];
  readonly repeatEvery: string;
  /** Its escalations go out during quiet hours too (flood duty, sensitive windows). */
  readonly urgent?: boolean;
}

export interface LedgerRequirement {
  readonly requiredFields: readonly string[];
  readonly requireResponsibleWorker: boolean;
  readonly requiredDocument?: { readonly type: string; readonly name: string; readonly forFlag?: string };
}

export type DueSpec =
  | { readonly kind: 'year-end' }
  | { readonly kind: 'month-day'; readonly month: number; readonly day: number }
  | { readonly kind: 'season-start'; readonly season: string };

export interface Rule {
  readonly id: string;
  readonly section: number;
  readonly sectionTitle: string;
  /** the rubric's 考核事项 sub-item (or the section title when it has none) */
  readonly item: string;
  readonly title: string;
  readonly kind: RuleKind;
  /** the rubric sentence this rule implements, verbatim (its clause's text; the requirement when it deducts nothing) */
  readonly clause: string;
  /** the clause it is counted under; undefined when the rule deducts nothing (amount 0) */
  readonly clauseId?: string;
  /** the rubric's 工作要求 text behind it, verbatim, when useful */
  readonly requirement?: string;
  readonly cadence?: Cadence;
  /** subject category (ledger people/sites) for visit, ledger and per-subject rules */
  readonly subjects?: string;
  readonly ledger?: LedgerRequirement;
  readonly season?: string;
  /** seasonal-duty: 'HH:MM' Shanghai time by which the daily check-in is due */
  readonly checkInBy?: string;
  /** sensitive window ids, already expanded from "all" */
  readonly windows?: readonly string[];
  /** true when the rulebook said `windows: all`: the rule also owes work in windows the admin adds (SensitiveWindow rows) */
  readonly windowsAll?: boolean;
  readonly due?: DueSpec;
  readonly evidence: EvidenceRequirement;
  readonly deduction: DeductionSpec;
  /** ISO 8601 offsets relative to the deadline, all <= 0, e.g. ["-P7D", "-P1D", "PT0S"] */
  readonly reminders: readonly string[];
  readonly escalation: EscalationPolicy;
  readonly requiresReview: boolean;
  readonly appliesToTags?: readonly string[];
  readonly note?: string;
}

export interface SubjectCategory {
  readonly id: string;
  readonly name: string;
  readonly visits?: Readonly<Record<RiskLevel, CadenceUnit>>;
}

export interface RulebookSettings {
  readonly defaultReminders: readonly string[];
  readonly defaultEscalation: string;
  readonly defaultRequiresReview: boolean;
  readonly defaultEvidence: EvidenceRequirement;
  readonly escalationPolicies: Readonly<Record<string, EscalationPolicy>>;
  readonly regularCadence: { readonly every: CadenceUnit; readonly count: number };
  readonly subjectCategories: Readonly<Record<string, SubjectCategory>>;
  readonly defaultRiskLevel: RiskLevel;
  readonly newSubjectGraceDays: number;
  readonly seasons: readonly SeasonDefinition[];
  readonly sensitiveWindows: readonly SensitiveWindowDefinition[];
}

export interface Section {
  readonly number: number;
  readonly title: string;
}

export interface Rulebook {
  /** where it was loaded from, for messages */
  readonly fileName: string;
  readonly year: number;
  readonly version: number;
  /** 'YYYY-MM-DD' (Asia/Shanghai): periods opening on or after this day use this version */
  readonly effectiveFrom: string;
  readonly title: string;
  readonly timezone: 'Asia/Shanghai';
  /** the rubric only deducts; the score starts here */
  readonly baseScore: number;
  readonly sections: readonly Section[];
  readonly settings: RulebookSettings;
  /** the rubric's deduction clauses, in rubric order */
  readonly clauses: readonly Clause[];
  readonly rules: readonly Rule[];
}
