// The sensitive-date calendar (重要时间节点): the rulebook's windows computed
// for a year (read-only: they change by editing the rulebook) plus the ones
// the township adds for that year (SensitiveWindow rows).
//
// - Read: every logged-in user of the township (staff need the dates too).
// - Add / delete: ADMIN and the township office (POLITICAL_LEGAL): DOMAIN.md
//   gives the admin the calendars, and the office runs petitioner control.
// - An added window counts for the rules that say `windows: all` (一盯一
//   control reports per key petitioner); rules naming their windows are not
//   widened. The planner reads the rows on every run (db/planning-source.ts).
// - Once its tasks exist (or it has begun) a window cannot be deleted: the
//   tasks would stay without their cause. An official waives them instead.
import type { ServiceLog } from './log';
import {
  adminWindowId,
  adminWindowProblems,
  compareCivil,
  formatCivilDate,
  parseCivilDate,
  sensitiveWindowsInYear,
  shanghaiDateOf,
  type Rulebook,
} from '../../domain';
import type { Actor } from '../../db/audit-repository';
import type { SessionUser } from '../../db/auth-repository';
import type { SensitiveWindowRepository } from '../../db/sensitive-window-repository';
import type { RulebookStore } from '../../platform/rulebook-store';
import { BadRequestError, ConflictError, NotFoundError, UnavailableError } from '../errors';
import type { PlanningEvents } from './planning-events';

export interface CalendarWindowView {
  /** the SensitiveWindow row id (admin) or the rulebook window id */
  id: string;
  source: 'rulebook' | 'admin';
  /** the id in period keys, e.g. national-day -> 2026-national-day */
  windowId: string;
  periodKey: string;
  name: string;
  /** first and last day of control (rulebook windows include their days before/after) */
  firstDay: string;
  lastDay: string;
  /** the rules that owe work in this window this year */
  rules: Array<{ id: string; title: string }>;
  /** admin windows only: may it still be deleted (it has not begun) */
  deletable: boolean;
}

/** The latest version of the year's rulebook: the one whose windows the year ends with. */
function rulebookOfYear(store: RulebookStore, year: number): Rulebook | undefined {
  return store
    .all()
    .filter((r) => r.year === year)
    .sort((a, b) => b.version - a.version)[0];
}

/** Pure: the rules of a rulebook that owe work in a window, admin-added or not. */
export function rulesOwedIn(rulebook: Rulebook | undefined, windowId: string, admin: boolean): Array<{ id: string; title: string }> {
  return (rulebook?.rules ?? [])
    .filter((r) => r.kind === 'sensitive-window' && (admin ? r.windowsAll === true : (r.windows ?? []).includes(windowId)))
    .map((r) => ({ id: r.id, title: r.title }));
}

export function sensitiveWindowService(deps: {
  repo: SensitiveWindowRepository;
  rulebooks: RulebookStore;
  events: PlanningEvents;
  now: () => Date;
  log: ServiceLog;
}) {
  const { repo } = deps;
  const today = () => shanghaiDateOf(deps.now());

  /** `year`: default this year in Asia/Shanghai. */
  async function listYear(
    user: SessionUser,
    year: number = today().year,
  ): Promise<{ year: number; rulebook: string | null; windows: CalendarWindowView[] }> {
    const rulebook = rulebookOfYear(deps.rulebooks, year);
    const fromRulebook = rulebook ? sensitiveWindowsInYear(rulebook.settings.sensitiveWindows, year) : [];
    const added = await repo.listYear(user.townshipId, year);
    const windows: CalendarWindowView[] = [
      ...fromRulebook.map((w) => ({
        id: w.id,
        source: 'rulebook' as const,
        windowId: w.id,
        periodKey: w.period.key,
        name: w.name,
        firstDay: formatCivilDate(w.firstDay),
        lastDay: formatCivilDate(w.lastDay),
        rules: rulesOwedIn(rulebook, w.id, false),
        deletable: false,
      })),
      ...added.map((w) => ({
        id: w.id,
        source: 'admin' as const,
        windowId: adminWindowId(w.id),
        periodKey: `${year}-${adminWindowId(w.id)}`,
        name: w.name,
        firstDay: w.startsOn,
        lastDay: w.endsOn,
        rules: rulesOwedIn(rulebook, adminWindowId(w.id), true),
        deletable: compareCivil(parseCivilDate(w.startsOn), today()) > 0,
      })),
    ].sort((a, b) => (a.firstDay < b.firstDay ? -1 : a.firstDay > b.firstDay ? 1 : a.name < b.name ? -1 : 1));
    return { year, rulebook: rulebook ? `${rulebook.year}-v${rulebook.version}` : null, windows };
  }

  return {
    listYear,

    async create(user: SessionUser, input: { name: string; startsOn: string; endsOn: string }, actor: Actor) {
      const problems = adminWindowProblems(input, today());
      if (problems.length > 0) throw new BadRequestError(problems.join('；'), 'invalid_window');
      const year = parseCivilDate(input.startsOn).year;
      const rulebook = rulebookOfYear(deps.rulebooks, year);
      const clash = rulebook
        ? sensitiveWindowsInYear(rulebook.settings.sensitiveWindows, year).find((w) => w.name === input.name)
        : undefined;
      if (clash) {
        throw new ConflictError(
          `考核细则已有「${clash.name}」节点（${formatCivilDate(clash.firstDay)} 至 ${formatCivilDate(clash.lastDay)}），无需重复添加；如需调整日期请修改细则`,
          'duplicate',
        );
      }
      const same = await repo.findSameNameInYear(user.townshipId, input.name, year);
      const duplicate = () =>
        new ConflictError(
          `${year}年已有名为「${input.name}」的节点${same ? `（${same.startsOn} 至 ${same.endsOn}）` : ''}；如需改日期请先删除原节点`,
          'duplicate',
        );
      if (same) throw duplicate();
      const created = await repo.create(user.townshipId, input, actor);
      if (!created) throw duplicate();
      try {
        await deps.events.onSensitiveWindowAdded({ townshipId: user.townshipId, ...created });
      } catch (error) {
        // The hook plans only a window that has begun or starts tomorrow, and the nightly planner never
        // goes back to a begun window: saved without its tasks it would stay unplanned. So undo the save.
        deps.log.error({ err: error, hook: 'onSensitiveWindowAdded' }, 'planning hook failed; the window is removed again');
        await repo.remove(created, actor);
        throw new UnavailableError(
          'planner_unavailable',
          '调度服务暂时不可用，该节点未保存，请稍后重试 (the scheduler is unavailable: the window was not saved, try again)',
        );
      }
      const view = (await listYear(user, year)).windows.find((w) => w.id === created.id)!;
      return view;
    },

    async remove(user: SessionUser, id: string, actor: Actor) {
      const window = await repo.findById(user.townshipId, id);
      if (!window) throw new NotFoundError('时间节点');
      const year = parseCivilDate(window.startsOn).year;
      const tasks = await repo.obligationCount(`${year}-${adminWindowId(window.id)}`, user.townshipId);
      // The planner may plan a window the evening before its first day: from then on its tasks may exist.
      const begun = compareCivil(parseCivilDate(window.startsOn), today()) <= 0;
      if (tasks > 0 || begun) {
        throw new ConflictError(
          `「${window.name}」已开始或已生成 ${tasks} 项管控任务，不能删除；如需取消，请由政法委员在任务页逐项免除（写明理由）`,
          'window_in_use',
        );
      }
      await repo.remove(window, actor);
    },
  };
}

export type SensitiveWindowService = ReturnType<typeof sensitiveWindowService>;
