import { describe, expect, it } from 'vitest';
import { formatCivilDate, parseCivilDate } from '../time/shanghai';
import { lunarDateOf } from './chinese-days-adapter';
import { dayInfo, isMakeUpWorkday, isOfficialHoliday, isWorkingDay, springFestivalDate } from './holidays';
import { seasonPeriod } from './seasons';
import { sensitiveWindowsAt, sensitiveWindowInYear, sensitiveWindowsInYear, type SensitiveWindowDefinition } from './sensitive-windows';

const d = parseCivilDate;

describe('Spring Festival from the lunar calendar (chinese-days)', () => {
  it.each([
    [2022, '2022-02-01'],
    [2023, '2023-01-22'],
    [2024, '2024-02-10'],
    [2025, '2025-01-29'],
    [2026, '2026-02-17'],
    [2027, '2027-02-06'],
    [2028, '2028-01-26'],
    [2029, '2029-02-13'],
    [2030, '2030-02-03'],
  ])('falls on the right day in %i', (year, expected) => {
    expect(formatCivilDate(springFestivalDate(year))).toBe(expected);
    expect(lunarDateOf(d(expected)).label).toBe('正月初一');
  });
});

describe('official holidays and make-up working days (调休)', () => {
  it('treats National Day 2022 as holidays and Oct 8-9 (Sat, Sun) as make-up working days', () => {
    expect(isOfficialHoliday(d('2022-10-01'))).toBe(true);
    expect(isOfficialHoliday(d('2022-10-07'))).toBe(true);
    expect(dayInfo(d('2022-10-03'))).toMatchObject({ type: 'holiday', holidayName: '国庆节', isWorkingDay: false });
    for (const day of ['2022-10-08', '2022-10-09']) {
      expect(isMakeUpWorkday(d(day)), day).toBe(true);
      expect(isWorkingDay(d(day)), day).toBe(true);
    }
    expect(dayInfo(d('2022-10-10')).type).toBe('workday');
  });

  it('treats Jan 29-30 2022 as make-up working days before Spring Festival and an ordinary Sunday as weekend', () => {
    expect(dayInfo(d('2022-01-29')).type).toBe('make-up-workday');
    expect(dayInfo(d('2022-01-30')).type).toBe('make-up-workday');
    expect(dayInfo(d('2022-02-01'))).toMatchObject({ type: 'holiday', holidayName: '春节' });
    expect(dayInfo(d('2022-03-06')).type).toBe('weekend');
    // Oct 6-7 2022 are rest days paid back by the Oct 8-9 make-up days.
    expect(dayInfo(d('2022-10-07')).isInLieu).toBe(true);
  });
});

const WINDOWS: SensitiveWindowDefinition[] = [
  { id: 'national-day', name: '国庆', start: { solar: '10-01' }, end: { solar: '10-07' }, daysBefore: 3 },
  { id: 'spring-festival', name: '春节', start: { lunar: '01-01' }, end: { lunar: '01-15' }, daysBefore: 7 },
  { id: 'two-sessions', name: '全国两会', start: { solar: '03-03' }, end: { solar: '03-15' } },
  { id: 'congress', name: '党的二十大', start: { date: '2022-10-16' }, end: { date: '2022-10-22' } },
];

describe('sensitive windows', () => {
  it('puts National Day 2022 with 3 days before at Sep 28 - Oct 7 (Shanghai)', () => {
    const window = sensitiveWindowInYear(WINDOWS[0]!, 2022)!;
    expect(window.period.key).toBe('2022-national-day');
    expect(window.period.start.toISOString()).toBe('2022-09-27T16:00:00.000Z');
    expect(window.period.end.toISOString()).toBe('2022-10-07T16:00:00.000Z');
  });

  it('follows the lunar calendar for the Spring Festival window', () => {
    const w2023 = sensitiveWindowInYear(WINDOWS[1]!, 2023)!;
    expect(formatCivilDate(w2023.firstDay)).toBe('2023-01-15');
    expect(formatCivilDate(w2023.lastDay)).toBe('2023-02-05'); // 元宵 2023
    const w2024 = sensitiveWindowInYear(WINDOWS[1]!, 2024)!;
    expect(formatCivilDate(w2024.firstDay)).toBe('2024-02-03');
  });

  it('keeps admin-added one-off windows to their own year and sorts a year by start', () => {
    expect(sensitiveWindowInYear(WINDOWS[3]!, 2023)).toBeUndefined();
    expect(sensitiveWindowsInYear(WINDOWS, 2022).map((w) => w.id)).toEqual(['spring-festival', 'two-sessions', 'national-day', 'congress']);
    expect(sensitiveWindowsInYear(WINDOWS, 2023).map((w) => w.id)).toEqual(['spring-festival', 'two-sessions', 'national-day']);
  });

  it('finds the windows open at an instant', () => {
    expect(sensitiveWindowsAt(WINDOWS, new Date('2022-03-10T04:00:00Z')).map((w) => w.id)).toEqual(['two-sessions']);
    expect(sensitiveWindowsAt(WINDOWS, new Date('2022-10-07T16:00:00Z'))).toEqual([]);
  });
});

describe('seasons', () => {
  it('gives the flood season an inclusive last day and a stable key', () => {
    const flood = seasonPeriod({ id: 'flood', name: '汛期', start: '05-01', end: '09-30' }, 2022);
    expect(flood.key).toBe('2022-flood');
    expect(flood.start.toISOString()).toBe('2022-04-30T16:00:00.000Z');
    expect(flood.end.toISOString()).toBe('2022-09-30T16:00:00.000Z');
    expect(flood.label).toBe('2022年汛期');
  });
});
