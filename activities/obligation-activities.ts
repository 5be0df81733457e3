// Side effects of the obligation workflow. Each is idempotent: keyed writes,
// so Temporal may retry any of them at any point.
import { ApplicationFailure } from '@temporalio/activity';
import { explainDeduction, findLedgerGaps, shanghaiDateOf, type Deduction } from '../domain';
import type { ObligationSpec } from '../workflows/obligation/spec';
import type { ObligationStatus } from '../workflows/obligation/state';
import type { Database } from '../db/client';
import { obligationRepository } from '../db/obligation-repository';
import { deductionStore } from '../db/deduction-store';
import { planningSource } from '../db/planning-source';
import type { RulebookStore } from '../platform/rulebook-store';
import { ESCALATION_ROLE, type EscalationRoleName } from './escalation-roles';

export interface ObligationActivityDeps {
  db: Database;
  rulebooks: RulebookStore;
}

export function createObligationActivities(deps: ObligationActivityDeps) {
  const obligations = obligationRepository(deps.db);
  const deductions = deductionStore(deps.db);
  const ledgers = planningSource(deps.db);

  const rulebookOf = (spec: ObligationSpec) => {
    const rulebook = deps.rulebooks.byVersion(spec.rulebook.year, spec.rulebook.version);
    if (!rulebook) throw ApplicationFailure.nonRetryable(`rulebook ${spec.rulebook.year} v${spec.rulebook.version} is not loaded`);
    return rulebook;
  };

  return {
    async registerObligation(input: { spec: ObligationSpec; workflowId: string }): Promise<void> {
      const { spec } = input;
      await obligations.register({
        businessKey: spec.key,
        ruleId: spec.ruleId,
        rulebookVersion: `${spec.rulebook.year}-v${spec.rulebook.version}`,
        communityId: spec.communityId,
        periodKey: spec.periodKey,
        periodLabel: spec.periodLabel,
        kind: spec.kind,
        section: spec.section,
        title: spec.title,
        points: spec.deduction.amount,
        opensAt: new Date(spec.opensAt),
        dueAt: new Date(spec.dueAt),
        requiredCount: spec.activitiesRequired,
        workflowId: input.workflowId,
        ...(spec.subjectId ? { subjectId: spec.subjectId } : {}),
        ...(spec.assigneeUserId ? { assigneeId: spec.assigneeUserId } : {}),
      });
    },

    async recordSubmission(input: {
      obligationKey: string;
      submissionId: string;
      submittedBy: string;
      evidenceIds: string[];
      units: number;
      late: boolean;
      note?: string;
      submittedAt: string;
      accepted: boolean;
    }): Promise<void> {
      await obligations.recordSubmission({
        businessKey: input.obligationKey,
        submissionId: input.submissionId,
        submittedById: input.submittedBy,
        evidenceIds: input.evidenceIds,
        units: input.units,
        late: input.late,
        accepted: input.accepted,
        ...(input.note ? { note: input.note } : {}),
      });
    },

    async recordReview(input: {
      obligationKey: string;
      submissionId: string;
      reviewerId: string;
      decision: 'approve' | 'reject';
      reason?: string;
      reviewedAt: string;
    }): Promise<void> {
      await obligations.recordReview({
        businessKey: input.obligationKey,
        submissionId: input.submissionId,
        reviewerId: input.reviewerId,
        approved: input.decision === 'approve',
        ...(input.reason ? { reason: input.reason } : {}),
      });
    },

    async updateObligationStatus(input: {
      obligationKey: string;
      status: ObligationStatus;
      acceptedUnits: number;
      closedAt?: string;
    }): Promise<void> {
      await obligations.setStatus(input.obligationKey, {
        status: input.status,
        acceptedCount: input.acceptedUnits,
        closedAt: input.closedAt ? new Date(input.closedAt) : null,
      });
    },

    async recordDeadlineChange(input: { obligationKey: string; newDueAt: string; reason: string; by: string; at: string }): Promise<void> {
      await obligations.setDueAt(input.obligationKey, new Date(input.newDueAt), {
        actor: { userId: input.by },
        entry: {
          action: 'obligation.extend',
          entity: 'Obligation',
          entityId: input.obligationKey,
          details: { newDueAt: input.newDueAt, reason: input.reason },
          at: new Date(input.at),
          key: `obligation.extend|${input.obligationKey}|${input.at}`,
        },
      });
    },

    async recordWaiver(input: { obligationKey: string; reason: string; by: string; at: string }): Promise<void> {
      await obligations.setStatus(
        input.obligationKey,
        { status: 'WAIVED', acceptedCount: 0, closedAt: new Date(input.at), waiverReason: input.reason },
        {
          actor: { userId: input.by },
          entry: {
            action: 'obligation.waive',
            entity: 'Obligation',
            entityId: input.obligationKey,
            details: { reason: input.reason },
            at: new Date(input.at),
            key: `obligation.waive|${input.obligationKey}`,
          },
        },
      );
    },

    /** Ledger rules are checked automatically at their assessment point: the gaps, if any. */
    async checkLedger(input: { spec: ObligationSpec; at: string; statementAccepted: boolean }): Promise<{ gaps: string[] }> {
      const rule = rulebookOf(input.spec).rules.find((r) => r.id === input.spec.ruleId);
      if (!rule) throw ApplicationFailure.nonRetryable(`rule ${input.spec.ruleId} is not in its rulebook`);
      const [community] = await ledgers.load([input.spec.communityId]);
      const day = shanghaiDateOf(new Date(Date.parse(input.at) - 1)); // the last day the period covered
      const declaredEmpty = rule.subjects !== undefined && (await ledgers.declaredEmpty(input.spec.communityId, rule.subjects, day.year));
      const gaps = findLedgerGaps(rule, community?.subjects ?? [], day, { declaredEmpty }).filter(
        (g) => !(input.statementAccepted && g.kind === 'empty-ledger'),
      );
      return { gaps: gaps.map((g) => g.description) };
    },

    /** The deduction for a missed deadline, exactly once per business key. */
    async recordMissedDeadline(input: {
      spec: ObligationSpec;
      dueAt: string;
      acceptedUnits: number;
      requiredUnits: number;
      recordedAt: string;
      gaps?: string[];
    }): Promise<{ created: boolean }> {
      const { spec } = input;
      if (spec.deduction.amount === 0) return { created: false }; // tracked, not scored
      const display = await obligations.findDisplay(spec.key);
      const deduction: Deduction = {
        key: spec.deduction.key,
        ruleId: spec.ruleId,
        communityId: spec.communityId,
        section: spec.section,
        amount: spec.deduction.amount,
        periodKey: spec.periodKey,
        periodLabel: spec.periodLabel,
        ...(spec.subjectId && spec.deduction.basis !== 'per-period' ? { subjectId: spec.subjectId } : {}),
        dueAt: new Date(input.dueAt),
        missing: describeMissing(spec, input),
        recordedAt: new Date(input.recordedAt),
        recordedBy: { kind: 'automatic', check: 'deadline' },
      };
      const explanation = explainDeduction(deduction, {
        rulebook: rulebookOf(spec),
        ...(display ? { communityName: display.community.name } : {}),
      });
      const recorded = await deductions.recordOnce({
        businessKey: deduction.key,
        communityId: spec.communityId,
        ruleId: spec.ruleId,
        section: String(spec.section),
        item: spec.item,
        periodKey: spec.periodKey,
        points: spec.deduction.amount,
        explanation,
        recordedBy: 'auto:deadline',
        occurredAt: missedAt(input.dueAt),
        ...(deduction.subjectId ? { subjectId: deduction.subjectId } : {}),
        ...(display ? { obligationId: display.id } : {}),
      });
      // `created` decides whether the workflow announces "overdue". A worker killed between the
      // insert and reporting it leaves the row to the retry, which must still say it was this
      // deadline's (else the notice was lost: test/faults/month-boundary-crash.test.ts).
      // A row another obligation recorded (subjects sharing a per-period key) stays not created.
      if (!recorded.created && display && (await deductions.recordedFor(deduction.key)) === display.id) return { created: true };
      return recorded;
    },

    async escalate(input: { obligationKey: string; level: number; role: EscalationRoleName; at: string }): Promise<{ created: boolean }> {
      return obligations.recordEscalation({
        businessKey: input.obligationKey,
        level: input.level,
        targetRole: ESCALATION_ROLE[input.role],
        at: new Date(input.at),
      });
    },

    /** On-time evidence left unreviewed: its own item in the escalation queue, until it is reviewed. */
    async escalateUnreviewed(input: { obligationKey: string; role: EscalationRoleName; at: string }): Promise<{ created: boolean }> {
      return obligations.recordEscalation({
        businessKey: input.obligationKey,
        level: 1,
        targetRole: ESCALATION_ROLE[input.role],
        at: new Date(input.at),
        kind: 'REVIEW',
      });
    },

    async acknowledgeEscalation(input: { obligationKey: string; level: number; by: string; at: string }): Promise<void> {
      await obligations.acknowledgeEscalations(
        { businessKey: input.obligationKey, by: input.by, at: new Date(input.at) },
        {
          actor: { userId: input.by },
          entry: {
            action: 'escalation.acknowledge',
            entity: 'Obligation',
            entityId: input.obligationKey,
            details: { level: input.level },
            at: new Date(input.at),
            key: `escalation.acknowledge|${input.obligationKey}|${input.level}|${input.at}`,
          },
        },
      );
    },
  };
}

function describeMissing(spec: ObligationSpec, input: { acceptedUnits: number; requiredUnits: number; gaps?: string[] }): string {
  if (input.gaps?.length) return `台账检查未通过：${input.gaps.join('；')}`;
  switch (spec.kind) {
    case 'visit':
      return '本期未完成走访（无走访记录及照片）';
    case 'seasonal-duty':
      return '当日值班人员未按时签到';
    case 'sensitive-window':
      return '重要时间节点未落实一盯一管控并报告';
    case 'reporting':
      return '截止时未报送所要求的资料（或报送材料未经审核通过）';
    default:
      return input.requiredUnits > 1
        ? `本期需完成${input.requiredUnits}次，截止时仅完成${input.acceptedUnits}次`
        : '截止时未提交经审核通过的证据';
  }
}

/**
 * The deadline is exclusive (a November duty is due before 1 December 00:00),
 * so the miss is dated to the last instant of the allowed window: it counts in
 * the month and year of the period it belongs to. Dated at the deadline itself,
 * a missed December duty would fall into the next year's scoreboard.
 */
export function missedAt(dueAt: string): Date {
  return new Date(Date.parse(dueAt) - 1);
}
