// What an obligation workflow is started with: the domain's ObligationInstance
// in JSON-safe form plus the rulebook version it opened under. Being the
// workflow input, it is recorded in the history: a later rulebook change can
// never alter a period already open.
import type { EscalationPolicy, EvidenceType, ObligationInstance, RuleKind } from '../../domain';
import { startOfDay } from '../../domain/time/shanghai';

export interface ObligationSpec {
  key: string;
  ruleId: string;
  communityId: string;
  kind: RuleKind;
  section: number;
  item: string;
  title: string;
  clause: string;
  periodKey: string;
  periodLabel: string;
  subjectId?: string;
  assigneeUserId?: string;
  /** ISO instants */
  opensAt: string;
  dueAt: string;
  /** reminder offsets relative to the deadline in ms (<= 0), so an extension moves them too */
  reminderOffsetsMs: number[];
  activitiesRequired: number;
  evidence: { minCount: number; types: EvidenceType[] };
  deduction: { amount: number; basis: string; key: string };
  escalation: EscalationPolicy;
  requiresReview: boolean;
  rulebook: { year: number; version: number };
  /** late evidence is accepted until then (the annual assessment closes) */
  acceptLateUntil: string;
  /** duty shifts: warn the person on duty this long before the shift opens */
  preShiftNoticeMs?: number;
}

/** The evening before a duty day, at 21:00: "tomorrow you are on duty". */
const PRE_SHIFT_NOTICE_MS = 3 * 3_600_000;

/** Ledger obligations are closed by the automatic completeness check at the deadline, not by evidence alone. */
export const closesByAutomaticCheck = (spec: Pick<ObligationSpec, 'kind'>) => spec.kind === 'ledger';

/** Late evidence is taken until the end of January after the rulebook's year. */
export function assessmentClosesAt(year: number): Date {
  return startOfDay({ year: year + 1, month: 2, day: 1 });
}

export function toObligationSpec(instance: ObligationInstance, rulebook: { year: number; version: number }): ObligationSpec {
  const due = instance.dueAt.getTime();
  return {
    key: instance.key,
    ruleId: instance.ruleId,
    communityId: instance.communityId,
    kind: instance.kind,
    section: instance.section,
    item: instance.item,
    title: instance.title,
    clause: instance.clause,
    periodKey: instance.periodKey,
    periodLabel: instance.periodLabel,
    ...(instance.subjectId !== undefined ? { subjectId: instance.subjectId } : {}),
    ...(instance.assigneeUserId !== undefined ? { assigneeUserId: instance.assigneeUserId } : {}),
    opensAt: instance.opensAt.toISOString(),
    dueAt: instance.dueAt.toISOString(),
    reminderOffsetsMs: instance.remindAt.map((at) => at.getTime() - due),
    activitiesRequired: instance.activitiesRequired,
    evidence: { minCount: instance.evidence.minCount, types: [...instance.evidence.types] },
    deduction: { ...instance.deduction },
    escalation: {
      name: instance.escalation.name,
      steps: instance.escalation.steps.map((s) => ({ ...s })),
      repeatEvery: instance.escalation.repeatEvery,
    },
    requiresReview: instance.requiresReview,
    rulebook: { year: rulebook.year, version: rulebook.version },
    acceptLateUntil: assessmentClosesAt(rulebook.year).toISOString(),
    ...(instance.kind === 'seasonal-duty' && instance.assigneeUserId ? { preShiftNoticeMs: PRE_SHIFT_NOTICE_MS } : {}),
  };
}
