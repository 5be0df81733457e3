/**
 * Periods: the civil-calendar spans obligations are counted in.
 *
 * Every period has a stable, human-readable key (used in business keys and
 * workflow ids, so never change the format), a start and an exclusive end as
 * UTC instants computed in Asia/Shanghai, and a deadline that defaults to the
 * end of the period.
 */
import { addDays, type CivilDate, civilDate, compareCivil, daysInMonth, formatCivilDate, shanghaiDateOf, startOfDay } from './shanghai';

/** Cadences a rule can state directly. */
export const CADENCE_UNITS = ['month', 'half-month', 'quarter', 'year'] as const;
export type CadenceUnit = (typeof CADENCE_UNITS)[number];

export type PeriodKind = CadenceUnit | 'day' | 'season' | 'window' | 'custom';

export interface Period {
  /** e.g. 2022-03, 2022-03-H2, 2022-Q1, 2022, 2022-06-01, 2022-flood, 2022-national-day */
  readonly key: string;
  readonly kind: PeriodKind;
  /** inclusive */
  readonly start: Date;
  /** exclusive */
  readonly end: Date;
  /** when the work is due; the end of the period unless a rule says otherwise */
  readonly deadline: Date;
  /** Chinese label for people, e.g. 2022年3月下半月 */
  readonly label: string;
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/**
 * A period covering whole Shanghai days from `first` to `last` inclusive.
 * Used for seasons, sensitive windows and admin-defined spans.
 */
export function spanPeriod(key: string, kind: PeriodKind, first: CivilDate, last: CivilDate, label: string): Period {
  if (compareCivil(last, first) < 0) {
    throw new RangeError(`period ${key} ends (${formatCivilDate(last)}) before it starts (${formatCivilDate(first)})`);
  }
  const start = startOfDay(first);
  const end = startOfDay(addDays(last, 1));
  return { key, kind, start, end, deadline: end, label };
}

export function dayPeriod(date: CivilDate): Period {
  return spanPeriod(formatCivilDate(date), 'day', date, date, `${date.year}年${date.month}月${date.day}日`);
}

export function monthPeriod(year: number, month: number): Period {
  return spanPeriod(
    `${year}-${pad2(month)}`,
    'month',
    civilDate(year, month, 1),
    civilDate(year, month, daysInMonth(year, month)),
    `${year}年${month}月`,
  );
}

/** First half: days 1-15; second half: day 16 to the end of the month. */
export function halfMonthPeriod(year: number, month: number, half: 1 | 2): Period {
  const first = half === 1 ? civilDate(year, month, 1) : civilDate(year, month, 16);
  const last = half === 1 ? civilDate(year, month, 15) : civilDate(year, month, daysInMonth(year, month));
  return spanPeriod(`${year}-${pad2(month)}-H${half}`, 'half-month', first, last, `${year}年${month}月${half === 1 ? '上' : '下'}半月`);
}

export function quarterPeriod(year: number, quarter: 1 | 2 | 3 | 4): Period {
  const firstMonth = (quarter - 1) * 3 + 1;
  const lastMonth = firstMonth + 2;
  return spanPeriod(
    `${year}-Q${quarter}`,
    'quarter',
    civilDate(year, firstMonth, 1),
    civilDate(year, lastMonth, daysInMonth(year, lastMonth)),
    `${year}年第${quarter}季度`,
  );
}

export function yearPeriod(year: number): Period {
  return spanPeriod(String(year), 'year', civilDate(year, 1, 1), civilDate(year, 12, 31), `${year}年`);
}

/** The period of the given cadence that contains this Shanghai day. */
export function periodContainingDate(unit: CadenceUnit, date: CivilDate): Period {
  switch (unit) {
    case 'month':
      return monthPeriod(date.year, date.month);
    case 'half-month':
      return halfMonthPeriod(date.year, date.month, date.day <= 15 ? 1 : 2);
    case 'quarter':
      return quarterPeriod(date.year, (Math.floor((date.month - 1) / 3) + 1) as 1 | 2 | 3 | 4);
    case 'year':
      return yearPeriod(date.year);
  }
}

/** The period of the given cadence that contains this instant (read in Shanghai). */
export function periodContaining(unit: CadenceUnit, instant: Date): Period {
  return periodContainingDate(unit, shanghaiDateOf(instant));
}

/** The period right after this one (same cadence). */
export function nextPeriod(unit: CadenceUnit, period: Period): Period {
  return periodContaining(unit, period.end);
}

/** All periods of a cadence whose start lies in [from, to), in order. */
export function periodsStartingIn(unit: CadenceUnit, from: Date, to: Date): Period[] {
  const result: Period[] = [];
  let period = periodContaining(unit, from);
  if (period.start < from) period = nextPeriod(unit, period);
  while (period.start < to) {
    result.push(period);
    period = nextPeriod(unit, period);
  }
  return result;
}

/** Every Shanghai day whose start lies in [from, to). */
export function daysStartingIn(from: Date, to: Date): Period[] {
  const result: Period[] = [];
  let day = shanghaiDateOf(from);
  if (startOfDay(day) < from) day = addDays(day, 1);
  while (startOfDay(day) < to) {
    result.push(dayPeriod(day));
    day = addDays(day, 1);
  }
  return result;
}

const KEY_PATTERNS: Array<[RegExp, (m: RegExpExecArray) => Period]> = [
  [/^(\d{4})$/, (m) => yearPeriod(Number(m[1]))],
  [/^(\d{4})-Q([1-4])$/, (m) => quarterPeriod(Number(m[1]), Number(m[2]) as 1 | 2 | 3 | 4)],
  [/^(\d{4})-(\d{2})$/, (m) => monthPeriod(Number(m[1]), Number(m[2]))],
  [/^(\d{4})-(\d{2})-H([12])$/, (m) => halfMonthPeriod(Number(m[1]), Number(m[2]), Number(m[3]) as 1 | 2)],
  [/^(\d{4})-(\d{2})-(\d{2})$/, (m) => dayPeriod(civilDate(Number(m[1]), Number(m[2]), Number(m[3])))],
];

/**
 * Rebuilds a calendar period from its key. Seasons and windows depend on the
 * rulebook's settings, so they are not handled here (returns undefined).
 */
export function periodFromKey(key: string): Period | undefined {
  for (const [pattern, build] of KEY_PATTERNS) {
    const match = pattern.exec(key);
    if (match) {
      try {
        return build(match);
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}
