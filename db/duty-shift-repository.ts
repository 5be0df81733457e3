// Duty rosters (DutyShift rows): one person per community and day. Every
// write carries its audit row in the same transaction, and re-points the
// day's duty task (if one is already planned and still open) at the new
// person, so reminders go to whoever is on the roster now.
import { writeAudit, type Actor } from './audit-repository';
import type { Database } from './client';
import type { Prisma } from './generated/prisma/client';
import { fromDateColumn, toDateColumn } from './date-column';

export interface DutyShiftRecord {
  id: string;
  communityId: string;
  communityName: string;
  /** 'YYYY-MM-DD' */
  dutyDate: string;
  userId: string;
  userName: string;
  /** the day's seasonal-duty task, when planned: its status and when it was closed (= checked in) */
  task: { id: string; status: string; dueAt: Date; closedAt: Date | null } | null;
}

export interface RosterMember {
  id: string;
  username: string;
  displayName: string;
}

type Tx = Prisma.TransactionClient;

/** Statuses in which the duty is still to be done: reassigning makes sense only then. */
const OPEN_STATUSES = ['SCHEDULED', 'OPEN'] as const;

export function dutyShiftRepository(db: Database) {
  /** The day's duty task is over (checked in, missed, or waived): its roster entry is a record from then on. */
  async function dutyTaskEnded(communityId: string, day: string): Promise<boolean> {
    return (
      (await db.obligation.count({
        where: { communityId, kind: 'seasonal-duty', periodKey: day, status: { notIn: [...OPEN_STATUSES, 'SUBMITTED'] } },
      })) > 0
    );
  }

  /** Points the day's open duty task at the person on the roster (null: the whole community's staff again). */
  async function reassignDutyTask(tx: Tx, communityId: string, day: string, userId: string | null): Promise<number> {
    const { count } = await tx.obligation.updateMany({
      where: { communityId, kind: 'seasonal-duty', periodKey: day, status: { in: [...OPEN_STATUSES] } },
      data: { assigneeId: userId },
    });
    return count;
  }

  async function withTasks(
    rows: Array<{ id: string; communityId: string; dutyDate: Date; userId: string; community: { name: string } }>,
  ): Promise<DutyShiftRecord[]> {
    if (rows.length === 0) return [];
    const [users, tasks] = await Promise.all([
      db.user.findMany({ where: { id: { in: [...new Set(rows.map((r) => r.userId))] } }, select: { id: true, displayName: true } }),
      db.obligation.findMany({
        where: { kind: 'seasonal-duty', OR: rows.map((r) => ({ communityId: r.communityId, periodKey: fromDateColumn(r.dutyDate) })) },
        select: { id: true, communityId: true, periodKey: true, status: true, dueAt: true, closedAt: true },
      }),
    ]);
    const names = new Map(users.map((u) => [u.id, u.displayName]));
    return rows.map((r) => {
      const day = fromDateColumn(r.dutyDate);
      const task = tasks.find((t) => t.communityId === r.communityId && t.periodKey === day);
      return {
        id: r.id,
        communityId: r.communityId,
        communityName: r.community.name,
        dutyDate: day,
        userId: r.userId,
        userName: names.get(r.userId) ?? r.userId,
        task: task ? { id: task.id, status: task.status, dueAt: task.dueAt, closedAt: task.closedAt } : null,
      };
    });
  }

  const select = { id: true, communityId: true, dutyDate: true, userId: true, community: { select: { name: true } } } as const;

  return {
    dutyTaskEnded,
    /** Shifts of the communities between two days (inclusive), by date then community. */
    async list(communityIds: string[], firstDay: string, lastDay: string): Promise<DutyShiftRecord[]> {
      const rows = await db.dutyShift.findMany({
        where: { communityId: { in: communityIds }, dutyDate: { gte: toDateColumn(firstDay), lte: toDateColumn(lastDay) } },
        select,
        orderBy: [{ dutyDate: 'asc' }, { communityId: 'asc' }],
      });
      return withTasks(rows);
    },

    async findById(communityIds: string[], id: string): Promise<DutyShiftRecord | undefined> {
      const row = await db.dutyShift.findFirst({ where: { id, communityId: { in: communityIds } }, select });
      return row ? (await withTasks([row]))[0] : undefined;
    },

    /** Active users who are members of the community: the only people who can be put on its roster. */
    async activeMembers(communityId: string): Promise<RosterMember[]> {
      return db.user.findMany({
        where: { active: true, memberships: { some: { communityId } } },
        select: { id: true, username: true, displayName: true },
        orderBy: { username: 'asc' },
      });
    },

    /** The users (any township, active or not) with these ids or usernames, to tell "unknown" from "not a member". */
    async findUsers(ids: string[], usernames: string[]): Promise<Array<RosterMember & { townshipId: string; active: boolean }>> {
      if (ids.length === 0 && usernames.length === 0) return [];
      return db.user.findMany({
        where: { OR: [{ id: { in: ids } }, { username: { in: usernames } }] },
        select: { id: true, username: true, displayName: true, townshipId: true, active: true },
      });
    },

    /** Creates or replaces the day's shift. */
    async set(
      input: { communityId: string; dutyDate: string; userId: string },
      actor: Actor,
    ): Promise<{ shift: DutyShiftRecord; created: boolean; previousUserId: string | null }> {
      const { communityId, dutyDate, userId } = input;
      const result = await db.$transaction(async (tx) => {
        const before = await tx.dutyShift.findUnique({
          where: { communityId_dutyDate: { communityId, dutyDate: toDateColumn(dutyDate) } },
        });
        const row = await tx.dutyShift.upsert({
          where: { communityId_dutyDate: { communityId, dutyDate: toDateColumn(dutyDate) } },
          // A new person has not checked in: the old check-in time belonged to the old person.
          create: { communityId, dutyDate: toDateColumn(dutyDate), userId },
          update: before?.userId === userId ? {} : { userId, checkedInAt: null },
          select,
        });
        const reassigned = await reassignDutyTask(tx, communityId, dutyDate, userId);
        await writeAudit(tx, actor, {
          action: before ? 'duty_shift.replace' : 'duty_shift.create',
          entity: 'DutyShift',
          entityId: row.id,
          details: { communityId, dutyDate, userId, previousUserId: before?.userId ?? null, tasksReassigned: reassigned },
        });
        return { row, created: !before, previousUserId: before?.userId ?? null };
      });
      return { shift: (await withTasks([result.row]))[0]!, created: result.created, previousUserId: result.previousUserId };
    },

    async remove(shift: DutyShiftRecord, actor: Actor): Promise<void> {
      await db.$transaction(async (tx) => {
        await tx.dutyShift.delete({ where: { id: shift.id } });
        const reassigned = await reassignDutyTask(tx, shift.communityId, shift.dutyDate, null);
        await writeAudit(tx, actor, {
          action: 'duty_shift.delete',
          entity: 'DutyShift',
          entityId: shift.id,
          details: { communityId: shift.communityId, dutyDate: shift.dutyDate, userId: shift.userId, tasksReassigned: reassigned },
        });
      });
    },

    /**
     * Replaces the roster of the given days (those of a month not yet past)
     * with `rows`, all or nothing: days in `days` missing from `rows` lose
     * their shift. One audit row for the import, naming every change.
     */
    async replaceDays(
      communityId: string,
      days: string[],
      rows: Array<{ dutyDate: string; userId: string }>,
      actor: Actor,
      month: string,
    ): Promise<{ created: number; replaced: number; deleted: number; unchanged: number }> {
      return db.$transaction(
        async (tx) => {
          const existing = await tx.dutyShift.findMany({ where: { communityId, dutyDate: { in: days.map(toDateColumn) } } });
          const byDay = new Map(existing.map((s) => [fromDateColumn(s.dutyDate), s]));
          const wanted = new Map(rows.map((r) => [r.dutyDate, r.userId]));
          const counts = { created: 0, replaced: 0, deleted: 0, unchanged: 0 };
          for (const day of days) {
            const before = byDay.get(day);
            const userId = wanted.get(day);
            if (userId === undefined) {
              if (!before) continue;
              await tx.dutyShift.delete({ where: { id: before.id } });
              await reassignDutyTask(tx, communityId, day, null);
              counts.deleted++;
            } else if (!before) {
              await tx.dutyShift.create({ data: { communityId, dutyDate: toDateColumn(day), userId } });
              await reassignDutyTask(tx, communityId, day, userId);
              counts.created++;
            } else if (before.userId !== userId) {
              await tx.dutyShift.update({ where: { id: before.id }, data: { userId, checkedInAt: null } });
              await reassignDutyTask(tx, communityId, day, userId);
              counts.replaced++;
            } else counts.unchanged++;
          }
          await writeAudit(tx, actor, {
            action: 'duty_shift.import',
            entity: 'Community',
            entityId: communityId,
            details: { month, ...counts, rows },
          });
          return counts;
        },
        { timeout: 30_000 },
      );
    },
  };
}

export type DutyShiftRepository = ReturnType<typeof dutyShiftRepository>;
