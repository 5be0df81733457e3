// Duty rosters (汛期值班表): who may read and edit them, what a valid shift is,
// and how the roster relates to the daily flood-duty task.
//
// - Read: everyone, within scope (staff and secretaries see their community,
//   township roles the whole township). Another community is "not found".
// - Write: ADMIN and the township office (POLITICAL_LEGAL) for any community,
//   and a community's SECRETARY for their own community: DOMAIN.md has the
//   secretary assign tasks to staff, and putting someone on duty is exactly
//   that. Area leaders review rather than assign; staff do not roster
//   themselves. (Scope already limits a secretary to their member communities.)
// - A past day is a record of who was on duty, not a plan: it cannot change.
// - A day outside the duty season is accepted (townships also keep holiday
//   rosters) but flagged: no task is generated for it and nothing is assessed.
// - Check-in is not a roster field: the person on duty checks in by
//   submitting check-in evidence on the day's flood-duty task (the workflow
//   closes it; a missed day is deducted there). The roster shows that task's
//   status, so there is one truth; DutyShift.checkedInAt is left unused.
import type { ServiceLog } from './log';
import { dutySeasonOn, daysOfMonth, isPastDay, parseCivilDate, shanghaiDateOf, startOfDay, formatCivilDate } from '../../domain';
import type { Actor } from '../../db/audit-repository';
import type { SessionUser } from '../../db/auth-repository';
import { may } from '../../domain/policy';
import type { DutyShiftRecord, DutyShiftRepository } from '../../db/duty-shift-repository';
import type { RulebookStore } from '../../platform/rulebook-store';
import { BadRequestError, ConflictError, ForbiddenError, NotFoundError } from '../errors';
import type { PlanningEvents } from './planning-events';

/** What the roster shows about the day's duty task. */
export type CheckInState = 'done' | 'late' | 'pending' | 'missed' | 'waived' | 'not-planned' | 'not-assessed';

export interface DutyShiftView extends Omit<DutyShiftRecord, 'task'> {
  /** the day falls in a duty season of the rulebook: a task is owed and a miss is deducted */
  assessed: boolean;
  checkIn: CheckInState;
  /** when the duty task was closed by the check-in */
  checkedInAt: Date | null;
  taskId: string | null;
}

export interface RosterRow {
  dutyDate: string;
  userId?: string | undefined;
  username?: string | undefined;
}

/** Pure: the roster's reading of the day's task. */
export function checkInState(assessed: boolean, task: DutyShiftRecord['task']): CheckInState {
  if (!task) return assessed ? 'not-planned' : 'not-assessed';
  switch (task.status) {
    case 'CLOSED':
      return 'done';
    case 'CLOSED_LATE':
      return 'late';
    case 'OVERDUE':
      return 'missed';
    case 'WAIVED':
      return 'waived';
    default:
      return 'pending';
  }
}

export function dutyRosterService(deps: {
  repo: DutyShiftRepository;
  rulebooks: RulebookStore;
  events: PlanningEvents;
  now: () => Date;
  log: ServiceLog;
}) {
  const { repo } = deps;
  const seasonOf = (day: string) => dutySeasonOn(deps.rulebooks.forInstant(startOfDay(parseCivilDate(day))), day);

  const view = (s: DutyShiftRecord): DutyShiftView => {
    const assessed = seasonOf(s.dutyDate) !== undefined;
    const checkIn = checkInState(assessed, s.task);
    return {
      id: s.id,
      communityId: s.communityId,
      communityName: s.communityName,
      dutyDate: s.dutyDate,
      userId: s.userId,
      userName: s.userName,
      assessed,
      checkIn,
      checkedInAt: checkIn === 'done' || checkIn === 'late' ? s.task!.closedAt : null,
      taskId: s.task?.id ?? null,
    };
  };

  /** Chinese note for days outside every duty season; undefined inside one. */
  const outOfSeasonNote = (days: string[]): string | undefined => {
    const outside = days.filter((d) => !seasonOf(d));
    if (outside.length === 0) return undefined;
    const season = deps.rulebooks.all().flatMap((r) => r.settings.seasons)[0];
    const span = season ? `（${season.name} ${season.start} 至 ${season.end}）` : '';
    return `${outside.join('、')} 不在值班考核季节内${span}：已保存，但不生成签到任务，也不扣分`;
  };

  function checkCommunity(user: SessionUser, communityId: string) {
    if (!user.scope.includes(communityId)) throw new NotFoundError('社区（村）');
  }

  function checkEditor(user: SessionUser) {
    if (!may(user.role, 'dutyShifts.edit'))
      throw new ForbiddenError(
        '只有本社区书记、政法委员（综治办）和管理员可以编排值班表 (only the secretary, political-legal office and admin may edit rosters)',
      );
  }

  function checkNotPast(day: string) {
    if (isPastDay(day, deps.now())) {
      throw new ConflictError(`${day} 已经过去，值班记录不能再修改（今天是 ${formatCivilDate(shanghaiDateOf(deps.now()))}）`, 'past_day');
    }
  }

  const DAY_ENDED = (day: string) => `${day} 的值班任务已结束（已签到、已扣分或已免除），当天值班记录不能再修改`;

  /** A past day, or today once its duty task has ended, is a record: who was on duty may not change. */
  async function checkDayOpen(communityId: string, day: string) {
    checkNotPast(day);
    if (await repo.dutyTaskEnded(communityId, day)) throw new ConflictError(DAY_ENDED(day), 'day_ended');
  }

  /** Resolves user ids/usernames to members of the community; every problem, row by row. */
  async function resolveUsers(
    user: SessionUser,
    communityId: string,
    rows: RosterRow[],
  ): Promise<{ ids: string[]; problems: Array<{ row: number; message: string }> }> {
    const found = await repo.findUsers(
      rows.flatMap((r) => (r.userId ? [r.userId] : [])),
      rows.flatMap((r) => (r.username ? [r.username] : [])),
    );
    const members = new Set((await repo.activeMembers(communityId)).map((m) => m.id));
    const ids: string[] = [];
    const problems: Array<{ row: number; message: string }> = [];
    for (const [index, row] of rows.entries()) {
      const say = (message: string) => problems.push({ row: index, message: `${row.dutyDate}：${message}` });
      const who = row.userId ?? row.username ?? '';
      // Users of another township are "unknown": their existence is not ours to reveal.
      const match = found.find((u) => (row.userId ? u.id === row.userId : u.username === row.username) && u.townshipId === user.townshipId);
      if (!row.userId && !row.username) say('请填写值班人（userId 或 username）');
      else if (!match) say(`值班人「${who}」不存在，请检查用户名`);
      else if (!match.active) say(`值班人「${match.displayName}」已停用，请换一位在岗人员`);
      else if (!members.has(match.id)) say(`「${match.displayName}」不是本社区（村）成员，只能安排本社区（村）在岗人员值班`);
      ids.push(match?.id ?? '');
    }
    return { ids, problems };
  }

  async function notify(change: Parameters<PlanningEvents['onDutyShiftChanged']>[0]) {
    try {
      await deps.events.onDutyShiftChanged(change);
    } catch (error) {
      deps.log.error(
        { err: error, hook: 'onDutyShiftChanged' },
        "planning hook failed; the roster is saved and tonight's planner reads it",
      );
    }
  }

  return {
    /** `month`: YYYY-MM, default this month in Asia/Shanghai. */
    async list(user: SessionUser, q: { communityId?: string | undefined; month?: string | undefined }) {
      if (q.communityId) checkCommunity(user, q.communityId);
      const month = q.month ?? formatCivilDate(shanghaiDateOf(deps.now())).slice(0, 7);
      const days = daysOfMonth(month);
      const shifts = await repo.list(q.communityId ? [q.communityId] : user.scope, days[0]!, days.at(-1)!);
      return { month, shifts: shifts.map(view) };
    },

    async members(user: SessionUser, communityId: string) {
      checkCommunity(user, communityId);
      return repo.activeMembers(communityId);
    },

    async set(user: SessionUser, input: { communityId: string; dutyDate: string; userId: string }, actor: Actor) {
      checkEditor(user);
      checkCommunity(user, input.communityId);
      await checkDayOpen(input.communityId, input.dutyDate);
      const { problems } = await resolveUsers(user, input.communityId, [input]);
      if (problems.length > 0) throw new BadRequestError(problems.map((p) => p.message).join('；'), 'invalid_roster');
      const result = await repo.set(input, actor);
      if (result.previousUserId !== input.userId)
        await notify({ communityId: input.communityId, dutyDate: input.dutyDate, userId: input.userId });
      const warning = outOfSeasonNote([input.dutyDate]);
      return { created: result.created, shift: view(result.shift), ...(warning ? { warning } : {}) };
    },

    async remove(user: SessionUser, id: string, actor: Actor) {
      checkEditor(user);
      const shift = await repo.findById(user.scope, id);
      if (!shift) throw new NotFoundError('值班安排');
      await checkDayOpen(shift.communityId, shift.dutyDate);
      await repo.remove(shift, actor);
      await notify({ communityId: shift.communityId, dutyDate: shift.dutyDate, userId: null });
    },

    /**
     * A month's roster at once, all rows or none. It replaces the roster of
     * the month's days from today on (a day left out loses its shift); past
     * days are records and may not appear in the import.
     */
    async importMonth(user: SessionUser, input: { communityId: string; month: string; shifts: RosterRow[] }, actor: Actor) {
      checkEditor(user);
      checkCommunity(user, input.communityId);
      const monthDays = daysOfMonth(input.month);
      const notPast = monthDays.filter((d) => !isPastDay(d, deps.now()));
      if (notPast.length === 0) throw new ConflictError(`${input.month} 已经过去，值班记录不能再修改`, 'past_day');
      // Today stays out of the import once its duty task has ended: that entry is a record now.
      const today = formatCivilDate(shanghaiDateOf(deps.now()));
      const todayEnded = notPast[0] === today && (await repo.dutyTaskEnded(input.communityId, today));
      const open = todayEnded ? notPast.slice(1) : notPast;
      const problems: string[] = [];
      const seen = new Set<string>();
      input.shifts.forEach((row, i) => {
        const at = `第${i + 1}行`;
        if (!monthDays.includes(row.dutyDate)) problems.push(`${at}：日期 ${row.dutyDate} 不在 ${input.month} 内`);
        else if (todayEnded && row.dutyDate === notPast[0]) problems.push(`${at}：${DAY_ENDED(row.dutyDate)}`);
        else if (!open.includes(row.dutyDate)) problems.push(`${at}：${row.dutyDate} 已经过去，不能再修改`);
        if (seen.has(row.dutyDate)) problems.push(`${at}：${row.dutyDate} 重复出现，每天只能安排一人`);
        seen.add(row.dutyDate);
      });
      const resolved = await resolveUsers(user, input.communityId, input.shifts);
      problems.push(...resolved.problems.map((p) => `第${p.row + 1}行：${p.message}`));
      if (problems.length > 0) throw new BadRequestError(`值班表未导入，请改正后重试：${problems.join('；')}`, 'invalid_roster');
      const rows = input.shifts.map((r, i) => ({ dutyDate: r.dutyDate, userId: resolved.ids[i]! }));
      const before = new Map((await repo.list([input.communityId], open[0]!, open.at(-1)!)).map((s) => [s.dutyDate, s.userId]));
      const counts = await repo.replaceDays(input.communityId, open, rows, actor, input.month);
      const wanted = new Map(rows.map((r) => [r.dutyDate, r.userId]));
      for (const day of open) {
        const userId = wanted.get(day) ?? null;
        if ((before.get(day) ?? null) !== userId) await notify({ communityId: input.communityId, dutyDate: day, userId });
      }
      const warning = outOfSeasonNote(rows.map((r) => r.dutyDate));
      return { ...counts, ...(warning ? { warning } : {}) };
    },
  };
}

export type DutyRosterService = ReturnType<typeof dutyRosterService>;
