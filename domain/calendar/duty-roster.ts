/**
 * Duty rosters (值班表) and the rulebook: whether a roster day is assessed (it
 * falls in the season of a seasonal-duty rule), and whether a roster change
 * must be planned now rather than by tonight's planner run. Pure.
 */
import type { Rulebook } from '../rulebook/types';
import { addDays, type CivilDate, compareCivil, formatCivilDate, parseCivilDate, shanghaiDateOf } from '../time/shanghai';
import { parseMonthDay } from './seasons';

export interface DutySeasonDay {
  readonly ruleId: string;
  readonly seasonId: string;
  /** e.g. 汛期 */
  readonly seasonName: string;
  /** "MM-DD" */
  readonly start: string;
  readonly end: string;
}

/**
 * The seasonal-duty rule that assesses this day, or undefined (outside every
 * duty season, or no rulebook for the year). The rulebook passed is the one in
 * force on that day.
 */
export function dutySeasonOn(rulebook: Rulebook | undefined, date: string): DutySeasonDay | undefined {
  if (!rulebook) return undefined;
  const day = parseCivilDate(date);
  if (day.year !== rulebook.year) return undefined;
  for (const rule of rulebook.rules) {
    if (rule.kind !== 'seasonal-duty') continue;
    const season = rulebook.settings.seasons.find((s) => s.id === rule.season);
    if (!season) continue;
    const start = parseMonthDay(season.start);
    const end = parseMonthDay(season.end);
    const inside = compareCivil(day, { year: day.year, ...start }) >= 0 && compareCivil(day, { year: day.year, ...end }) <= 0;
    if (inside) return { ruleId: rule.id, seasonId: season.id, seasonName: season.name, start: season.start, end: season.end };
  }
  return undefined;
}

/**
 * The planner runs every evening for today and tomorrow, so a roster day in
 * that horizon may already be planned (or be planned only tonight, after the
 * person should have been told). Those days are planned at once; later days
 * are left to the nightly run.
 */
export function isInPlanningHorizon(date: string, now: Date): boolean {
  const today = shanghaiDateOf(now);
  const day = parseCivilDate(date);
  return compareCivil(day, today) >= 0 && compareCivil(day, addDays(today, 1)) <= 0;
}

/** True when the day is before today (Asia/Shanghai): the roster of a past day is a record, not a plan. */
export function isPastDay(date: string, now: Date): boolean {
  return compareCivil(parseCivilDate(date), shanghaiDateOf(now)) < 0;
}

/** Every 'YYYY-MM-DD' of a 'YYYY-MM' month. */
export function daysOfMonth(month: string): string[] {
  const first: CivilDate = parseCivilDate(`${month}-01`);
  const days: string[] = [];
  for (let d = first; d.month === first.month; d = addDays(d, 1)) days.push(formatCivilDate(d));
  return days;
}
