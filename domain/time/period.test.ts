import { describe, expect, it } from 'vitest';
import { describeOffset, parseDuration } from './duration';
import {
  halfMonthPeriod,
  monthPeriod,
  periodContaining,
  periodFromKey,
  periodsStartingIn,
  quarterPeriod,
  yearPeriod,
  daysStartingIn,
} from './period';
import { formatDeadline, shanghaiDateOf, shanghaiInstant, shanghaiMonthOf, toShanghai } from './shanghai';

const iso = (d: Date) => d.toISOString();

describe('periods are computed in Asia/Shanghai whatever the process time zone', () => {
  it('shanghaiMonthOf agrees with shanghaiDateOf, across month and year ends', () => {
    for (const iso of [
      '2026-11-30T15:59:59.999Z',
      '2026-11-30T16:00:00Z',
      '2026-12-31T15:59:59Z',
      '2026-12-31T16:00:00Z',
      '2026-06-15T03:00:00Z',
    ]) {
      expect(shanghaiMonthOf(new Date(iso))).toBe(shanghaiDateOf(new Date(iso)).month);
    }
    expect([shanghaiMonthOf(new Date('2026-11-30T15:59:59Z')), shanghaiMonthOf(new Date('2026-11-30T16:00:00Z'))]).toEqual([11, 12]);
  });

  it('runs these tests with TZ=UTC so a slip shows up', () => {
    expect(new Date(2022, 0, 1).getTimezoneOffset()).toBe(0);
  });

  it('starts March 2022 at 2022-02-28T16:00:00Z and ends it at 2022-03-31T16:00:00Z', () => {
    const march = monthPeriod(2022, 3);
    expect(march.key).toBe('2022-03');
    expect(iso(march.start)).toBe('2022-02-28T16:00:00.000Z');
    expect(iso(march.end)).toBe('2022-03-31T16:00:00.000Z');
    expect(march.deadline).toEqual(march.end);
    expect(march.label).toBe('2022年3月');
  });

  it('ends February on the 29th in leap year 2024 and on the 28th in 2023', () => {
    expect(iso(monthPeriod(2024, 2).end)).toBe('2024-02-29T16:00:00.000Z');
    expect(iso(monthPeriod(2023, 2).end)).toBe('2023-02-28T16:00:00.000Z');
    expect(iso(halfMonthPeriod(2024, 2, 2).end)).toBe('2024-02-29T16:00:00.000Z');
  });

  it('ends 30- and 31-day months correctly and rolls December into the next year', () => {
    expect(iso(monthPeriod(2022, 4).end)).toBe('2022-04-30T16:00:00.000Z');
    expect(iso(monthPeriod(2022, 12).end)).toBe('2022-12-31T16:00:00.000Z');
    expect(monthPeriod(2022, 12).end).toEqual(monthPeriod(2023, 1).start);
  });

  it('splits a month into 1-15 and 16-end', () => {
    const first = halfMonthPeriod(2022, 3, 1);
    const second = halfMonthPeriod(2022, 3, 2);
    expect([first.key, second.key]).toEqual(['2022-03-H1', '2022-03-H2']);
    expect(iso(first.end)).toBe('2022-03-15T16:00:00.000Z');
    expect(second.start).toEqual(first.end);
    expect(second.label).toBe('2022年3月下半月');
  });

  it('has quarters and years with stable keys', () => {
    expect(quarterPeriod(2022, 1).key).toBe('2022-Q1');
    expect(iso(quarterPeriod(2022, 1).end)).toBe('2022-03-31T16:00:00.000Z');
    expect(iso(quarterPeriod(2022, 4).start)).toBe('2022-09-30T16:00:00.000Z');
    expect(yearPeriod(2022).key).toBe('2022');
    expect(iso(yearPeriod(2022).start)).toBe('2021-12-31T16:00:00.000Z');
  });

  it('puts an instant in the Shanghai period, not the UTC one', () => {
    // 2022-03-31T17:00Z is 01:00 on April 1 in Shanghai.
    const instant = new Date('2022-03-31T17:00:00Z');
    expect(periodContaining('month', instant).key).toBe('2022-04');
    expect(periodContaining('half-month', instant).key).toBe('2022-04-H1');
    expect(periodContaining('quarter', instant).key).toBe('2022-Q2');
    expect(periodContaining('month', new Date('2022-03-31T15:59:59Z')).key).toBe('2022-03');
  });

  it('lists the periods starting in a range, end exclusive', () => {
    const keys = periodsStartingIn('half-month', monthPeriod(2022, 1).start, monthPeriod(2022, 3).start).map((p) => p.key);
    expect(keys).toEqual(['2022-01-H1', '2022-01-H2', '2022-02-H1', '2022-02-H2']);
    const mid = new Date('2022-01-10T00:00:00Z');
    expect(periodsStartingIn('month', mid, yearPeriod(2022).end)).toHaveLength(11);
    expect(daysStartingIn(monthPeriod(2022, 2).start, monthPeriod(2022, 3).start)).toHaveLength(28);
  });

  it('rebuilds calendar periods from their keys', () => {
    for (const key of ['2022', '2022-Q3', '2022-03', '2022-03-H2', '2022-06-01']) expect(periodFromKey(key)?.key).toBe(key);
    expect(periodFromKey('2022-13')).toBeUndefined();
    expect(periodFromKey('2022-flood')).toBeUndefined();
  });

  it('converts between Shanghai wall clock and instants', () => {
    const instant = shanghaiInstant({ year: 2022, month: 10, day: 1 }, 9, 30);
    expect(iso(instant)).toBe('2022-10-01T01:30:00.000Z');
    expect(toShanghai(instant)).toMatchObject({ year: 2022, month: 10, day: 1, hour: 9, minute: 30, weekday: 6 });
    expect(shanghaiDateOf(new Date('2022-12-31T16:00:00Z'))).toEqual({ year: 2023, month: 1, day: 1 });
    expect(formatDeadline(monthPeriod(2022, 3).end)).toBe('2022-03-31 24:00');
  });
});

describe('durations for reminder offsets', () => {
  it('parses signed ISO 8601 durations without months or years', () => {
    expect(parseDuration('-P7D')).toBe(-7 * 86_400_000);
    expect(parseDuration('PT0S')).toBe(0);
    expect(parseDuration('-P1DT2H30M')).toBe(-(86_400_000 + 2.5 * 3_600_000));
    expect(parseDuration('P1W')).toBe(7 * 86_400_000);
    for (const bad of ['P', 'PT', '-P1M', 'P1Y', '7D', '', 'P1DT']) expect(parseDuration(bad), bad).toBeUndefined();
    expect(describeOffset('-P1DT2H')).toBe('截止前1天2小时');
  });
});
