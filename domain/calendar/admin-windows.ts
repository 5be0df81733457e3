/**
 * Sensitive windows the admin adds for one year (SensitiveWindow rows): how a
 * row becomes a window definition the generator understands, and the checks a
 * new one must pass. Pure: the API and the planner share them.
 */
import type { SensitiveWindowDefinition } from './sensitive-windows';
import { type CivilDate, compareCivil, daysBetween, formatCivilDate, parseCivilDate } from '../time/shanghai';

/** An admin-added window as stored: civil dates, end inclusive. */
export interface AdminWindowRow {
  readonly id: string;
  readonly name: string;
  /** 'YYYY-MM-DD' */
  readonly startsOn: string;
  /** 'YYYY-MM-DD', inclusive */
  readonly endsOn: string;
}

/** Longer than this is not a "节点" any more but a standing campaign: refuse it. */
export const MAX_ADMIN_WINDOW_DAYS = 31;

/**
 * The window id used in period and obligation keys: `admin-` and the first 12
 * hex digits of the row id. Derived from the row id, not the name, so that
 * renaming can never re-key obligations that already exist.
 */
export function adminWindowId(rowId: string): string {
  return `admin-${rowId.replace(/-/g, '').slice(0, 12).toLowerCase()}`;
}

/** As a rulebook window with `{ date }` day refs: it then exists in its own year only. */
export function adminWindowDefinition(row: AdminWindowRow): SensitiveWindowDefinition {
  return { id: adminWindowId(row.id), name: row.name, start: { date: row.startsOn }, end: { date: row.endsOn } };
}

/**
 * What is wrong with a new window, in Chinese a person can act on; empty when
 * it may be saved. `today` is Asia/Shanghai. Duplicates need the database and
 * are checked by the caller.
 */
export function adminWindowProblems(input: { name: string; startsOn: string; endsOn: string }, today: CivilDate): string[] {
  const problems: string[] = [];
  const start = parseCivilDate(input.startsOn);
  const end = parseCivilDate(input.endsOn);
  if (compareCivil(start, end) > 0) problems.push(`开始日期 ${input.startsOn} 晚于结束日期 ${input.endsOn}，请调换或改正日期`);
  else if (daysBetween(start, end) + 1 > MAX_ADMIN_WINDOW_DAYS) {
    problems.push(`时间节点最长 ${MAX_ADMIN_WINDOW_DAYS} 天（当前 ${daysBetween(start, end) + 1} 天）；更长的专项工作请拆成几个节点`);
  }
  // Period keys are `<year>-<window id>` and a rulebook governs one year, so a window may not cross New Year.
  if (start.year !== end.year) problems.push(`时间节点不能跨年（${input.startsOn} 至 ${input.endsOn}）；请按年份拆成两个节点`);
  if (compareCivil(end, today) < 0)
    problems.push(`结束日期 ${input.endsOn} 已过（今天 ${formatCivilDate(today)}），已结束的节点不再安排管控任务`);
  return problems;
}
