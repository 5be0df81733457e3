// The security matrix: a user of community A can neither read nor change
// anything of community B (404, also when guessing IDs), township roles are
// bounded by their township, official-only routes refuse staff, every route
// needs a session and every state-changing route needs the CSRF token.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { login, seedTownship, startApi, type Client, type TestApi, type Township } from './support';

describe('security matrix', () => {
  let api: TestApi;
  let t: Township;
  let other: Township;
  let staffA: Client;
  const b = { subject: '', deduction: '', appeal: '' };

  beforeAll(async () => {
    api = await startApi();
    t = await seedTownship(api.db);
    other = await seedTownship(api.db);
    staffA = await login(api.app, t.users.staffA.username);
    const staffB = await login(api.app, t.users.staffB.username);
    const zhengfa = await login(api.app, t.users.zhengfa.username);
    b.subject = (
      await staffB.post('/api/ledgers', {
        communityId: t.communityB,
        category: 'drug-user',
        kind: 'PERSON',
        displayName: '乙村某人',
        startDate: '2022-01-01',
        details: { notes: '乙村机密' },
      })
    ).json().id;
    b.deduction = (
      await zhengfa.post('/api/incidents', {
        communityId: t.communityB,
        ruleId: 'fire.major-fire',
        occurredOn: '2026-11-02',
        description: '火灾',
        idempotencyKey: randomUUID(),
      })
    ).json().id;
    b.appeal = (await staffB.post(`/api/deductions/${b.deduction}/appeals`, { reason: '非本村责任' })).json().id;
    expect([b.subject, b.deduction, b.appeal].every(Boolean)).toBe(true);
  });
  afterAll(async () => api?.close());

  const xlsx = { 'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' };
  const crossCommunity = () =>
    [
      ['GET', `/api/ledgers/${b.subject}`],
      ['GET', `/api/ledgers/${b.subject}/sensitive`],
      ['PATCH', `/api/ledgers/${b.subject}`, { riskLevel: 'low' }],
      ['POST', `/api/ledgers/${b.subject}/close`, { endDate: '2022-02-01', reason: '试探' }],
      ['GET', `/api/ledgers?communityId=${t.communityB}`],
      ['GET', `/api/ledgers/export?communityId=${t.communityB}`],
      ['POST', `/api/ledgers/import?communityId=${t.communityB}`, Buffer.from('x'), xlsx],
      [
        'POST',
        '/api/ledgers',
        { communityId: t.communityB, category: 'drug-user', kind: 'PERSON', displayName: 'x', startDate: '2022-01-01' },
      ],
      ['GET', `/api/deductions/${b.deduction}`],
      ['POST', `/api/deductions/${b.deduction}/appeals`, { reason: '替乙村申诉' }],
      ['GET', `/api/appeals?communityId=${t.communityB}`],
    ] as const;

  it('staff of A get 404 for every resource of B, by ID or by community', async () => {
    for (const [method, url, payload, headers] of crossCommunity()) {
      const res = await staffA.request({
        method,
        url,
        ...(payload ? { payload: payload as object } : {}),
        ...(headers ? { headers } : {}),
      });
      expect(res.statusCode, `${method} ${url}`).toBe(404);
      expect(res.body).not.toContain('乙村某人');
    }
    expect(await api.db.ledgerSubject.count({ where: { communityId: t.communityB } })).toBe(1);
    expect(await api.db.appeal.count({ where: { deductionId: b.deduction } })).toBe(1);
  });

  it('lists and the scoreboard of staff of A hold nothing of B', async () => {
    for (const url of [
      '/api/ledgers?includeClosed=true',
      '/api/deductions',
      `/api/deductions?communityId=${t.communityB}`,
      '/api/appeals',
      '/api/communities',
      '/api/scoreboard?year=2022',
    ]) {
      const res = await staffA.get(url);
      expect(res.statusCode, url).toBe(200);
      expect(res.body, url).not.toContain(t.communityB);
    }
  });

  it('an area leader of A cannot act on B (404), though officials may reverse and decide', async () => {
    const leader = await login(api.app, t.users.leaderA.username);
    expect((await leader.post(`/api/deductions/${b.deduction}/reversals`, { reason: '越权撤销' })).statusCode).toBe(404);
    expect((await leader.post(`/api/appeals/${b.appeal}/decision`, { decision: 'ACCEPTED', reason: '越权' })).statusCode).toBe(404);
    expect(
      (
        await leader.post('/api/incidents', {
          communityId: t.communityB,
          ruleId: 'stability.petition-province',
          occurredOn: '2026-11-02',
          description: '越权扣分',
          sequence: 1,
        })
      ).statusCode,
    ).toBe(404);
    const secretaryA = await login(api.app, t.users.secretaryA.username);
    expect((await secretaryA.get(`/api/ledgers/${b.subject}/sensitive`)).statusCode).toBe(404);
  });

  it('township officials of another township see nothing of this one', async () => {
    for (const who of [other.users.zhengfa, other.users.admin]) {
      const client = await login(api.app, who.username);
      expect((await client.get(`/api/ledgers/${b.subject}`)).statusCode).toBe(404);
      expect((await client.get(`/api/deductions/${b.deduction}`)).statusCode).toBe(404);
      expect((await client.post(`/api/deductions/${b.deduction}/reversals`, { reason: '越权撤销' })).statusCode).toBe(404);
      expect((await client.get(`/api/scoreboard`)).body).not.toContain(t.communityB);
      expect((await client.get(`/api/audit?entityId=${b.subject}`)).json()).toEqual([]);
    }
    const admin = await login(api.app, other.users.admin.username);
    expect((await admin.post(`/api/users/${t.users.staffA.id}/deactivate`)).statusCode).toBe(404);
    expect(
      (
        await admin.post('/api/users', {
          username: `x${randomUUID().slice(0, 6)}`,
          displayName: 'x',
          role: 'STAFF',
          password: 'long-enough-pw',
          communityIds: [t.communityA],
        })
      ).statusCode,
    ).toBe(400);
  });

  it('guessed IDs that do not exist are 404 too', async () => {
    const zhengfa = await login(api.app, t.users.zhengfa.username);
    for (const url of [`/api/ledgers/${randomUUID()}`, `/api/deductions/${randomUUID()}`])
      expect((await zhengfa.get(url)).statusCode).toBe(404);
    expect((await zhengfa.post(`/api/appeals/${randomUUID()}/decision`, { decision: 'REJECTED', reason: '不存在' })).statusCode).toBe(404);
  });

  it('staff and secretaries cannot call official-only routes (403)', async () => {
    const secretaryA = await login(api.app, t.users.secretaryA.username);
    for (const client of [staffA, secretaryA]) {
      for (const [method, url, payload] of [
        ['GET', '/api/users'],
        ['POST', '/api/users', {}],
        ['POST', `/api/users/${t.users.staffB.id}/deactivate`],
        ['GET', '/api/audit'],
        ['POST', '/api/incidents', {}],
        ['POST', `/api/deductions/${randomUUID()}/reversals`, { reason: '试试' }],
        ['POST', `/api/appeals/${randomUUID()}/decision`, { decision: 'ACCEPTED', reason: '试试' }],
      ] as const) {
        const res = await client.request({ method, url, ...(payload ? { payload } : {}) });
        expect(res.statusCode, `${method} ${url}`).toBe(403);
      }
    }
  });

  const everyRoute = () =>
    [
      ['GET', '/api/auth/me'],
      ['POST', '/api/auth/logout'],
      ['POST', '/api/auth/password'],
      ['GET', '/api/users'],
      ['POST', '/api/users'],
      ['POST', `/api/users/${t.users.staffA.id}/deactivate`],
      ['GET', '/api/communities'],
      ['GET', '/api/ledgers'],
      ['POST', '/api/ledgers'],
      ['GET', '/api/ledgers/export'],
      ['POST', '/api/ledgers/import'],
      ['GET', `/api/ledgers/${b.subject}`],
      ['GET', `/api/ledgers/${b.subject}/sensitive`],
      ['PATCH', `/api/ledgers/${b.subject}`],
      ['POST', `/api/ledgers/${b.subject}/close`],
      ['GET', '/api/deductions'],
      ['GET', `/api/deductions/${b.deduction}`],
      ['POST', `/api/deductions/${b.deduction}/reversals`],
      ['POST', `/api/deductions/${b.deduction}/appeals`],
      ['POST', '/api/incidents'],
      ['GET', '/api/appeals'],
      ['POST', `/api/appeals/${b.appeal}/decision`],
      ['GET', '/api/scoreboard'],
      ['GET', '/api/scoreboard/export'],
      ['GET', '/api/audit'],
    ] as const;

  /** Routes anyone may call: health for probes, login itself, the OpenAPI docs. */
  const PUBLIC = [/^\/api\/health$/, /^\/api\/auth\/login$/, /^\/docs/, /^\/$/, /^\/\*$/];
  /** Every /api route the app registered, path parameters filled with IDs of B or random ones. */
  const registeredRoutes = () =>
    api.app.routeTable
      .filter((r) => !PUBLIC.some((p) => p.test(r.url)))
      .map((r) => ({ method: r.method as 'GET', url: r.url.replace(/:[A-Za-z]+/g, () => randomUUID()) }));

  it('walks every registered route: each needs a session (401), and each write the CSRF token (403)', async () => {
    const routes = registeredRoutes();
    expect(routes.length).toBeGreaterThan(40);
    for (const { method, url } of routes) {
      const res = await api.app.inject({ method, url, payload: {} as object });
      expect(res.statusCode, `${method} ${url}`).toBe(401);
    }
    const admin = await login(api.app, t.users.admin.username);
    for (const { method, url } of routes.filter((r) => r.method !== 'GET')) {
      const res = await admin.request({ method, url, payload: {}, csrf: false });
      expect(res.statusCode, `${method} ${url}`).toBe(403);
      expect(res.json().message, url).toContain('CSRF');
    }
  });

  it('every route needs a session (401)', async () => {
    for (const [method, url] of everyRoute()) {
      const res = await api.app.inject({ method, url, payload: {} as object });
      expect(res.statusCode, `${method} ${url}`).toBe(401);
    }
  });

  it('every state-changing route needs the CSRF header (403), checked before anything else', async () => {
    const admin = await login(api.app, t.users.admin.username);
    for (const [method, url] of everyRoute().filter(([m]) => m !== 'GET')) {
      const res = await admin.request({ method, url, payload: {}, csrf: false });
      expect(res.statusCode, `${method} ${url}`).toBe(403);
      expect(res.json().message, url).toContain('CSRF');
    }
    expect((await api.db.user.findUniqueOrThrow({ where: { id: t.users.staffA.id } })).active).toBe(true);
  });
});
