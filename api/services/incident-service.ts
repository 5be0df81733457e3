// Incidents recorded by officials (信访、事故、通报…): the official names the
// rule and what happened; section, item and points come from the rulebook in
// force on the day it happened, never from the request.
import type { Actor } from '../../db/audit-repository';
import type { SessionUser } from '../../db/auth-repository';
import type { DeductionRepository, DeductionView } from '../../db/deduction-repository';
import {
  compareCivil,
  describeRuleChoices,
  formatCivilDate,
  incidentRules,
  parseCivilDate,
  shanghaiDateOf,
  startOfDay,
} from '../../domain';
import type { RulebookStore } from '../../platform/rulebook-store';
import { BadRequestError, ConflictError, NotFoundError } from '../errors';
import { isIncident, type DeductionService } from './deduction-service';
import type { EvidenceService, FileOfRequest } from './evidence/evidence-service';

export interface IncidentInput {
  communityId: string;
  /** an incident rule of the rulebook in force on occurredOn */
  ruleId: string;
  /** yyyy-mm-dd in Asia/Shanghai */
  occurredOn: string;
  description: string;
  /** the ledger person (or site) concerned, in the same community */
  subjectId?: string;
  idempotencyKey?: string;
  sequence?: number;
}

/** Fields a client may think it can set; the rulebook sets them. */
const RULEBOOK_FIELDS = ['points', 'section', 'item'] as const;

/** ruleId|communityId|incident|<idempotency key, or date#sequence>: the same click twice is the same row. */
export function incidentBusinessKey(i: IncidentInput): string {
  return [i.ruleId, i.communityId, 'incident', i.idempotencyKey ?? `${i.occurredOn}#${i.sequence}`].join('|');
}

export function incidentService(deps: {
  repo: DeductionRepository;
  rulebooks: RulebookStore;
  now: () => Date;
  /** scope of a deduction, as /api/deductions sees it */
  deductions: Pick<DeductionService, 'get'>;
  /** the same pipeline and storage as /api/evidence */
  evidence: Pick<EvidenceService, 'accept'>;
}) {
  const { repo } = deps;

  /** The incident rules in force on a day, or a 400 when the day has no rulebook. */
  function rulesOn(occurredOn: string) {
    const rulebook = deps.rulebooks.forInstant(startOfDay(parseCivilDate(occurredOn)));
    if (!rulebook)
      throw new BadRequestError(`${occurredOn} 所在年度没有考核细则，无法记录事件扣分 (no rulebook for that date)`, 'no_rulebook');
    return incidentRules(rulebook);
  }

  return {
    /** The choices for a form: the incident rules in force on a day (today by default). */
    choices(occurredOn?: string) {
      const day = occurredOn ?? formatCivilDate(shanghaiDateOf(deps.now()));
      return rulesOn(day).map((r) => ({
        id: r.id,
        section: r.section,
        sectionTitle: r.sectionTitle,
        item: r.item,
        title: r.title,
        clause: r.clause,
        points: r.deduction.amount,
        subjects: r.subjects ?? null,
      }));
    },

    /**
     * A new row (created), or the same row when the same incident is sent again; a conflict when the key
     * was used for a different one. `body` may carry fields the rulebook owns (points, section, item): refused, with the valid rules named.
     */
    async record(
      user: SessionUser,
      body: IncidentInput & Record<string, unknown>,
      actor: Actor,
    ): Promise<{ deduction: DeductionView; created: boolean }> {
      const { communityId, ruleId, occurredOn, description, subjectId, idempotencyKey, sequence } = body;
      const extraFields = RULEBOOK_FIELDS.filter((f) => f in body);
      const input: IncidentInput = {
        communityId,
        ruleId,
        occurredOn,
        description,
        ...(subjectId ? { subjectId } : {}),
        ...(idempotencyKey ? { idempotencyKey } : {}),
        ...(sequence ? { sequence } : {}),
      };
      if (compareCivil(parseCivilDate(input.occurredOn), shanghaiDateOf(deps.now())) > 0) {
        throw new BadRequestError(
          `发生日期 ${input.occurredOn} 晚于今天，请填写事件实际发生的日期 (occurredOn is in the future)`,
          'future_date',
        );
      }
      const rules = rulesOn(input.occurredOn);
      if (extraFields.length > 0) {
        throw new BadRequestError(
          `扣分分值、考核部分和事项由考核细则决定，请不要填写 ${extraFields.join('、')}；只需选择规则：${describeRuleChoices(rules)} (points, section and item come from the rulebook)`,
          'rulebook_fields',
        );
      }
      const rule = rules.find((r) => r.id === input.ruleId);
      if (!rule) {
        throw new BadRequestError(
          `「${input.ruleId}」不是 ${input.occurredOn.slice(0, 4)} 年考核细则中可手工记录的事件规则，请从以下规则中选择：${describeRuleChoices(rules)} (unknown or non-incident rule)`,
          'unknown_rule',
        );
      }
      if (!user.scope.includes(input.communityId)) throw new NotFoundError('社区（村）');
      if (!input.idempotencyKey && !input.sequence) {
        throw new BadRequestError(
          '请提供 idempotencyKey，或当日同类事件的序号 sequence，以防重复记录 (send idempotencyKey, or sequence: the number of this incident on that day)',
        );
      }
      let subjectText = '';
      if (input.subjectId) {
        const subject = await repo.findSubject(input.communityId, input.subjectId);
        if (!subject)
          throw new BadRequestError(
            "所选台账人员（场所）不在该社区（村）的台账中，请重新选择 (subject not on this community's ledger)",
            'unknown_subject',
          );
        if (rule.subjects && subject.category !== rule.subjects) {
          throw new BadRequestError(
            `「${rule.title}」涉及的是另一类台账人员，「${subject.displayName}」不属于该类，请重新选择 (subject of another ledger category)`,
            'wrong_subject',
          );
        }
        subjectText = `，涉及 ${subject.displayName}`;
      }
      const points = rule.deduction.amount;
      const explanation = `事件扣分：${input.description}（${rule.item}「${rule.title}」${subjectText}，发生于 ${input.occurredOn}，扣 ${points} 分；依据：${rule.clause}）`;
      const result = await repo.recordIncident(
        {
          businessKey: incidentBusinessKey(input),
          communityId: input.communityId,
          ruleId: rule.id,
          section: String(rule.section),
          item: rule.item,
          points,
          explanation,
          occurredAt: startOfDay(parseCivilDate(input.occurredOn)),
          ...(input.subjectId ? { subjectId: input.subjectId } : {}),
        },
        actor,
      );
      if (!result.created && result.deduction.explanation !== explanation) {
        throw new ConflictError(
          '该幂等键或序号已用于另一条不同的扣分记录，请核对后换用新的序号 (this idempotency key or sequence already recorded a different incident)',
          'duplicate_key',
        );
      }
      return result;
    },

    /** One evidence file explaining an incident, stored under the incident's own community (it cannot land in another). */
    async attachEvidence(user: SessionUser, deductionId: string, file: FileOfRequest, actor: Actor) {
      // Scope first, before a byte of the body is read: another community's incident does not exist for this user.
      const d = await deps.deductions.get(user, deductionId);
      if (!isIncident(d)) {
        throw new BadRequestError(
          '只能为事件扣分（信访、事故、通报等）补充证据材料；到期自动扣分的证据请在对应任务中提交 (evidence can be attached to incident deductions only)',
          'not_incident',
        );
      }
      return deps.evidence.accept({ communityId: d.communityId, deductionId: d.id, file, actor });
    },

    list(user: SessionUser, q: { communityId?: string; year?: number; limit: number }) {
      if (q.communityId && !user.scope.includes(q.communityId)) throw new NotFoundError('社区（村）');
      const range = q.year
        ? { from: startOfDay({ year: q.year, month: 1, day: 1 }), to: startOfDay({ year: q.year + 1, month: 1, day: 1 }) }
        : {};
      return repo.listIncidents(user.scope, { ...q, ...range });
    },
  };
}

export type IncidentService = ReturnType<typeof incidentService>;
