// Township data requests (资料报送): an official asks communities for a file
// by a deadline under one of the rulebook's reporting rules. Each community's
// part is an ordinary obligation workflow (domain/obligations/on-demand.ts):
// it opens at once, reminds, takes the upload as evidence, waits for review,
// escalates, and records the rule's deduction when the deadline passes
// without an approved file, through the same activity as every other miss.
//
// - Create: POLITICAL_LEGAL and ADMIN (the township office sends requests).
// - Read: every official, each seeing only the communities in their scope.
// - The request row is saved first; the workflows are started after it. A
//   start that fails (Temporal unreachable) leaves that community "未下发",
//   shown on the page, and POST /:id/start starts what is missing (starting
//   the same obligation twice is refused by Temporal, so a retry is safe).
import type { ServiceLog } from './log';
import type { Client } from '@temporalio/client';
import type { Actor } from '../../db/audit-repository';
import type { SessionUser } from '../../db/auth-repository';
import type { DataRequestRecord, DataRequestRepository } from '../../db/data-request-repository';
import { describeRuleChoices, reportingObligation, reportingRules, type ObligationInstance, type Rulebook } from '../../domain';
import { startObligationWorkflow } from '../../platform/start-obligation';
import type { RulebookStore } from '../../platform/rulebook-store';
import { assessmentClosesAt } from '../../workflows/obligation/spec';
import { BadRequestError, NotFoundError, UnavailableError } from '../errors';

/** At least this long between sending a request and its deadline: staff need time to see it. */
const MIN_LEAD_MS = 60 * 60_000;

export interface DataRequestInput {
  title: string;
  ruleId: string;
  communityIds: string[];
  dueAt: Date;
  note?: string;
}

export interface RequestPartView {
  communityId: string;
  communityName: string;
  /** the community's task (null until its workflow has registered it) */
  taskId: string | null;
  /** NOT_STARTED: the workflow could not be started yet (retry with POST /:id/start) */
  status: 'NOT_STARTED' | 'SCHEDULED' | 'OPEN' | 'SUBMITTED' | 'CLOSED' | 'OVERDUE' | 'CLOSED_LATE' | 'WAIVED';
  closedAt: Date | null;
  deduction: { id: string; points: number; reversed: boolean } | null;
}

export interface DataRequestView {
  id: string;
  title: string;
  ruleId: string;
  ruleTitle: string;
  item: string;
  clause: string;
  /** the rule's amount per missing community, from the rulebook */
  points: number;
  note: string | null;
  opensAt: Date;
  dueAt: Date;
  createdAt: Date;
  communities: RequestPartView[];
}

export function dataRequestService(deps: {
  repo: DataRequestRepository;
  rulebooks: RulebookStore;
  temporal: { client: Pick<Client, 'workflow'>; taskQueue: string };
  now: () => Date;
  log: ServiceLog;
}) {
  const { repo } = deps;

  function rulebookAt(at: Date): Rulebook {
    const rulebook = deps.rulebooks.forInstant(at);
    if (!rulebook) throw new BadRequestError('本年度没有考核细则，暂不能发送资料报送要求 (no rulebook in force)', 'no_rulebook');
    return rulebook;
  }

  /** One instance per community, built the way the domain builds every reporting obligation. */
  function instancesOf(request: DataRequestRecord): { rulebook: Rulebook; instances: ObligationInstance[] } {
    const rulebook = rulebookAt(request.opensAt);
    const instances = request.communityIds.map((communityId) =>
      reportingObligation(rulebook, {
        requestId: request.id,
        ruleId: request.ruleId,
        communityId,
        title: request.title,
        openedAt: request.opensAt,
        dueAt: request.dueAt,
      }),
    );
    return { rulebook, instances };
  }

  /** Starts every community's workflow not started yet; returns how many could not be started. */
  async function startAll(request: DataRequestRecord): Promise<number> {
    const { rulebook, instances } = instancesOf(request);
    let failed = 0;
    for (const instance of instances) {
      try {
        await startObligationWorkflow(deps.temporal, instance, rulebook);
      } catch (error) {
        failed++;
        deps.log.error({ err: error, obligation: instance.key }, 'data request: starting the obligation workflow failed');
      }
    }
    return failed;
  }

  async function view(user: SessionUser, request: DataRequestRecord): Promise<DataRequestView> {
    const { rulebook, instances } = instancesOf(request);
    const rule = rulebook.rules.find((r) => r.id === request.ruleId);
    const mine = instances.filter((i) => user.scope.includes(i.communityId));
    const keys = mine.map((i) => i.key);
    const [parts, deductions, names] = await Promise.all([
      repo.parts(keys),
      repo.deductions(mine.map((i) => i.deduction.key)),
      repo.communityNames(mine.map((i) => i.communityId)),
    ]);
    return {
      id: request.id,
      title: request.title,
      ruleId: request.ruleId,
      ruleTitle: rule?.title ?? request.ruleId,
      item: rule?.item ?? '',
      clause: rule?.clause ?? '',
      points: rule?.deduction.amount ?? 0,
      note: request.note,
      opensAt: request.opensAt,
      dueAt: request.dueAt,
      createdAt: request.createdAt,
      communities: mine
        .map((i): RequestPartView => {
          const part = parts.find((p) => p.businessKey === i.key);
          const d = deductions.find((x) => x.businessKey === i.deduction.key);
          return {
            communityId: i.communityId,
            communityName: names.get(i.communityId) ?? '',
            taskId: part?.taskId ?? null,
            status: part?.status ?? 'NOT_STARTED',
            closedAt: part?.closedAt ?? null,
            deduction: d ? { id: d.id, points: d.points, reversed: d.reversed } : null,
          };
        })
        .sort((a, b) => (a.communityName < b.communityName ? -1 : a.communityName > b.communityName ? 1 : 0)),
    };
  }

  async function load(user: SessionUser, id: string): Promise<DataRequestRecord> {
    const request = await repo.findById(user.townshipId, id);
    if (!request || !request.communityIds.some((c) => user.scope.includes(c))) throw new NotFoundError('资料报送要求');
    return request;
  }

  return {
    /** The reporting rules in force now, for the form. */
    rules() {
      return reportingRules(rulebookAt(deps.now())).map((r) => ({
        id: r.id,
        section: r.section,
        item: r.item,
        title: r.title,
        clause: r.clause,
        points: r.deduction.amount,
      }));
    },

    async create(user: SessionUser, input: DataRequestInput, actor: Actor): Promise<{ request: DataRequestView; notStarted: number }> {
      const now = deps.now();
      const rulebook = rulebookAt(now);
      const rules = reportingRules(rulebook);
      const rule = rules.find((r) => r.id === input.ruleId);
      if (!rule) {
        throw new BadRequestError(
          `「${input.ruleId}」不是 ${rulebook.year} 年考核细则中的资料报送规则，请从以下规则中选择：${describeRuleChoices(rules)} (unknown or non-reporting rule)`,
          'unknown_rule',
        );
      }
      const communityIds = [...new Set(input.communityIds)];
      const outside = communityIds.filter((c) => !user.scope.includes(c));
      if (outside.length > 0) throw new NotFoundError(`社区（村）${outside.join('、')}`);
      if (input.dueAt.getTime() < now.getTime() + MIN_LEAD_MS) {
        throw new BadRequestError(
          '截止时间至少应在发送后1小时，请给社区留出准备时间 (dueAt must be at least an hour from now)',
          'due_too_soon',
        );
      }
      const closes = assessmentClosesAt(rulebook.year);
      if (input.dueAt >= closes) {
        throw new BadRequestError(
          `截止时间不能晚于 ${rulebook.year} 年度考核结束（${rulebook.year + 1}年1月31日）；跨年度的要求请在新年度细则生效后发送 (dueAt after the assessment closes)`,
          'due_too_late',
        );
      }
      const saved = await repo.create(
        user.townshipId,
        user.id,
        {
          title: input.title,
          ruleId: rule.id,
          communityIds,
          opensAt: now,
          dueAt: input.dueAt,
          ...(input.note ? { note: input.note } : {}),
        },
        actor,
      );
      const notStarted = await startAll(saved);
      return { request: await view(user, saved), notStarted };
    },

    async list(user: SessionUser, limit: number): Promise<DataRequestView[]> {
      return Promise.all((await repo.list(user.townshipId, user.scope, limit)).map((r) => view(user, r)));
    },

    async get(user: SessionUser, id: string): Promise<DataRequestView> {
      return view(user, await load(user, id));
    },

    /** Starts the workflows a failed start left out; 503 when some still cannot be started. */
    async restart(user: SessionUser, id: string): Promise<DataRequestView> {
      const request = await load(user, id);
      const failed = await startAll(request);
      if (failed > 0) {
        throw new UnavailableError(
          'workflow_unavailable',
          `任务服务暂时不可用，仍有 ${failed} 个社区（村）的任务未下发，请稍后重试；要求本身已保存 (the scheduler is unavailable, try again)`,
        );
      }
      return view(user, request);
    },
  };
}

export type DataRequestService = ReturnType<typeof dataRequestService>;
