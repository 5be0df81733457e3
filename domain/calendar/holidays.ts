/**
 * Official holidays, make-up working days (调休) and the Spring Festival date,
 * from the maintained chinese-days data (the State Council publishes the
 * arrangement each November; update the package to get the next year).
 */
import { type CivilDate, formatCivilDate } from '../time/shanghai';
import { libraryDayDetail, libraryIsInLieu, lunarDateOf, solarDateOfLunar } from './chinese-days-adapter';

export type DayType = 'workday' | 'weekend' | 'holiday' | 'make-up-workday';

export interface DayInfo {
  readonly date: string;
  readonly type: DayType;
  readonly isWorkingDay: boolean;
  /** Chinese holiday name when the day belongs to a holiday arrangement, e.g. 国庆节 */
  readonly holidayName?: string;
  /** a rest day that is paid back by a make-up working day (调休) */
  readonly isInLieu: boolean;
}

/** 'National Day,国庆节,3' -> '国庆节' */
function chineseHolidayName(libraryName: string): string | undefined {
  const parts = libraryName.split(',');
  return parts.length >= 2 ? parts[1] : undefined;
}

function weekday(date: CivilDate): number {
  return new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay();
}

export function dayInfo(date: CivilDate): DayInfo {
  const detail = libraryDayDetail(date);
  const holidayName = chineseHolidayName(detail.name);
  const isWeekend = weekday(date) === 0 || weekday(date) === 6;
  let type: DayType;
  if (detail.work) type = isWeekend ? 'make-up-workday' : 'workday';
  else type = holidayName ? 'holiday' : 'weekend';
  return {
    date: formatCivilDate(date),
    type,
    isWorkingDay: detail.work,
    ...(holidayName ? { holidayName } : {}),
    isInLieu: libraryIsInLieu(date),
  };
}

export function isWorkingDay(date: CivilDate): boolean {
  return dayInfo(date).isWorkingDay;
}

export function isOfficialHoliday(date: CivilDate): boolean {
  return dayInfo(date).type === 'holiday';
}

/** A weekend day on which people work to pay back a holiday (补班). */
export function isMakeUpWorkday(date: CivilDate): boolean {
  return dayInfo(date).type === 'make-up-workday';
}

/** 春节: the first day of the first lunar month of the given year. */
export function springFestivalDate(year: number): CivilDate {
  const date = solarDateOfLunar(year, 1, 1);
  // Guard against a library change in how it maps lunar years.
  const check = lunarDateOf(date);
  if (check.lunarMonth !== 1 || check.lunarDay !== 1 || date.year !== year) {
    throw new Error(`could not determine the Spring Festival of ${year}`);
  }
  return date;
}
