/**
 * Sensitive windows (重要时间节点): spans around National Day, the Spring
 * Festival (lunar), the national two sessions, and any the admin adds. Rules
 * such as one-on-one petitioner control (一盯一) owe work inside each window.
 */
import { type Period, spanPeriod } from '../time/period';
import { addDays, type CivilDate, civilDate, parseCivilDate, shanghaiDateOf } from '../time/shanghai';
import { solarDateOfLunar } from './chinese-days-adapter';
import { parseMonthDay } from './seasons';

/** A day named the way people name it. */
export type DayRef =
  /** the same Gregorian month-day every year, e.g. { solar: "10-01" } */
  | { readonly solar: string }
  /** the same lunar month-day every year, e.g. { lunar: "01-01" } = Spring Festival */
  | { readonly lunar: string }
  /** one specific date; the window then exists only in that year */
  | { readonly date: string };

export interface SensitiveWindowDefinition {
  /** lowercase id used in period keys, e.g. "national-day" -> 2022-national-day */
  readonly id: string;
  /** Chinese name, e.g. 国庆 */
  readonly name: string;
  readonly start: DayRef;
  /** last day, inclusive */
  readonly end: DayRef;
  /** extra days of control before start (default 0) */
  readonly daysBefore?: number;
  /** extra days of control after end (default 0) */
  readonly daysAfter?: number;
}

export interface SensitiveWindow {
  readonly id: string;
  readonly name: string;
  readonly year: number;
  readonly firstDay: CivilDate;
  readonly lastDay: CivilDate;
  readonly period: Period;
}

/** The date a DayRef names in the given year, or undefined if it does not occur that year. */
export function resolveDayRef(ref: DayRef, year: number): CivilDate | undefined {
  if ('date' in ref) {
    const date = parseCivilDate(ref.date);
    return date.year === year ? date : undefined;
  }
  if ('solar' in ref) {
    const { month, day } = parseMonthDay(ref.solar);
    return civilDate(year, month, day);
  }
  const { month, day } = parseMonthDay(ref.lunar);
  return solarDateOfLunar(year, month, day);
}

/**
 * The window for the given year (the year of its anchor: the Spring Festival
 * window of 2023 is the one around 2023-01-22 even if it began in late 2022),
 * or undefined when it does not occur that year.
 */
export function sensitiveWindowInYear(definition: SensitiveWindowDefinition, year: number): SensitiveWindow | undefined {
  const start = resolveDayRef(definition.start, year);
  const end = resolveDayRef(definition.end, year);
  if (!start || !end) return undefined;
  const firstDay = addDays(start, -(definition.daysBefore ?? 0));
  const lastDay = addDays(end, definition.daysAfter ?? 0);
  const period = spanPeriod(`${year}-${definition.id}`, 'window', firstDay, lastDay, `${year}年${definition.name}敏感期`);
  return { id: definition.id, name: definition.name, year, firstDay, lastDay, period };
}

/** All windows of a year, in start order. */
export function sensitiveWindowsInYear(definitions: readonly SensitiveWindowDefinition[], year: number): SensitiveWindow[] {
  return definitions
    .map((definition) => sensitiveWindowInYear(definition, year))
    .filter((window): window is SensitiveWindow => window !== undefined)
    .sort((a, b) => a.period.start.getTime() - b.period.start.getTime() || a.id.localeCompare(b.id));
}

/** Windows that contain the instant (a window may spill over a new year, so neighbours are checked too). */
export function sensitiveWindowsAt(definitions: readonly SensitiveWindowDefinition[], instant: Date): SensitiveWindow[] {
  const year = shanghaiDateOf(instant).year;
  return [year - 1, year, year + 1]
    .flatMap((y) => sensitiveWindowsInYear(definitions, y))
    .filter((w) => w.period.start <= instant && instant < w.period.end);
}
