/**
 * The only file that talks to the `chinese-days` library (official holidays,
 * make-up working days 调休, lunar conversion). Everything else in duban uses
 * the functions below with CivilDate values.
 *
 * Caveat found while building this: chinese-days mixes UTC and local-time
 * Date methods internally, so it answers correctly only when the process TZ is
 * UTC or east of it (UTC, Asia/Shanghai: yes; America/*: days shift by one).
 * We pass 'YYYY-MM-DD' strings, its documented input, and check once that the
 * library agrees with known facts; if it does not, we stop with an explanation
 * rather than silently computing wrong holidays.
 */
import chineseDays from 'chinese-days';
import { type CivilDate, formatCivilDate, parseCivilDate } from '../time/shanghai';

let verified = false;

function ensureLibraryIsTrustworthy(): void {
  if (verified) return;
  const makeUpDay = chineseDays.getDayDetail('2022-10-08');
  const newYear = chineseDays.getLunarDate('2022-02-01');
  if (makeUpDay.date !== '2022-10-08' || !makeUpDay.work || newYear.lunarMon !== 1 || newYear.lunarDay !== 1) {
    throw new Error('chinese-days returns shifted dates in this process time zone; run with TZ=UTC or TZ=Asia/Shanghai');
  }
  verified = true;
}

export interface LibraryDayDetail {
  /** true for a working day (including make-up working days) */
  readonly work: boolean;
  /** e.g. "National Day,国庆节,3" for holiday-related days, or the weekday name */
  readonly name: string;
}

export function libraryDayDetail(date: CivilDate): LibraryDayDetail {
  ensureLibraryIsTrustworthy();
  const detail = chineseDays.getDayDetail(formatCivilDate(date));
  return { work: detail.work, name: detail.name };
}

/** Official rest day taken in lieu of a make-up working day (调休 rest day). */
export function libraryIsInLieu(date: CivilDate): boolean {
  ensureLibraryIsTrustworthy();
  return chineseDays.isInLieu(formatCivilDate(date));
}

/** Gregorian date of a lunar month/day in the given lunar year (non-leap month). */
export function solarDateOfLunar(lunarYear: number, lunarMonth: number, lunarDay: number): CivilDate {
  ensureLibraryIsTrustworthy();
  const text = `${lunarYear}-${String(lunarMonth).padStart(2, '0')}-${String(lunarDay).padStart(2, '0')}`;
  return parseCivilDate(chineseDays.getSolarDateFromLunar(text).date);
}

export interface LunarDate {
  readonly lunarYear: number;
  readonly lunarMonth: number;
  readonly lunarDay: number;
  readonly isLeapMonth: boolean;
  /** e.g. 正月初一 */
  readonly label: string;
}

export function lunarDateOf(date: CivilDate): LunarDate {
  ensureLibraryIsTrustworthy();
  const lunar = chineseDays.getLunarDate(formatCivilDate(date));
  return {
    lunarYear: lunar.lunarYear,
    lunarMonth: lunar.lunarMon,
    lunarDay: lunar.lunarDay,
    isLeapMonth: lunar.isLeap,
    label: `${lunar.isLeap ? '闰' : ''}${lunar.lunarMonCN}${lunar.lunarDayCN}`,
  };
}
