import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateObligations } from '../obligations/generate';
import type { LedgerSubject } from '../obligations/types';
import { parseRulebook } from '../rulebook/parse';
import { civilDate, startOfDay } from '../time/shanghai';
import { yearPeriod } from '../time/period';
import { adminWindowDefinition, adminWindowId, adminWindowProblems } from './admin-windows';
import { sensitiveWindowsInYear } from './sensitive-windows';

const rulebook = parseRulebook(readFileSync(new URL('../../rulebooks/2022.yaml', import.meta.url), 'utf8'), 'rulebooks/2022.yaml');
const community = { id: 'c-qinglong' };
const petitioners: LedgerSubject[] = [
  { id: 'p-1', category: 'petitioner', startDate: '2020-05-01' },
  // leaves the ledger before the added window
  { id: 'p-2', category: 'petitioner', startDate: '2020-05-01', endDate: '2022-06-30' },
];
const row = { id: '8f14e45f-ceea-467f-a0e6-7a1a5b2c3d4e', name: '县两会', startsOn: '2022-07-10', endsOn: '2022-07-14' };
const added = [adminWindowDefinition(row)];
const year = yearPeriod(2022);

describe('admin-added sensitive windows', () => {
  it('get a stable id from the row id, never from the name', () => {
    expect(adminWindowId(row.id)).toBe('admin-8f14e45fceea');
    expect(adminWindowDefinition({ ...row, name: '改名' }).id).toBe('admin-8f14e45fceea');
  });

  it('exist in their own year only, with the dates as stored (end inclusive)', () => {
    const [w] = sensitiveWindowsInYear(added, 2022);
    expect(w).toMatchObject({ id: 'admin-8f14e45fceea', firstDay: civilDate(2022, 7, 10), lastDay: civilDate(2022, 7, 14) });
    expect(w!.period.key).toBe('2022-admin-8f14e45fceea');
    expect(w!.period.end.toISOString()).toBe(startOfDay(civilDate(2022, 7, 15)).toISOString());
    expect(sensitiveWindowsInYear(added, 2023)).toEqual([]);
  });

  it('owe one-on-one control per petitioner on the ledger for rules with windows: all, and nothing for rules naming their windows', () => {
    const withAdded = generateObligations({
      rulebook,
      community,
      subjects: petitioners,
      addedWindows: added,
      from: year.start,
      to: year.end,
    });
    const without = generateObligations({ rulebook, community, subjects: petitioners, from: year.start, to: year.end });
    const extra = withAdded.filter((i) => !without.some((j) => j.key === i.key));
    expect(extra.map((i) => i.key)).toEqual(['stability.window-control|c-qinglong|2022-admin-8f14e45fceea|p-1']);
    const [control] = extra;
    expect(control!.opensAt.toISOString()).toBe('2022-07-09T16:00:00.000Z'); // 00:00 on 10 July, Shanghai
    expect(control!.dueAt.toISOString()).toBe('2022-07-14T16:00:00.000Z'); // end of 14 July
    expect(control!.periodLabel).toBe('2022年县两会敏感期');
    expect(control!.deduction.key).toBe('stability.window-control|c-qinglong|2022-admin-8f14e45fceea');
    // fraud.holiday-publicity names national-day and spring-festival: an added window does not widen it.
    expect(withAdded.filter((i) => i.ruleId === 'fraud.holiday-publicity')).toEqual(
      without.filter((i) => i.ruleId === 'fraud.holiday-publicity'),
    );
  });

  it('belong to the range in which they open, like every other window', () => {
    const opens = startOfDay(civilDate(2022, 7, 10));
    const day = (from: Date, to: Date) =>
      generateObligations({ rulebook, community, subjects: petitioners, addedWindows: added, from, to }).filter(
        (i) => i.periodKey === '2022-admin-8f14e45fceea',
      );
    expect(day(opens, startOfDay(civilDate(2022, 7, 11)))).toHaveLength(1);
    expect(day(startOfDay(civilDate(2022, 7, 11)), year.end)).toHaveLength(0);
  });

  it('never displace a rulebook window that has the same id', () => {
    const clash = [{ id: 'national-day', name: '假国庆', start: { date: '2022-07-01' }, end: { date: '2022-07-02' } }];
    const keys = generateObligations({
      rulebook,
      community,
      subjects: petitioners,
      addedWindows: clash,
      from: year.start,
      to: year.end,
    }).filter((i) => i.periodKey === '2022-national-day' && i.ruleId === 'stability.window-control');
    expect(keys.map((i) => i.opensAt.toISOString())).toEqual(['2022-09-27T16:00:00.000Z']);
  });

  it('are checked before saving: order, length, one year, not over', () => {
    const today = civilDate(2026, 11, 27);
    expect(adminWindowProblems({ name: '节点', startsOn: '2026-12-01', endsOn: '2026-12-05' }, today)).toEqual([]);
    expect(adminWindowProblems({ name: '节点', startsOn: '2026-11-20', endsOn: '2026-11-27' }, today)).toEqual([]); // still running today
    expect(adminWindowProblems({ name: '节点', startsOn: '2026-12-05', endsOn: '2026-12-01' }, today)).toEqual([
      '开始日期 2026-12-05 晚于结束日期 2026-12-01，请调换或改正日期',
    ]);
    expect(adminWindowProblems({ name: '节点', startsOn: '2026-12-01', endsOn: '2026-12-31' }, today)).toEqual([]); // 31 days
    expect(adminWindowProblems({ name: '节点', startsOn: '2026-12-01', endsOn: '2027-01-01' }, today)).toEqual([
      '时间节点最长 31 天（当前 32 天）；更长的专项工作请拆成几个节点',
      '时间节点不能跨年（2026-12-01 至 2027-01-01）；请按年份拆成两个节点',
    ]);
    expect(adminWindowProblems({ name: '节点', startsOn: '2026-11-01', endsOn: '2026-11-26' }, today)).toEqual([
      '结束日期 2026-11-26 已过（今天 2026-11-27），已结束的节点不再安排管控任务',
    ]);
  });
});
