import type { DeductionBasis, EscalationPolicy, EvidenceType, RiskLevel, RuleKind } from '../rulebook/types';

export interface Community {
  readonly id: string;
  readonly name?: string;
  /** e.g. "railway": rules with appliesToTags only apply to communities carrying one of them */
  readonly tags?: readonly string[];
}

/** A person or site on one of the community's ledgers (台账). */
export interface LedgerSubject {
  readonly id: string;
  /** a key of settings.subjectCategories, e.g. drug-user */
  readonly category: string;
  readonly name?: string;
  /** 轻度 low / 中度 medium / 重度 high; settings.defaultRiskLevel when absent */
  readonly riskLevel?: RiskLevel;
  /** 'YYYY-MM-DD' (Asia/Shanghai), first day on the ledger */
  readonly startDate: string;
  /** 'YYYY-MM-DD', last day on the ledger (inclusive); absent while still on it */
  readonly endDate?: string;
  /** the grid worker / controller responsible (网格员, 一盯一管控人) */
  readonly responsibleUserId?: string;
  /** ledger fields, checked against the rule's requiredFields */
  readonly fields?: Readonly<Record<string, unknown>>;
  /** document types on file, e.g. guardian-letter */
  readonly documents?: readonly string[];
  /** e.g. incident-prone (易肇事肇祸) */
  readonly flags?: readonly string[];
}

/** Duty rosters: season id -> 'YYYY-MM-DD' -> user id. */
export type DutyRosters = Readonly<Record<string, Readonly<Record<string, string>>>>;

/** One piece of work a community owes, ready to become a durable task. */
export interface ObligationInstance {
  /** ruleId|communityId|periodKey[|subjectId]: stable, unique, readable */
  readonly key: string;
  readonly ruleId: string;
  readonly communityId: string;
  readonly kind: RuleKind;
  readonly section: number;
  readonly item: string;
  readonly title: string;
  readonly periodKey: string;
  readonly periodLabel: string;
  readonly subjectId?: string;
  /** who the roster names (seasonal duty); otherwise assigned by the secretary */
  readonly assigneeUserId?: string;
  readonly opensAt: Date;
  readonly dueAt: Date;
  /** reminder instants, ascending, within [opensAt, dueAt] */
  readonly remindAt: readonly Date[];
  /** activities needed in the period, e.g. 2 patrols */
  readonly activitiesRequired: number;
  readonly evidence: {
    /** pieces of evidence in total (per activity x activities) */
    readonly minCount: number;
    readonly types: readonly EvidenceType[];
  };
  readonly deduction: {
    readonly amount: number;
    readonly basis: DeductionBasis;
    /** business key of the deduction a miss produces; shared by instances when basis is per-period */
    readonly key: string;
  };
  readonly escalation: EscalationPolicy;
  readonly requiresReview: boolean;
  readonly clause: string;
}
