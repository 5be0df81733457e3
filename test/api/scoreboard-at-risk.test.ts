// "Points at risk this month" on the real scoreboard route, from real
// Obligation rows: the sum of Obligation.points of this month's open or
// submitted obligations whose deadline has not passed, per community.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { monthPeriod } from '../../domain/time/period';
import { shanghaiDateOf } from '../../domain/time/shanghai';
import { login, seedTownship, startApi, type Client, type TestApi, type Township } from './support';

type Status = 'OPEN' | 'SUBMITTED' | 'CLOSED' | 'OVERDUE';

describe('scoreboard: points at risk this month', () => {
  let api: TestApi;
  let t: Township;
  let zhengfa: Client;
  let staffA: Client;
  const now = new Date();
  const { year, month } = shanghaiDateOf(now);
  const { end: monthEnd } = monthPeriod(year, month);
  const minutes = (n: number) => new Date(monthEnd.getTime() + n * 60_000);

  async function obligation(communityId: string, points: number, dueAt: Date, status: Status): Promise<void> {
    const key = `test.at-risk|${communityId}|${randomUUID()}`;
    await api.db.obligation.create({
      data: {
        businessKey: key,
        ruleId: 'test.at-risk',
        rulebookVersion: 'test',
        communityId,
        periodKey: `${year}-${month}`,
        periodLabel: `${year}年${month}月`,
        kind: 'task',
        section: 1,
        title: '测试义务',
        points,
        status,
        opensAt: new Date(now.getTime() - 86_400_000),
        dueAt,
        workflowId: key,
      },
    });
  }

  beforeAll(async () => {
    api = await startApi();
    t = await seedTownship(api.db);
    // Community A: 2 + 1.5 + 0.5 = 4 points in 3 obligations at risk.
    await obligation(t.communityA, 2, minutes(-1), 'OPEN');
    // A monthly deadline is the instant the month ends (00:00 of the 1st): still this month's.
    await obligation(t.communityA, 1.5, monthEnd, 'OPEN');
    await obligation(t.communityA, 0.5, minutes(-2), 'SUBMITTED');
    // Not at risk: deadline passed, closed, overdue (already deducted), next month's.
    await obligation(t.communityA, 3, new Date(now.getTime() - 60_000), 'OPEN');
    await obligation(t.communityA, 4, monthEnd, 'CLOSED');
    await obligation(t.communityA, 6, monthEnd, 'OVERDUE');
    await obligation(t.communityA, 5, minutes(24 * 60), 'OPEN');
    // Community B's own.
    await obligation(t.communityB, 7, monthEnd, 'OPEN');
    zhengfa = await login(api.app, t.users.zhengfa.username);
    staffA = await login(api.app, t.users.staffA.username);
  });
  afterAll(async () => {
    await api?.close();
  });

  it('sums the points of open obligations not yet due this month, per community, with their count', async () => {
    const res = await zhengfa.get(`/api/scoreboard?year=${year}&month=${month}`);
    expect(res.statusCode, res.body).toBe(200);
    const rows = res.json().communities as Array<{ id: string; openObligationsThisMonth: number; pointsAtRiskThisMonth: number }>;
    expect(rows.find((c) => c.id === t.communityA)).toMatchObject({ openObligationsThisMonth: 3, pointsAtRiskThisMonth: 4 });
    expect(rows.find((c) => c.id === t.communityB)).toMatchObject({ openObligationsThisMonth: 1, pointsAtRiskThisMonth: 7 });
  });

  it('shows a community user their own figure only', async () => {
    const rows = (await staffA.get('/api/scoreboard')).json().communities as Array<{ id: string; pointsAtRiskThisMonth: number }>;
    expect(rows.map((c) => [c.id, c.pointsAtRiskThisMonth])).toEqual([[t.communityA, 4]]);
  });

  it('refuses a month that does not exist with 400 naming it', async () => {
    const res = await zhengfa.get(`/api/scoreboard?year=${year}&month=13`);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ error: 'validation_failed', message: expect.stringContaining('月份应为 1-12') });
  });

  it('has nothing at risk in a month that is over', async () => {
    const past = month === 1 ? { year: year - 1, month: 12 } : { year, month: month - 1 };
    const rows = (await zhengfa.get(`/api/scoreboard?year=${past.year}&month=${past.month}`)).json().communities as Array<{
      pointsAtRiskThisMonth: number;
      openObligationsThisMonth: number;
    }>;
    expect(rows.map((c) => [c.openObligationsThisMonth, c.pointsAtRiskThisMonth])).toEqual([
      [0, 0],
      [0, 0],
    ]);
  });
});
