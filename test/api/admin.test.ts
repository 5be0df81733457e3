import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { login, seedTownship, startApi, type Client, type TestApi, type Township } from './support';

describe('admin: users, communities and the audit log', () => {
  let api: TestApi;
  let t: Township;
  let admin: Client;
  beforeAll(async () => {
    api = await startApi();
    t = await seedTownship(api.db);
    admin = await login(api.app, t.users.admin.username);
  });
  afterAll(async () => api?.close());

  it('lists the township users with roles and memberships, never password hashes', async () => {
    const res = await admin.get('/api/users');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toHaveLength(7);
    expect(res.json()).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: t.users.staffA.id, role: 'STAFF', communityIds: [t.communityA], active: true }),
      ]),
    );
    expect(res.body).not.toContain('argon2');
  });

  it('creates a user who can then log in; validates role memberships, password and username', async () => {
    const username = `new.${randomUUID().slice(0, 8)}`;
    const body = { username, displayName: '新网格员', role: 'STAFF', password: 'initial-password', communityIds: [t.communityB] };
    const created = await admin.request({ method: 'POST', url: '/api/users', payload: body, remoteAddress: '10.9.9.9' });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ username, role: 'STAFF', communityIds: [t.communityB] });
    const me = (await (await login(api.app, username, 'initial-password')).get('/api/auth/me')).json();
    expect(me.communities.map((c: { id: string }) => c.id)).toEqual([t.communityB]);
    expect((await admin.post('/api/users', body)).statusCode).toBe(409);
    expect((await admin.post('/api/users', { ...body, username: `${username}x`, communityIds: [] })).statusCode).toBe(400);
    expect((await admin.post('/api/users', { ...body, username: `${username}y`, password: 'short' })).statusCode).toBe(400);
    expect((await admin.post('/api/users', { ...body, username: '名字' })).statusCode).toBe(400);
    expect((await admin.post('/api/users', { ...body, username: `${username}z`, communityIds: [randomUUID()] })).statusCode).toBe(400);
    const audit = (await admin.get(`/api/audit?action=user.create&entityId=${created.json().id}`)).json();
    expect(audit).toEqual([expect.objectContaining({ actorId: t.users.admin.id, ip: '10.9.9.9', entity: 'User' })]);
  });

  it('deactivates (never deletes) a user; not oneself', async () => {
    expect((await admin.post(`/api/users/${t.users.admin.id}/deactivate`)).statusCode).toBe(400);
    const res = await admin.post(`/api/users/${t.users.secretaryB.id}/deactivate`);
    expect(res.statusCode).toBe(200);
    expect(res.json().active).toBe(false);
    expect(await api.db.user.count({ where: { id: t.users.secretaryB.id } })).toBe(1);
    expect((await admin.post(`/api/users/${randomUUID()}/deactivate`)).statusCode).toBe(404);
  });

  it('lists communities in scope', async () => {
    const all = (await admin.get('/api/communities')).json() as Array<{ id: string }>;
    expect(all.map((c) => c.id).sort()).toEqual([t.communityA, t.communityB].sort());
    const staff = await login(api.app, t.users.staffA.username);
    expect((await staff.get('/api/communities')).json()).toEqual([expect.objectContaining({ id: t.communityA, memberCount: 3 })]);
  });

  it("an admin sets where a community office is (shown as each photo's distance on the review page); bad degrees are refused in Chinese; audited", async () => {
    const put = (client: Client, id: string, location: unknown) =>
      client.request({ method: 'PUT', url: `/api/communities/${id}/location`, payload: { location } });
    const set = await put(admin, t.communityA, { lat: 30.25315, lon: 120.16667 });
    expect(set.statusCode, set.body).toBe(200);
    expect(set.json()).toEqual({ location: { lat: 30.25315, lon: 120.16667 } });
    const listed = ((await admin.get('/api/communities')).json() as Array<{ id: string; location: unknown }>).find(
      (c) => c.id === t.communityA,
    );
    expect(listed?.location).toEqual({ lat: 30.25315, lon: 120.16667 });
    for (const bad of [
      { lat: 91, lon: 120 },
      { lat: 30, lon: 181 },
      { lat: '三十', lon: 120 },
    ]) {
      const refused = await put(admin, t.communityA, bad);
      expect(refused.statusCode).toBe(400);
      expect(refused.json().message).toMatch(/纬度|经度/);
    }
    const staff = await login(api.app, t.users.staffA.username);
    expect((await put(staff, t.communityA, { lat: 0, lon: 0 })).statusCode).toBe(403);
    expect((await put(admin, randomUUID(), { lat: 0, lon: 0 })).statusCode).toBe(404);
    expect((await put(admin, t.communityB, null)).json()).toEqual({ location: null });
    const audit = (await admin.get(`/api/audit?action=community.location&entityId=${t.communityA}`)).json();
    expect(audit).toEqual([
      expect.objectContaining({
        actorId: t.users.admin.id,
        details: { before: { lat: null, lon: null }, after: { lat: 30.25315, lon: 120.16667 } },
      }),
    ]);
  });

  it('audit log: filters by actor, action and time; political-legal may read it; logins and writes are there', async () => {
    const zhengfa = await login(api.app, t.users.zhengfa.username);
    await api.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: t.users.staffB.username, password: 'wrong' } });
    const logins = (await zhengfa.get(`/api/audit?actorId=${t.users.zhengfa.id}&action=auth.login`)).json();
    expect(logins.length).toBeGreaterThanOrEqual(1);
    expect(logins[0]).toMatchObject({ actorName: expect.stringContaining('zhengfa'), ip: '127.0.0.1' });
    const failed = (await zhengfa.get(`/api/audit?action=auth.login_failed&entityId=${t.users.staffB.id}`)).json();
    expect(failed).toHaveLength(1);
    const future = (await zhengfa.get(`/api/audit?from=${encodeURIComponent(new Date(Date.now() + 3600_000).toISOString())}`)).json();
    expect(future).toEqual([]);
    const page = (await zhengfa.get('/api/audit?limit=2')).json() as Array<{ id: string }>;
    expect(page).toHaveLength(2);
    const next = (await zhengfa.get(`/api/audit?limit=2&before=${page[1]!.id}`)).json() as Array<{ id: string }>;
    expect(BigInt(next[0]!.id)).toBeLessThan(BigInt(page[1]!.id));
    expect((await zhengfa.get('/api/audit?from=yesterday')).statusCode).toBe(400);
  });

  it('documents every route with its schemas in /docs', async () => {
    const res = await api.app.inject({ method: 'GET', url: '/docs/json' });
    expect(res.statusCode).toBe(200);
    const paths = Object.keys(res.json().paths);
    for (const p of [
      '/api/auth/login',
      '/api/ledgers/{id}/sensitive',
      '/api/incidents/',
      '/api/appeals/{id}/decision',
      '/api/scoreboard/export',
      '/api/audit/',
    ]) {
      expect(paths, p).toContain(p);
    }
  });
});
