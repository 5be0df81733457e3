/**
 * Civil dates and instants in Asia/Shanghai.
 *
 * Why a fixed offset instead of Intl/tz data: China has observed UTC+8 all year
 * since 1991 (no daylight saving time), and every date this system handles is
 * after that. A fixed offset is exact, needs no tz database, gives the same
 * answer whatever the process TZ is, and is deterministic inside Temporal
 * workflow code. If China ever reintroduces DST this file is the one place
 * to change.
 */

export const SHANGHAI_TIMEZONE = 'Asia/Shanghai';
export const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000;
export const DAY_MS = 24 * 60 * 60 * 1000;

/** A calendar day on the wall in Shanghai. month is 1-12, day is 1-31. */
export interface CivilDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

export interface CivilDateTime extends CivilDate {
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  /** 0 = Sunday ... 6 = Saturday */
  readonly weekday: number;
}

export function civilDate(year: number, month: number, day: number): CivilDate {
  if (!isValidCivilDate(year, month, day)) {
    throw new RangeError(`not a calendar date: ${year}-${month}-${day}`);
  }
  return { year, month, day };
}

export function isValidCivilDate(year: number, month: number, day: number): boolean {
  return (
    Number.isInteger(year) &&
    Number.isInteger(month) &&
    Number.isInteger(day) &&
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth(year, month)
  );
}

export function daysInMonth(year: number, month: number): number {
  // Day 0 of the next month is the last day of this month (UTC arithmetic, no TZ involved).
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** The instant at which the given wall-clock time happens in Shanghai. */
export function shanghaiInstant(date: CivilDate, hour = 0, minute = 0, second = 0): Date {
  return new Date(Date.UTC(date.year, date.month - 1, date.day, hour, minute, second) - SHANGHAI_OFFSET_MS);
}

/** Start of the Shanghai day (00:00 +08:00). */
export function startOfDay(date: CivilDate): Date {
  return shanghaiInstant(date);
}

/** What a wall clock in Shanghai shows at this instant. */
export function toShanghai(instant: Date): CivilDateTime {
  const shifted = new Date(instant.getTime() + SHANGHAI_OFFSET_MS);
  return {
    year: shifted.getUTCFullYear(),
    month: shifted.getUTCMonth() + 1,
    day: shifted.getUTCDate(),
    hour: shifted.getUTCHours(),
    minute: shifted.getUTCMinutes(),
    second: shifted.getUTCSeconds(),
    weekday: shifted.getUTCDay(),
  };
}

/** The Asia/Shanghai month (1-12) of an instant, without building a date object (the export calls it 45,000 times). */
export function shanghaiMonthOf(instant: Date): number {
  return new Date(instant.getTime() + SHANGHAI_OFFSET_MS).getUTCMonth() + 1;
}

export function shanghaiDateOf(instant: Date): CivilDate {
  const { year, month, day } = toShanghai(instant);
  return { year, month, day };
}

export function addDays(date: CivilDate, days: number): CivilDate {
  const shifted = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: shifted.getUTCFullYear(), month: shifted.getUTCMonth() + 1, day: shifted.getUTCDate() };
}

/** Negative if a is before b, 0 if same day, positive if after. */
export function compareCivil(a: CivilDate, b: CivilDate): number {
  return a.year - b.year || a.month - b.month || a.day - b.day;
}

/** Whole days from a to b (b - a). */
export function daysBetween(a: CivilDate, b: CivilDate): number {
  return Math.round((Date.UTC(b.year, b.month - 1, b.day) - Date.UTC(a.year, a.month - 1, a.day)) / DAY_MS);
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** 'YYYY-MM-DD' */
export function formatCivilDate(date: CivilDate): string {
  return `${pad(date.year, 4)}-${pad(date.month)}-${pad(date.day)}`;
}

/** Parses 'YYYY-MM-DD' strictly; throws RangeError otherwise. */
export function parseCivilDate(text: string): CivilDate {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) throw new RangeError(`expected a date like 2022-03-01, got "${text}"`);
  return civilDate(Number(match[1]), Number(match[2]), Number(match[3]));
}

/** 'YYYY-MM-DD HH:mm' as a Shanghai wall clock, for messages to people. */
export function formatShanghai(instant: Date): string {
  const t = toShanghai(instant);
  return `${formatCivilDate(t)} ${pad(t.hour)}:${pad(t.minute)}`;
}

/**
 * A deadline that falls exactly at midnight is shown as 24:00 of the previous
 * day, which is how people read "by the end of March 31".
 */
export function formatDeadline(instant: Date): string {
  const t = toShanghai(instant);
  if (t.hour === 0 && t.minute === 0 && t.second === 0) {
    return `${formatCivilDate(addDays(t, -1))} 24:00`;
  }
  return formatShanghai(instant);
}
