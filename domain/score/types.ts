/** Who recorded something: an automatic check (by name) or an official (by user id). */
export type Recorder =
  | { readonly kind: 'automatic'; readonly check: string }
  | { readonly kind: 'official'; readonly userId: string; readonly name?: string };

/** A recorded deduction. Never deleted: a mistaken one is reversed. */
export interface Deduction {
  /** business key, unique: a retry can never record it twice */
  readonly key: string;
  readonly ruleId: string;
  readonly communityId: string;
  readonly section: number;
  /** deductions of one cap group are capped together (rule.capGroup) */
  readonly capGroup: string;
  readonly amount: number;
  readonly periodKey?: string;
  readonly periodLabel?: string;
  readonly subjectId?: string;
  readonly occurrenceId?: string;
  /** the deadline that passed, for timed obligations */
  readonly dueAt?: Date;
  /** what was missing or what happened, in Chinese, e.g. 本期需巡查2次，仅完成1次 */
  readonly missing: string;
  readonly recordedAt: Date;
  readonly recordedBy: Recorder;
}

/** An appeal (申诉) granted by an official: it cancels one deduction, with a reason. */
export interface Reversal {
  readonly key: string;
  readonly deductionKey: string;
  readonly reason: string;
  readonly reversedAt: Date;
  readonly reversedBy: Recorder;
}

export interface ItemScore {
  readonly capGroup: string;
  readonly ruleIds: readonly string[];
  /** sum of active deductions before the cap */
  readonly raw: number;
  readonly cap?: number;
  /** what counts against the score: min(raw, cap) */
  readonly counted: number;
}

export interface SectionScore {
  readonly number: number;
  readonly title: string;
  readonly deducted: number;
  readonly items: readonly ItemScore[];
}

export interface CommunityScore {
  readonly communityId: string;
  readonly baseScore: number;
  readonly deducted: number;
  /** baseScore - deducted; not floored at 0, so the full extent stays visible */
  readonly total: number;
  readonly sections: readonly SectionScore[];
  readonly active: readonly Deduction[];
  readonly reversed: ReadonlyArray<{ readonly deduction: Deduction; readonly reversal: Reversal }>;
}
