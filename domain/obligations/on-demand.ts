/**
 * Obligations created by officials rather than by the calendar: a township
 * data request (资料报送) with a due date becomes a reporting obligation.
 */
import type { Rulebook } from '../rulebook/types';
import { spanPeriod } from '../time/period';
import { shanghaiDateOf } from '../time/shanghai';
import { buildInstance } from './generate';
import type { ObligationInstance } from './types';

export interface ReportingRequest {
  /** stable id of the request; becomes the period key ("<year>-req-<id>": the year of the rulebook, like every period key) */
  readonly requestId: string;
  readonly ruleId: string;
  readonly communityId: string;
  /** e.g. 2022年第二季度矛盾纠纷统计表 */
  readonly title: string;
  readonly openedAt: Date;
  readonly dueAt: Date;
}

export function reportingObligation(rulebook: Rulebook, request: ReportingRequest): ObligationInstance {
  const rule = rulebook.rules.find((r) => r.id === request.ruleId);
  if (!rule) throw new RangeError(`no rule ${request.ruleId} in rulebook ${rulebook.fileName}`);
  if (rule.kind !== 'reporting') throw new RangeError(`rule ${rule.id} is ${rule.kind}, not reporting`);
  if (request.dueAt <= request.openedAt) throw new RangeError(`request ${request.requestId} is due before it opens`);
  const base = spanPeriod(
    `${rulebook.year}-req-${request.requestId}`,
    'custom',
    shanghaiDateOf(request.openedAt),
    shanghaiDateOf(request.dueAt),
    request.title,
  );
  const period = { ...base, start: request.openedAt, end: request.dueAt, deadline: request.dueAt };
  return buildInstance(rule, request.communityId, period, {});
}
