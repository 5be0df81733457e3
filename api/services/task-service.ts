// Tasks as people see them: rows from the database, rule text from the
// rulebook, and every change sent to the task's workflow as an Update, so the
// workflow (not the API) decides what is allowed.
import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import type { SessionUser } from '../../db/auth-repository';
import { may, type Role } from '../../domain/policy';
import type { Actor } from '../../db/audit-repository';
import { toTask, type TaskRepository, type TaskRow } from '../../db/task-repository';
import type { RulebookStore } from '../../platform/rulebook-store';
import { distanceMeters, roundDistance, type LatLon } from '../../domain';
import {
  acknowledgeEscalationUpdate,
  extendDeadlineUpdate,
  reviewUpdate,
  submitEvidenceUpdate,
  waiveUpdate,
} from '../../workflows/obligation/messages';
import type { ObligationState } from '../../workflows/obligation/state';
import type { ServiceLog } from './log';
import { BadRequestError, ConflictError, NotFoundError, UnavailableError } from '../errors';

export interface TaskView extends Omit<TaskRow, 'businessKey' | 'workflowId'> {
  clause: string;
  evidence: { minCount: number; types: string[] };
  requiresReview: boolean;
  /** the person or site a visit task is about (masked for roles outside the community's own staff) */
  subjectName: string | null;
  assigneeName: string | null;
}

/** Staff and secretaries visit the person themselves and see the name; township roles see only its first character. */
export const maskName = (name: string) => (name.length <= 1 ? name : `${name.slice(0, 1)}${'*'.repeat(Math.min(name.length - 1, 2))}`);
type Names = { subjects: Map<string, string>; users: Map<string, string>; role: Role };

type FileRow = { id: string; fileName: string; mimeType: string; takenAt: Date | null; gpsLat: number | null; gpsLon: number | null };
/** How long a finished task stays on "my tasks" (grouped as done): long enough to see it went through. */
const RECENTLY_CLOSED_MS = 3 * 86_400_000;

/** `office`: the community's location, when an admin set it; distanceM is then how far from it the photo was taken. */
const fileView = (e: FileRow, usedBefore: Set<string>, office: LatLon | undefined) => {
  const gps = e.gpsLat !== null && e.gpsLon !== null ? { lat: e.gpsLat, lon: e.gpsLon } : null;
  return {
    id: e.id,
    fileName: e.fileName,
    mimeType: e.mimeType,
    takenAt: e.takenAt,
    gps,
    distanceM: gps && office ? roundDistance(distanceMeters(office, gps)) : null,
    url: `/api/evidence/${e.id}/file`,
    thumbnailUrl: `/api/evidence/${e.id}/thumbnail`,
    usedBefore: usedBefore.has(e.id),
  };
};

export function taskService(deps: { tasks: TaskRepository; temporal: Client; rulebooks: RulebookStore; log: Pick<ServiceLog, 'error'> }) {
  /** The year's latest rulebook; a year without one is shown under the newest there is. */
  const rulebookFor = (year: number) =>
    deps.rulebooks
      .all()
      .filter((r) => r.year === year)
      .at(-1) ?? deps.rulebooks.all().at(-1);
  const ruleOf = (row: TaskRow) => rulebookFor(Number(row.periodKey.slice(0, 4)))?.rules.find((r) => r.id === row.ruleId);
  const view = (row: TaskRow, names?: Names): TaskView => {
    const rule = ruleOf(row);
    const { businessKey: _key, workflowId: _wf, ...rest } = row;
    const subject = row.subjectId ? names?.subjects.get(row.subjectId) : undefined;
    return {
      ...rest,
      subjectName: subject === undefined ? null : may(names!.role, 'tasks.seeSubjectNames') ? subject : maskName(subject),
      assigneeName: row.assigneeId ? (names?.users.get(row.assigneeId) ?? null) : null,
      clause: rule?.clause ?? '',
      evidence: { minCount: (rule?.evidence.minCount ?? 1) * row.requiredCount, types: [...(rule?.evidence.types ?? [])] },
      requiresReview: rule?.requiresReview ?? true,
    };
  };
  /** The names a list of tasks shows: the visited person and the assignee. */
  const namesFor = async (user: SessionUser, rows: TaskRow[]): Promise<Names> => {
    const [subjects, users] = await Promise.all([
      deps.tasks.subjectNames(rows.flatMap((r) => (r.subjectId ? [r.subjectId] : []))),
      deps.tasks.userNames(rows.flatMap((r) => (r.assigneeId ? [r.assigneeId] : []))),
    ]);
    return { subjects, users, role: user.role };
  };
  const load = async (user: SessionUser, id: string) => {
    const row = await deps.tasks.findById(user.scope, id);
    if (!row) throw new NotFoundError(`任务 ${id}`);
    return row;
  };

  /** Runs an Update and turns the workflow's refusals into 409s a person can read. */
  async function update<T>(row: TaskRow, run: (handle: ReturnType<Client['workflow']['getHandle']>) => Promise<T>): Promise<T> {
    try {
      return await run(deps.temporal.workflow.getHandle(row.workflowId));
    } catch (error) {
      if (error instanceof WorkflowUpdateFailedError) throw new ConflictError(error.cause?.message ?? '操作被拒绝 (refused)', 'refused');
      if (error instanceof WorkflowNotFoundError) throw new ConflictError('本期任务已关闭，不能再修改 (this period is closed)', 'closed');
      // Anything else (Temporal unreachable, a bug): the log keeps the cause, the person gets a retry message.
      deps.log.error({ err: error, workflowId: row.workflowId }, 'workflow update failed');
      throw new UnavailableError(
        'workflow_unavailable',
        '任务服务暂时不可用，请稍后重试；已上传的文件不会丢失 (task service unavailable, try again)',
        { cause: error },
      );
    }
  }

  return {
    view,
    rulebookFor,

    /** The caller's tasks; `now` (default: the real clock, like the workflows') decides what is recently closed. */
    async list(user: SessionUser, filter: { scope: 'mine' | 'all'; communityId?: string }, now = new Date()) {
      const rows = await deps.tasks.list(user.scope, {
        now,
        limit: 500,
        activeOnly: filter.scope === 'mine',
        closedSince: new Date(now.getTime() - RECENTLY_CLOSED_MS),
        ...(filter.communityId ? { communityId: filter.communityId } : {}),
        ...(filter.scope === 'mine' && !may(user.role, 'tasks.assign') ? { assigneeId: user.id } : {}),
      });
      const names = await namesFor(user, rows);
      return rows.map((r) => view(r, names));
    },

    async detail(user: SessionUser, id: string) {
      const row = await load(user, id);
      const submissions = await deps.tasks.submissions(row.id);
      const used = await deps.tasks.usedBefore(submissions.flatMap((s) => s.evidence.map((e) => e.id)));
      const office = (await deps.tasks.communityLocations([row.communityId])).get(row.communityId);
      return {
        ...view(row, await namesFor(user, [row])),
        requestNote: await deps.tasks.requestNote(row.periodKey),
        submissions: submissions.map((s) => ({
          id: s.id,
          status: s.status,
          late: s.late,
          units: s.units,
          note: s.note,
          createdAt: s.createdAt,
          submittedById: s.submittedById,
          files: s.evidence.map((e) => fileView(e, used, office)),
          review: s.reviews[0] ? { decision: s.reviews[0].decision, reason: s.reviews[0].reason, at: s.reviews[0].createdAt } : null,
        })),
      };
    },

    /** Submissions awaiting review, each with its task and its files' facts for the reviewer. */
    /** Escalations not yet acknowledged: one card per task and kind (the newest level stands for the earlier ones; one acknowledgement clears them all). */
    async openEscalations(user: SessionUser) {
      const rows = await deps.tasks.openEscalations(user.scope, 200);
      const seen = new Set<string>();
      const latest = rows.filter((e) => !seen.has(`${e.obligationId}|${e.kind}`) && seen.add(`${e.obligationId}|${e.kind}`));
      return latest.map(({ obligation, ...e }) => ({
        id: e.id,
        kind: e.kind === 'REVIEW' ? ('review' as const) : ('deadline' as const),
        level: e.level,
        targetRole: e.targetRole,
        notifiedAt: e.notifiedAt,
        acknowledgedAt: null,
        taskId: obligation.id,
        title: obligation.title,
        communityId: obligation.communityId,
        communityName: obligation.community.name,
        dueAt: obligation.dueAt,
        points: obligation.points,
        periodLabel: obligation.periodLabel,
      }));
    },

    async pendingReviews(user: SessionUser) {
      const rows = await deps.tasks.pendingReviews(user.scope, 200);
      const used = await deps.tasks.usedBefore(rows.flatMap((r) => r.evidence.map((e) => e.id)));
      const tasks = rows.map((r) => toTask(r.obligation));
      const [names, offices] = await Promise.all([namesFor(user, tasks), deps.tasks.communityLocations(tasks.map((x) => x.communityId))]);
      return rows.map(({ obligation: _o, evidence, ...s }, i) => ({
        task: view(tasks[i]!, names),
        submission: {
          id: s.id,
          status: s.status,
          late: s.late,
          units: s.units,
          note: s.note,
          createdAt: s.createdAt,
          submittedById: s.submittedById,
          files: evidence.map((e) => fileView(e, used, offices.get(tasks[i]!.communityId))),
          review: null,
        },
      }));
    },

    async submit(user: SessionUser, id: string, input: { evidenceIds: string[]; note?: string; units?: number }): Promise<ObligationState> {
      const row = await load(user, id);
      const unique = [...new Set(input.evidenceIds)];
      const attachable = await deps.tasks.attachable(row.communityId, unique);
      const missing = unique.filter((e) => !attachable.includes(e));
      if (missing.length)
        throw new BadRequestError(
          `以下证据不存在、不属于本社区或已被使用：${missing.join(', ')} (evidence not found, of another community, or already used)`,
          'evidence_unusable',
        );
      return update(row, (handle) =>
        handle.executeUpdate(submitEvidenceUpdate, {
          args: [
            {
              submissionId: randomUUID(),
              communityId: row.communityId,
              submittedBy: user.id,
              evidenceIds: unique,
              ...(input.units ? { units: input.units } : {}),
              ...(input.note ? { note: input.note } : {}),
            },
          ],
        }),
      );
    },

    async review(user: SessionUser, id: string, submissionId: string, input: { decision: 'approve' | 'reject'; reason?: string }) {
      const row = await load(user, id);
      const submission = (await deps.tasks.submissions(row.id)).find((s) => s.id === submissionId);
      if (!submission) throw new NotFoundError(`提交 ${submissionId}`);
      if (submission.submittedById === user.id)
        throw new ConflictError('不能审核自己提交的证据 (you cannot review your own submission)', 'own_submission');
      // Someone else may submit what the reviewer uploaded: approving it would still be judging one's own work.
      if (submission.evidence.some((e) => e.uploadedById === user.id))
        throw new ConflictError(
          '这次提交中有您本人上传的文件，不能由您审核，请由其他审核人处理 (the submission contains files you uploaded)',
          'own_upload',
        );
      return update(row, (handle) =>
        handle.executeUpdate(reviewUpdate, {
          args: [{ submissionId, reviewerId: user.id, decision: input.decision, ...(input.reason ? { reason: input.reason } : {}) }],
        }),
      );
    },

    async extend(user: SessionUser, id: string, input: { newDueAt: Date; reason: string }) {
      const row = await load(user, id);
      return update(row, (handle) =>
        handle.executeUpdate(extendDeadlineUpdate, {
          args: [{ newDueAt: input.newDueAt.toISOString(), reason: input.reason, by: user.id }],
        }),
      );
    },

    async waive(user: SessionUser, id: string, reason: string) {
      const row = await load(user, id);
      return update(row, (handle) => handle.executeUpdate(waiveUpdate, { args: [{ reason, by: user.id }] }));
    },

    /** Who this task may be assigned to: active staff and secretaries of its community. */
    async assignable(user: SessionUser, id: string) {
      const row = await load(user, id);
      return deps.tasks.assignableUsers(row.communityId);
    },

    /** Secretaries and officials hand a task to one person; reminders then go to that person. */
    async assign(user: SessionUser, actor: Actor, id: string, assigneeId: string | null) {
      const row = await load(user, id);
      if (assigneeId !== null && !(await deps.tasks.assignableUsers(row.communityId)).some((u) => u.id === assigneeId)) {
        throw new BadRequestError('只能指派给本社区在职的工作人员或书记', 'assignee_not_member');
      }
      await deps.tasks.assign(row.id, assigneeId, actor);
    },

    async acknowledge(user: SessionUser, id: string) {
      const row = await load(user, id);
      return update(row, (handle) => handle.executeUpdate(acknowledgeEscalationUpdate, { args: [{ by: user.id }] }));
    },
  };
}

export type TaskService = ReturnType<typeof taskService>;
