/** Who recorded something: an automatic check (by name) or an official (by user id). */
export type Recorder =
  { readonly kind: 'automatic'; readonly check: string } | { readonly kind: 'official'; readonly userId: string; readonly name?: string };

/** A recorded deduction. Never deleted: a mistaken one is reversed. */
export interface Deduction {
  /** business key, unique: a retry can never record it twice */
  readonly key: string;
  readonly ruleId: string;
  readonly communityId: string;
  readonly section: number;
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
