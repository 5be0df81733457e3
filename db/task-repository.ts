// Read side of tasks (obligation rows) for the API, always filtered by the
// caller's community scope in SQL.
import type { Database } from './client';
import { Prisma, type ObligationStatus } from './generated/prisma/client';
import { writeAudit, type Actor } from './audit-repository';
import { findUsedBefore } from './evidence-repository';
import { rolesFor } from '../domain/policy';

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
  /** units handed in and still awaiting review (a multi-unit task stays to do until they are accepted) */
  pendingUnits: number;
  /** the reason of the latest review when it sent the work back and nothing was handed in since */
  rejectedReason: string | null;
}

const taskSelect = {
  id: true,
  businessKey: true,
  workflowId: true,
  ruleId: true,
  title: true,
  communityId: true,
  periodKey: true,
  periodLabel: true,
  subjectId: true,
  kind: true,
  status: true,
  opensAt: true,
  dueAt: true,
  points: true,
  requiredCount: true,
  acceptedCount: true,
  assigneeId: true,
  closedAt: true,
  waiverReason: true,
  community: { select: { name: true } },
  submissions: {
    orderBy: { createdAt: 'desc' },
    select: { status: true, units: true, reviews: { orderBy: { createdAt: 'desc' }, take: 1, select: { reason: true } } },
  },
} as const;

type SelectedTask = {
  points: unknown;
  community: { name: string };
  submissions: Array<{ status: string; units: number; reviews: Array<{ reason: string | null }> }>;
} & Omit<TaskRow, 'points' | 'communityName' | 'pendingUnits' | 'rejectedReason'>;
export const toTask = ({ community, points, submissions, ...row }: SelectedTask): TaskRow => ({
  ...row,
  points: Number(points),
  communityName: community.name,
  pendingUnits: submissions.filter((s) => s.status === 'PENDING_REVIEW').reduce((n, s) => n + s.units, 0),
  rejectedReason: submissions[0]?.status === 'REJECTED' ? (submissions[0].reviews[0]?.reason ?? '') : null,
});

export function taskRepository(db: Database) {
  return {
    /**
     * Opened tasks in scope. `activeOnly` keeps what still needs work or shows a
     * deduction, plus what was closed since `closedSince` (so the person who
     * just finished a task still sees it done).
     */
    async list(
      scope: string[],
      filter: { communityId?: string; activeOnly: boolean; closedSince?: Date; assigneeId?: string; now: Date; limit: number },
    ): Promise<TaskRow[]> {
      const active = { status: { in: ['OPEN', 'SUBMITTED', 'OVERDUE'] as ObligationStatus[] } };
      const recentlyClosed = filter.closedSince
        ? [{ status: { in: ['CLOSED', 'CLOSED_LATE', 'WAIVED'] as ObligationStatus[] }, closedAt: { gte: filter.closedSince } }]
        : [];
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

    /** Display names of ledger subjects (the person or site a visit task is about). */
    async subjectNames(ids: string[]): Promise<Map<string, string>> {
      if (ids.length === 0) return new Map();
      const rows = await db.ledgerSubject.findMany({ where: { id: { in: [...new Set(ids)] } }, select: { id: true, displayName: true } });
      return new Map(rows.map((r) => [r.id, r.displayName]));
    },

    /** Display names of users (assignees). */
    async userNames(ids: string[]): Promise<Map<string, string>> {
      if (ids.length === 0) return new Map();
      const rows = await db.user.findMany({ where: { id: { in: [...new Set(ids)] } }, select: { id: true, displayName: true } });
      return new Map(rows.map((r) => [r.id, r.displayName]));
    },

    /** Active staff and secretaries who are members of the community: who a task may be assigned to. */
    async assignableUsers(communityId: string): Promise<Array<{ id: string; displayName: string; role: string }>> {
      return db.user.findMany({
        where: { active: true, role: { in: rolesFor('tasks.beAssigned') }, memberships: { some: { communityId } } },
        select: { id: true, displayName: true, role: true },
        orderBy: { displayName: 'asc' },
      });
    },

    /** Assign (or with null, unassign) a task; audited in the same transaction. */
    async assign(id: string, assigneeId: string | null, actor: Actor): Promise<void> {
      await db.$transaction(async (tx) => {
        await tx.obligation.update({ where: { id }, data: { assigneeId } });
        await writeAudit(tx, actor, { action: 'task.assign', entity: 'obligation', entityId: id, details: { assigneeId } });
      });
    },

    async submissions(obligationId: string) {
      return db.submission.findMany({
        where: { obligationId },
        orderBy: { createdAt: 'asc' },
        include: {
          evidence: {
            select: {
              id: true,
              fileName: true,
              mimeType: true,
              takenAt: true,
              gpsLat: true,
              gpsLon: true,
              sha256: true,
              uploadedById: true,
            },
          },
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

    /**
     * Escalations still wanting attention: a task closed, late or waived, leaves
     * the queue at once; unreviewed evidence leaves it once it is reviewed.
     */
    async openEscalations(scope: string[], limit: number) {
      const rows = await db.escalation.findMany({
        where: {
          acknowledgedAt: null,
          OR: [
            { kind: 'DEADLINE', obligation: { communityId: { in: scope }, status: { notIn: ['CLOSED', 'CLOSED_LATE', 'WAIVED'] } } },
            { kind: 'REVIEW', obligation: { communityId: { in: scope }, status: 'SUBMITTED' } },
          ],
        },
        orderBy: [{ notifiedAt: 'desc' }],
        take: limit,
        include: { obligation: { select: taskSelect } },
      });
      // Points leave db/ as numbers, not Prisma Decimals.
      return rows.map((r) => ({ ...r, obligation: { ...r.obligation, points: Number(r.obligation.points) } }));
    },

    /**
     * The heatmap's raw material for one page of communities: per community and
     * rule, whether a task of the window shows a deduction and the earliest
     * deadline still open (api/services/heatmap.ts turns that into a state).
     * Scope first: only `communityIds` are read; one array parameter, not one per row.
     */
    async heatmapTasks(communityIds: string[], from: Date, to: Date, section?: number) {
      const bySection = section === undefined ? Prisma.empty : Prisma.sql`AND o."section" = ${section}`;
      return db.$queryRaw<Array<{ communityId: string; ruleId: string; deducted: boolean; openDueAt: Date | null }>>`
        SELECT o."communityId", o."ruleId",
               bool_or(o."status" IN ('OVERDUE', 'CLOSED_LATE')) AS "deducted",
               min(o."dueAt") FILTER (WHERE o."status" NOT IN ('CLOSED', 'WAIVED', 'OVERDUE', 'CLOSED_LATE')) AS "openDueAt"
        FROM "Obligation" o
        WHERE o."communityId" = ANY(${communityIds}::text[]) ${bySection}
          AND ((o."dueAt" > ${from} AND o."dueAt" <= ${to})
            -- work still open from an earlier month stays on the map until it is closed
            OR (o."dueAt" <= ${from} AND o."opensAt" <= ${to} AND o."status" IN ('OPEN', 'SUBMITTED', 'OVERDUE')))
        GROUP BY o."communityId", o."ruleId"`;
    },

    /** (community, rule) pairs with an active (non-reversed) deduction that happened in the window: incidents have no task. */
    async heatmapDeductions(communityIds: string[], from: Date, to: Date, section?: number) {
      const bySection = section === undefined ? Prisma.empty : Prisma.sql`AND d."section" = ${String(section)}`;
      return db.$queryRaw<Array<{ communityId: string; ruleId: string }>>`
        SELECT DISTINCT d."communityId", d."ruleId"
        FROM "Deduction" d
        WHERE d."communityId" = ANY(${communityIds}::text[]) AND d."kind" = 'DEDUCTION'
          AND d."occurredAt" >= ${from} AND d."occurredAt" < ${to} ${bySection}
          AND NOT EXISTS (SELECT 1 FROM "Deduction" r WHERE r."reversesId" = d."id")`;
    },

    /** One page of the communities in scope, in code order, with their names. */
    async openWorkflowsOfSubject(subjectId: string): Promise<string[]> {
      const rows = await db.obligation.findMany({
        where: { subjectId, status: { in: ['SCHEDULED', 'OPEN', 'SUBMITTED'] } },
        select: { workflowId: true },
      });
      return rows.map((r) => r.workflowId);
    },

    /** Where each of these communities' office is, for those an admin located. */
    async communityLocations(ids: string[]): Promise<Map<string, { lat: number; lon: number }>> {
      const rows = await db.community.findMany({
        where: { id: { in: [...new Set(ids)] }, lat: { not: null }, lon: { not: null } },
        select: { id: true, lat: true, lon: true },
      });
      return new Map(rows.map((r) => [r.id, { lat: r.lat!, lon: r.lon! }]));
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

    /** Evidence ids of this community not yet attached anywhere. */
    async attachable(communityId: string, ids: string[]): Promise<string[]> {
      const rows = await db.evidence.findMany({
        where: { id: { in: ids }, communityId, submissionId: null, deductionId: null, appealId: null },
        select: { id: true },
      });
      return rows.map((r) => r.id);
    },

    async deliveryLog(townshipId: string, limit: number) {
      const users = await db.user.findMany({ where: { townshipId }, select: { id: true, displayName: true } });
      const names = new Map(users.map((u) => [u.id, u.displayName]));
      const rows = await db.notification.findMany({
        where: { userId: { in: [...names.keys()] } },
        orderBy: { createdAt: 'desc' },
        take: limit,
      });
      return rows.map((r) => ({
        id: r.id,
        channel: r.channel,
        event: r.event,
        recipient: r.recipient,
        userName: r.userId ? (names.get(r.userId) ?? null) : null,
        subject: r.subject,
        status: r.status,
        attempts: r.attempts,
        lastError: r.lastError,
        createdAt: r.createdAt,
        sentAt: r.sentAt,
        deliveredAt: r.deliveredAt,
      }));
    },
  };
}

export type TaskRepository = ReturnType<typeof taskRepository>;
