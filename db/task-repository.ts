// Read side of tasks (obligation rows) for the API, always filtered by the
// caller's community scope in SQL.
import type { Database } from './client';
import type { ObligationStatus } from './generated/prisma/client';
import { findUsedBefore } from './evidence-repository';

export interface TaskRow {
  id: string;
  businessKey: string;
  workflowId: string;
  ruleId: string;
  title: string;
  communityId: string;
  communityName: string;
  periodKey: string;
  periodLabel: string;
  subjectId: string | null;
  kind: string;
  status: ObligationStatus;
  opensAt: Date;
  dueAt: Date;
  points: number;
  requiredCount: number;
  acceptedCount: number;
  assigneeId: string | null;
  closedAt: Date | null;
  waiverReason: string | null;
}

const taskSelect = {
  id: true, businessKey: true, workflowId: true, ruleId: true, title: true, communityId: true, periodKey: true, periodLabel: true,
  subjectId: true, kind: true, status: true, opensAt: true, dueAt: true, points: true, requiredCount: true, acceptedCount: true,
  assigneeId: true, closedAt: true, waiverReason: true, community: { select: { name: true } },
} as const;

type SelectedTask = { points: unknown; community: { name: string } } & Omit<TaskRow, 'points' | 'communityName'>;
const toTask = ({ community, points, ...row }: SelectedTask): TaskRow => ({ ...row, points: Number(points), communityName: community.name });

export function taskRepository(db: Database) {
  return {
    /**
     * Opened tasks in scope. `activeOnly` keeps what still needs work or shows a
     * deduction, plus what was closed since `closedSince` (so the person who
     * just finished a task still sees it done).
     */
    async list(scope: string[], filter: { communityId?: string; activeOnly: boolean; closedSince?: Date; assigneeId?: string; now: Date; limit: number }): Promise<TaskRow[]> {
      const active = { status: { in: ['OPEN', 'SUBMITTED', 'OVERDUE'] as ObligationStatus[] } };
      const recentlyClosed = filter.closedSince ? [{ status: { in: ['CLOSED', 'CLOSED_LATE', 'WAIVED'] as ObligationStatus[] }, closedAt: { gte: filter.closedSince } }] : [];
      const rows = await db.obligation.findMany({
        where: {
          communityId: filter.communityId ? { in: scope.filter((c) => c === filter.communityId) } : { in: scope },
          opensAt: { lte: filter.now },
          AND: [
            ...(filter.activeOnly ? [{ OR: [active, ...recentlyClosed] }] : []),
            ...(filter.assigneeId ? [{ OR: [{ assigneeId: filter.assigneeId }, { assigneeId: null }] }] : []),
          ],
        },
        orderBy: [{ dueAt: 'asc' }, { businessKey: 'asc' }],
        take: filter.limit,
        select: taskSelect,
      });
      return rows.map(toTask);
    },

    async findById(scope: string[], id: string): Promise<TaskRow | undefined> {
      const row = await db.obligation.findFirst({ where: { id, communityId: { in: scope } }, select: taskSelect });
      return row ? toTask(row) : undefined;
    },

    async submissions(obligationId: string) {
      return db.submission.findMany({
        where: { obligationId },
        orderBy: { createdAt: 'asc' },
        include: {
          evidence: { select: { id: true, fileName: true, mimeType: true, takenAt: true, gpsLat: true, gpsLon: true, sha256: true } },
          reviews: { orderBy: { createdAt: 'desc' }, take: 1, select: { decision: true, reason: true, reviewerId: true, createdAt: true } },
        },
      });
    },

    async pendingReviews(scope: string[], limit: number) {
      return db.submission.findMany({
        where: { status: 'PENDING_REVIEW', obligation: { communityId: { in: scope } } },
        orderBy: { createdAt: 'asc' },
        take: limit,
        include: {
          obligation: { select: taskSelect },
          evidence: { select: { id: true, fileName: true, mimeType: true, takenAt: true, gpsLat: true, gpsLon: true } },
        },
      });
    },

    async openEscalations(scope: string[], limit: number) {
      return db.escalation.findMany({
        where: { acknowledgedAt: null, obligation: { communityId: { in: scope } } },
        orderBy: [{ notifiedAt: 'desc' }],
        take: limit,
        include: { obligation: { select: taskSelect } },
      });
    },

    /** Status of every task of a month window, for the heatmap. */
    async forWindow(scope: string[], from: Date, to: Date) {
      return db.obligation.findMany({
        where: { communityId: { in: scope }, dueAt: { gt: from, lte: to } },
        select: { communityId: true, ruleId: true, status: true, dueAt: true, title: true, community: { select: { name: true } } },
      });
    },

    /** Active (non-reversed) deductions that happened in the window. */
    async deductedInWindow(scope: string[], from: Date, to: Date) {
      return db.deduction.findMany({
        where: { communityId: { in: scope }, kind: 'DEDUCTION', reversedBy: null, occurredAt: { gte: from, lt: to } },
        select: { communityId: true, ruleId: true, occurredAt: true },
      });
    },

    async openWorkflowsOfSubject(subjectId: string): Promise<string[]> {
      const rows = await db.obligation.findMany({ where: { subjectId, status: { in: ['SCHEDULED', 'OPEN', 'SUBMITTED'] } }, select: { workflowId: true } });
      return rows.map((r) => r.workflowId);
    },

    /** Which of these files were already used as evidence elsewhere (same bytes or a near-identical photo). */
    /** The official's note on the data request behind a task (period key <year>-req-<request id>), if any. */
    async requestNote(periodKey: string): Promise<string | null> {
      const requestId = /-req-([0-9a-f-]{36})$/.exec(periodKey)?.[1];
      if (!requestId) return null;
      return (await db.dataRequest.findUnique({ where: { id: requestId }, select: { note: true } }))?.note ?? null;
    },

    async usedBefore(evidenceIds: string[]): Promise<Set<string>> {
      const flags = await Promise.all(evidenceIds.map(async (id) => [id, (await findUsedBefore(db, id)).length > 0] as const));
      return new Set(flags.filter(([, used]) => used).map(([id]) => id));
    },

    async communityNames(scope: string[]): Promise<Array<{ id: string; name: string }>> {
      return db.community.findMany({ where: { id: { in: scope } }, select: { id: true, name: true }, orderBy: { code: 'asc' } });
    },

    /** Evidence ids of this community not yet attached anywhere. */
    async attachable(communityId: string, ids: string[]): Promise<string[]> {
      const rows = await db.evidence.findMany({ where: { id: { in: ids }, communityId, submissionId: null, deductionId: null }, select: { id: true } });
      return rows.map((r) => r.id);
    },

    async deliveryLog(townshipId: string, limit: number) {
      const users = await db.user.findMany({ where: { townshipId }, select: { id: true, displayName: true } });
      const names = new Map(users.map((u) => [u.id, u.displayName]));
      const rows = await db.notification.findMany({ where: { userId: { in: [...names.keys()] } }, orderBy: { createdAt: 'desc' }, take: limit });
      return rows.map((r) => ({
        id: r.id, channel: r.channel, event: r.event, recipient: r.recipient, userName: r.userId ? names.get(r.userId) ?? null : null,
        subject: r.subject, status: r.status, attempts: r.attempts, lastError: r.lastError, createdAt: r.createdAt, sentAt: r.sentAt,
      }));
    },
  };
}

export type TaskRepository = ReturnType<typeof taskRepository>;
