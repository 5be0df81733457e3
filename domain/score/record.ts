/**
 * Building deductions from their causes, so every deduction carries the same
 * business key whichever process records it.
 */
import { occurrenceKey } from '../obligations/keys';
import type { ObligationInstance } from '../obligations/types';
import type { Rule } from '../rulebook/types';
import type { Deduction, Recorder } from './types';

/**
 * The deduction for an obligation whose deadline passed unmet, or undefined
 * when the rule carries no deduction (amount 0: tracked, not scored).
 */
export function deductionForMissedObligation(
  instance: ObligationInstance,
  recorded: { readonly at: Date; readonly by: Recorder; readonly missing: string },
): Deduction | undefined {
  if (instance.deduction.amount === 0) return undefined;
  return {
    key: instance.deduction.key,
    ruleId: instance.ruleId,
    communityId: instance.communityId,
    section: instance.section,
    amount: instance.deduction.amount,
    periodKey: instance.periodKey,
    periodLabel: instance.periodLabel,
    // A per-period deduction stands for the whole period, not one subject.
    ...(instance.subjectId !== undefined && instance.deduction.basis !== 'per-period' ? { subjectId: instance.subjectId } : {}),
    dueAt: instance.dueAt,
    missing: recorded.missing,
    recordedAt: recorded.at,
    recordedBy: recorded.by,
  };
}

/** An incident recorded by an official (e.g. a petition reaching Beijing). */
export function incidentDeduction(
  rule: Rule,
  incident: {
    readonly communityId: string;
    readonly occurrenceId: string;
    readonly subjectId?: string;
    readonly description: string;
    readonly recordedAt: Date;
    readonly recordedBy: Recorder;
  },
): Deduction {
  if (rule.deduction.basis !== 'per-occurrence') {
    throw new RangeError(`rule ${rule.id} is not deducted per occurrence`);
  }
  return {
    key: occurrenceKey(rule.id, incident.communityId, incident.occurrenceId),
    ruleId: rule.id,
    communityId: incident.communityId,
    section: rule.section,
    amount: rule.deduction.amount,
    occurrenceId: incident.occurrenceId,
    ...(incident.subjectId !== undefined ? { subjectId: incident.subjectId } : {}),
    missing: incident.description,
    recordedAt: incident.recordedAt,
    recordedBy: incident.recordedBy,
  };
}
