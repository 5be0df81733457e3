// The obligation's state machine as pure functions: the workflow calls them,
// unit tests call them directly. Validation errors are written for the person
// whose request is refused (Chinese first, English in parentheses).
import { durationMs } from '../../domain/time/duration';
import { closesByAutomaticCheck, type ObligationSpec } from './spec';
import type { ExtendDeadlineInput, ReviewInput, SubmitEvidenceInput, WaiveInput, AcknowledgeInput } from './messages';

export type ObligationStatus = 'SCHEDULED' | 'OPEN' | 'SUBMITTED' | 'CLOSED' | 'OVERDUE' | 'CLOSED_LATE' | 'WAIVED';

export interface PendingSubmission {
  submissionId: string;
  submittedBy: string;
  units: number;
  /** submitted after the deadline in force at the time */
  late: boolean;
}

export interface ObligationState {
  status: ObligationStatus;
  dueAt: string;
  requiredUnits: number;
  acceptedUnits: number;
  /** accepted units that arrived before the deadline */
  acceptedOnTimeUnits: number;
  pending: PendingSubmission[];
  /** every submission id seen, so a retried request is recognised */
  seenSubmissions: string[];
  remindersSent: number;
  deducted: boolean;
  escalationLevel: number;
  acknowledged: boolean;
  /**
   * The next escalation slot (ISO), carried through continue-as-new so a new
   * run resumes the schedule instead of replaying it from the deadline.
   * Absent in states written before it existed.
   */
  nextEscalationAt?: string;
  /** Steps of the bounded wait for a reviewer already taken (1 reminded, 2 escalated). */
  reviewWaitSteps?: number;
  waiverReason?: string;
  closedAt?: string;
}

export class RefusedError extends Error {
  override name = 'RefusedError';
}

export function initialState(spec: ObligationSpec): ObligationState {
  return {
    status: 'SCHEDULED',
    dueAt: spec.dueAt,
    requiredUnits: Math.max(1, spec.activitiesRequired),
    acceptedUnits: 0,
    acceptedOnTimeUnits: 0,
    pending: [],
    seenSubmissions: [],
    remindersSent: 0,
    deducted: false,
    escalationLevel: 0,
    acknowledged: false,
  };
}

export const isFinished = (s: ObligationState) => s.status === 'CLOSED' || s.status === 'CLOSED_LATE' || s.status === 'WAIVED';
export const isMet = (s: ObligationState) => s.acceptedUnits >= s.requiredUnits;
/** Met on time, or could still be once on-time submissions awaiting review are approved. */
export const couldBeMetOnTime = (s: ObligationState) =>
  s.acceptedOnTimeUnits + s.pending.filter((p) => !p.late).reduce((sum, p) => sum + p.units, 0) >= s.requiredUnits;

export function validateSubmission(spec: ObligationSpec, s: ObligationState, input: SubmitEvidenceInput, now: Date): void {
  if (s.seenSubmissions.includes(input.submissionId)) return; // a retry: accepted again, changes nothing
  if (input.communityId !== spec.communityId) throw new RefusedError('证据所属社区与任务不符 (evidence belongs to another community)');
  if (s.status === 'SCHEDULED') throw new RefusedError(`本期任务尚未开始，${spec.opensAt} 起可提交 (the period is not open yet)`);
  if (isFinished(s)) throw new RefusedError('本期任务已关闭，无需再提交 (this period is closed)');
  if (now.getTime() >= Date.parse(spec.acceptLateUntil)) throw new RefusedError('年度考核已结束，不再接收证据 (the assessment has closed)');
  const units = input.units ?? 1;
  if (!Number.isInteger(units) || units < 1 || units > s.requiredUnits) {
    throw new RefusedError(`每次提交计为 1 到 ${s.requiredUnits} 次工作 (units must be between 1 and ${s.requiredUnits})`);
  }
  // The spec's minCount covers every required activity; a submission brings its share.
  const needed = Math.ceil((spec.evidence.minCount / s.requiredUnits) * units);
  if (input.evidenceIds.length < needed) {
    throw new RefusedError(`请至少上传 ${needed} 份证据，本次只有 ${input.evidenceIds.length} 份 (at least ${needed} files required)`);
  }
}

export function applySubmission(spec: ObligationSpec, s: ObligationState, input: SubmitEvidenceInput, now: Date): ObligationState {
  if (s.seenSubmissions.includes(input.submissionId)) return s;
  const late = now.getTime() >= Date.parse(s.dueAt);
  const submission = { submissionId: input.submissionId, submittedBy: input.submittedBy, units: input.units ?? 1, late };
  const seen = { ...s, seenSubmissions: [...s.seenSubmissions, input.submissionId] };
  if (spec.requiresReview) return { ...seen, status: s.deducted ? s.status : 'SUBMITTED', pending: [...s.pending, submission] };
  return accept(seen, submission, now, !closesByAutomaticCheck(spec));
}

export function validateReview(s: ObligationState, input: ReviewInput): void {
  // A review arriving while a waiver is being recorded must not reopen or close a finished period (found by state.test.ts).
  if (isFinished(s)) throw new RefusedError('本期任务已关闭，无需再审核 (this period is closed)');
  if (!s.pending.some((p) => p.submissionId === input.submissionId)) {
    throw new RefusedError('该提交不在待审核状态，可能已被审核 (this submission is not awaiting review)');
  }
  if (input.decision === 'reject' && !input.reason?.trim()) throw new RefusedError('退回时请填写原因 (a rejection needs a reason)');
}

export function applyReview(spec: ObligationSpec, s: ObligationState, input: ReviewInput, now: Date): ObligationState {
  const submission = s.pending.find((p) => p.submissionId === input.submissionId);
  if (!submission) return s;
  const rest = { ...s, pending: s.pending.filter((p) => p !== submission) };
  if (input.decision === 'approve') return accept(rest, submission, now, !closesByAutomaticCheck(spec));
  const reopened = rest.pending.length > 0 ? 'SUBMITTED' : 'OPEN';
  return { ...rest, status: s.deducted ? 'OVERDUE' : reopened };
}

/** `closes` false: the evidence counts, but only the automatic check at the deadline closes the task. */
function accept(s: ObligationState, submission: PendingSubmission, now: Date, closes: boolean): ObligationState {
  const next = {
    ...s,
    acceptedUnits: s.acceptedUnits + submission.units,
    acceptedOnTimeUnits: s.acceptedOnTimeUnits + (submission.late ? 0 : submission.units),
  };
  if (!isMet(next) || !closes) return { ...next, status: s.deducted ? 'OVERDUE' : next.pending.length > 0 ? 'SUBMITTED' : 'OPEN' };
  return { ...next, status: s.deducted ? 'CLOSED_LATE' : 'CLOSED', closedAt: now.toISOString() };
}

export function validateExtension(s: ObligationState, input: ExtendDeadlineInput, now: Date): void {
  if (!input.reason.trim()) throw new RefusedError('延期请填写原因 (an extension needs a reason)');
  if (isFinished(s)) throw new RefusedError('本期任务已关闭，无需延期 (this period is closed)');
  if (s.deducted)
    throw new RefusedError(
      '已过截止时间并已扣分，延期不会撤销扣分；如确有原因请撤销该扣分 (already deducted: reverse the deduction instead)',
    );
  const newDue = Date.parse(input.newDueAt);
  if (Number.isNaN(newDue)) throw new RefusedError('新的截止时间格式不正确 (newDueAt is not a date)');
  if (newDue <= Date.parse(s.dueAt) || newDue <= now.getTime())
    throw new RefusedError('新的截止时间必须晚于当前截止时间 (the new deadline must be later than the current one)');
}

export function validateWaiver(s: ObligationState, input: WaiveInput): void {
  if (!input.reason.trim()) throw new RefusedError('免除请填写原因 (a waiver needs a reason)');
  if (isFinished(s)) throw new RefusedError('本期任务已关闭 (this period is already closed)');
  if (s.deducted) throw new RefusedError('已扣分的任务不能免除，请撤销该扣分 (already deducted: reverse the deduction instead)');
}

export function validateAcknowledgement(s: ObligationState, _input: AcknowledgeInput): void {
  if (s.escalationLevel === 0) throw new RefusedError('该任务没有待处理的督办 (nothing has been escalated)');
  if (s.acknowledged) throw new RefusedError('该督办已被确认 (already acknowledged)');
}

/** The automatic check found nothing missing. */
export function closeByCheck(s: ObligationState, now: Date): ObligationState {
  return { ...s, status: 'CLOSED', closedAt: now.toISOString() };
}

/** Escalation slots repeat no more often than this, whatever a rulebook says (a zero repeat would spin). */
const MIN_REPEAT_MS = 1_000;

/**
 * The escalation schedule anchored at the deadline: the first step's wait
 * after it, each following step's wait after the one before, then every
 * `repeatEvery`. Returns the first slot strictly after `after` (ms).
 * A run that waited past several slots (a late review, a long outage, a new
 * run after continue-as-new) resumes at the next one: missed slots are
 * skipped, never fired one after another.
 */
export function nextEscalationSlot(spec: Pick<ObligationSpec, 'escalation'>, dueAt: string, after: number): number {
  const steps = spec.escalation.steps;
  let at = Date.parse(dueAt) + durationMs(steps[0]?.wait ?? 'PT0S');
  for (let i = 1; i < steps.length && at <= after; i++) at += durationMs(steps[i]!.wait);
  if (at > after) return at;
  const repeat = Math.max(MIN_REPEAT_MS, durationMs(spec.escalation.repeatEvery));
  return at + (Math.floor((after - at) / repeat) + 1) * repeat;
}

/**
 * Where the escalation loop starts: the cursor carried in the state; else the
 * schedule's first slot; else (a state carried over before the cursor existed,
 * already escalated) the next slot after `now`.
 */
export function firstEscalationSlot(spec: Pick<ObligationSpec, 'escalation'>, s: ObligationState, now: number): number {
  if (s.nextEscalationAt) return Date.parse(s.nextEscalationAt);
  if (s.escalationLevel === 0) return Date.parse(s.dueAt) + durationMs(spec.escalation.steps[0]?.wait ?? 'PT0S');
  return nextEscalationSlot(spec, s.dueAt, now);
}

/** On-time evidence still waits for a reviewer after the deadline. */
export const awaitsReviewAfterDeadline = (s: ObligationState) =>
  !isFinished(s) && !isMet(s) && couldBeMetOnTime(s) && s.pending.some((p) => !p.late);
