// A real overload on loopback: far more concurrent requests than the gate
// admits. The excess is answered 503 with Retry-After and a Chinese message,
// never 500, and the API serves normally again right after.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, seedTownship, startApi, type TestApi } from './support';

describe('overload', () => {
  let api: TestApi;
  let base: string;
  let cookie: string;

  beforeAll(async () => {
    api = await startApi({ overload: { maxInFlight: 2, maxQueued: 2, maxWaitMs: 200, retryAfterS: 3 } });
    const t = await seedTownship(api.db);
    cookie = (await login(api.app, t.users.zhengfa.username)).cookie;
    await api.app.listen({ host: '127.0.0.1', port: 0 });
    const address = api.app.server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  }, 60_000);
  afterAll(async () => api?.close());

  it('answers the excess 503 with Retry-After instead of 500', async () => {
    const month = new Date().toISOString().slice(0, 7);
    const urls = ['/api/scoreboard', `/api/heatmap?month=${month}`, '/api/deductions', '/api/tasks?scope=all'];
    const responses = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        fetch(base + urls[i % urls.length], { headers: { cookie } }).then(async (r) => ({
          status: r.status,
          retryAfter: r.headers.get('retry-after'),
          body: (await r.json()) as { message?: string },
        })),
      ),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s !== 200 && s !== 503)).toEqual([]);
    const refused = responses.filter((r) => r.status === 503);
    expect(refused.length).toBeGreaterThan(0);
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThan(0);
    for (const r of refused) {
      expect(r.retryAfter).toBe('3');
      expect(r.body.message).toMatch(/^系统繁忙，请稍后再试/);
    }
    // Every slot was given back: a request after the burst is served.
    expect((await fetch(`${base}/api/deductions`, { headers: { cookie } })).status).toBe(200);
    // Health is never gated (it may still say 503 itself when a dependency is down: not the gate's answer).
    expect(((await (await fetch(`${base}/api/health`)).json()) as { error?: string }).error).not.toBe('overloaded');
  }, 60_000);

  it('gives the slot back when a client hangs up while waiting in the queue', async () => {
    // Bursts of requests abandoned a moment after they were sent: some are running, some queued, some refused.
    for (let round = 0; round < 10; round++) {
      const hangUp = new AbortController();
      const burst = Array.from({ length: 8 }, () =>
        fetch(`${base}/api/scoreboard`, { headers: { cookie }, signal: hangUp.signal }).then(
          (r) => r.arrayBuffer(),
          () => undefined,
        ),
      );
      await new Promise((resolve) => setTimeout(resolve, 3));
      hangUp.abort();
      await Promise.all(burst);
    }
    // Let every request the server still holds finish, then the API must serve as before.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const after = [];
    for (let i = 0; i < 4; i++) after.push((await fetch(`${base}/api/deductions`, { headers: { cookie } })).status);
    expect(after).toEqual([200, 200, 200, 200]);
  }, 60_000);
});
