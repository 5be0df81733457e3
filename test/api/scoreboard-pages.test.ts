// The ranking a page at a time and the drill-down, through the real routes,
// with the cached scoreboard of production (the change feed live): a write by
// another process (the worker, here a second connection) shows on the next
// reads without any request to this API.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addToTally } from '../../db/score-tally';
import { eventually } from '../support/eventually';
import { login, seedTownship, startApi, type Client, type TestApi, type Township } from './support';

describe('scoreboard pages and drill-down', () => {
  let api: TestApi;
  let t: Township;
  let zhengfa: Client;
  let staff: Client;
  const extra: string[] = [];

  beforeAll(async () => {
    api = await startApi();
    t = await seedTownship(api.db);
    for (const n of [1, 2, 3]) {
      extra.push(
        (
          await api.db.community.create({
            data: { townshipId: t.townshipId, code: `z-${n}-${t.townshipId.slice(0, 6)}`, name: `第${n}村` },
          })
        ).id,
      );
    }
    // 2022: A loses 5, B 2, the first extra village 1; the others none.
    await api.db.$transaction(async (tx) => {
      for (const [communityId, ruleId, points] of [
        [t.communityA, 'stability.petition-beijing', 5],
        [t.communityB, 'general.county-notice', 2],
        [extra[0]!, 'drugs.publicity', 1],
      ] as const) {
        await addToTally(tx, { communityId, ruleId, occurredAt: new Date('2022-03-10T02:00:00Z'), points, sign: 1 });
      }
    });
    zhengfa = await login(api.app, t.users.zhengfa.username);
    staff = await login(api.app, t.users.staffA.username);
  });
  afterAll(async () => api?.close());

  it('pages the ranking best first, each ranked township-wide', async () => {
    const first = (await zhengfa.get('/api/scoreboard?year=2022&month=12&limit=2')).json();
    expect(first).toMatchObject({ inScope: 5, offset: 0, rankOutOf: 5 });
    expect(first.communities.map((c: { total: number; rank: number }) => [c.total, c.rank])).toEqual([
      [100, 1],
      [100, 1],
    ]);
    const last = (await zhengfa.get('/api/scoreboard?year=2022&month=12&limit=2&offset=4')).json();
    expect(last.communities).toEqual([expect.objectContaining({ id: t.communityA, total: 95, rank: 5 })]);
    const all = (await zhengfa.get('/api/scoreboard?year=2022&month=12')).json();
    expect(all.communities.map((c: { rank: number }) => c.rank)).toEqual([1, 1, 3, 4, 5]);
    expect((await zhengfa.get('/api/scoreboard?limit=0')).statusCode).toBe(400);
    expect((await zhengfa.get('/api/scoreboard?limit=501')).json().message).toContain('每页最多 500');
  });

  it('answers 总览 in one request: the heatmap and ranking as their own routes give them, and each month-end total', async () => {
    const res = await zhengfa.get('/api/overview?year=2022');
    expect(res.statusCode, res.body).toBe(200);
    const overview = res.json();
    // A past year without a month: its December.
    expect(overview).toMatchObject({ year: 2022, month: 12 });
    const { month: _month, ...heatmap } = (await zhengfa.get('/api/heatmap?month=2022-12')).json();
    expect(overview.heatmap).toMatchObject(heatmap);
    const board = (await zhengfa.get('/api/scoreboard?year=2022&month=12')).json();
    expect(overview.scoreboard.communities).toEqual(board.communities);
    expect(overview.trend.baseScore).toBe(board.baseScore);
    // A lost 5 points in March 2022.
    const a = overview.trend.series.find((s: { id: string }) => s.id === t.communityA);
    expect(a.points[1]).toEqual({ month: 2, total: 100 });
    expect(a.points[2]).toEqual({ month: 3, total: 95 });
    expect(a.points.at(-1)).toEqual({ month: 12, total: 95 });
    expect((await zhengfa.get('/api/overview?month=13')).statusCode).toBe(400);
  });

  it('drills into one community of the caller’s scope only', async () => {
    const own = await staff.get(`/api/scoreboard/communities/${t.communityA}?year=2022&month=12`);
    expect(own.statusCode, own.body).toBe(200);
    expect(own.json().community).toMatchObject({ id: t.communityA, total: 95, rank: 5, ytdDeducted: 5 });
    expect(own.json().community.clauses).toEqual([
      expect.objectContaining({ clauseId: 'stability.petition-beijing', count: 1, ytdDeducted: 5 }),
    ]);
    const other = await staff.get(`/api/scoreboard/communities/${t.communityB}?year=2022&month=12`);
    expect(other.statusCode).toBe(404);
    expect(other.body).not.toContain('乙村');
  });

  it('answers 总览 with the ranking and trend of the scoreboard, every field the response contract names kept', async () => {
    const res = await zhengfa.get('/api/overview?year=2022&month=12');
    expect(res.statusCode, res.body).toBe(200);
    const o = res.json();
    const board = (await zhengfa.get('/api/scoreboard?year=2022&month=12')).json();
    // The same first page of the ranking, field for field (otherDeducted included: the schema is not a filter that loses any).
    expect(o).toMatchObject({ year: 2022, month: 12, scoreboard: board });
    expect(Object.keys(o.scoreboard.communities[0]).sort()).toEqual(Object.keys(board.communities[0]).sort());
    expect(o.trend.baseScore).toBe(board.baseScore);
    expect(o.trend.series).toEqual(
      board.communities.map((c: { id: string; name: string; totalByMonth: number[] }) => ({
        id: c.id,
        name: c.name,
        points: c.totalByMonth.map((total, i) => ({ month: i + 1, total })),
      })),
    );
    expect(o.trend.series.find((s: { id: string }) => s.id === t.communityA).points.at(-1)).toEqual({ month: 12, total: 95 });
    expect(o.heatmap).toMatchObject({ month: '2022-12', page: { number: 1, communities: 5 } });
  });

  it('shows a write committed elsewhere on the next reads (no stale cache)', async () => {
    const read = async () =>
      (await staff.get(`/api/scoreboard/communities/${t.communityA}?year=2022&month=12`)).json().community.total as number;
    expect(await read()).toBe(95);
    expect(await read()).toBe(95); // served from the cache: nothing changed
    // A reversal written by another process: the tally loses the deduction.
    await api.db.$transaction((tx) =>
      addToTally(tx, {
        communityId: t.communityA,
        ruleId: 'stability.petition-beijing',
        occurredAt: new Date('2022-03-10T02:00:00Z'),
        points: 5,
        sign: -1,
      }),
    );
    expect(
      await eventually(read, { done: (total) => total === 100, timeoutMs: 5_000, intervalMs: 20, what: 'the reversal on the scoreboard' }),
    ).toBe(100);
    const board = (await zhengfa.get('/api/scoreboard?year=2022&month=12')).json();
    expect(board.communities.find((c: { id: string }) => c.id === t.communityA)).toMatchObject({ total: 100, rank: 1 });
  });
});
