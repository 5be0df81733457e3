// Issue #13 finding 1: an admin may not give itself (or a name of its choice)
// a role that reads diagnoses. Granting POLITICAL_LEGAL or SECRETARY waits for
// the political-legal official or a second admin; grants are audited by
// username and the political-legal official is notified.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { hashPassword } from '../../db/passwords';
import { login, PASSWORD, seedTownship, startApi, type Client, type TestApi, type Township } from './support';

describe('role grants need a second person', () => {
  let api: TestApi;
  let t: Township;
  let admin: Client;
  let zhengfa: Client;
  let subject: string;

  beforeAll(async () => {
    api = await startApi();
    t = await seedTownship(api.db);
    admin = await login(api.app, t.users.admin.username);
    zhengfa = await login(api.app, t.users.zhengfa.username);
    const secretary = await login(api.app, t.users.secretaryA.username);
    subject = (
      await secretary.post('/api/ledgers', {
        communityId: t.communityA,
        category: 'mental-illness',
        kind: 'PERSON',
        displayName: '某甲',
        startDate: '2022-01-01',
        details: { diagnosis: '精神分裂症' },
      })
    ).json().id;
  });
  afterAll(async () => api?.close());

  const newAccount = (role: 'POLITICAL_LEGAL' | 'SECRETARY' | 'STAFF') => ({
    username: `sock.${randomUUID().slice(0, 6)}`,
    displayName: '冒名政法委员',
    role,
    password: 'long-enough-pw',
    communityIds: role === 'POLITICAL_LEGAL' ? [] : [t.communityA],
  });

  it('an admin creating a POLITICAL_LEGAL account cannot use it to read diagnoses until approved', async () => {
    const body = newAccount('POLITICAL_LEGAL');
    const created = await admin.post('/api/users', body);
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ role: 'POLITICAL_LEGAL', active: false, pendingGrantId: expect.any(String) });
    // The sock puppet cannot log in, so cannot read the diagnosis.
    const res = await api.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: body.username, password: body.password },
    });
    expect(res.statusCode).toBe(401);
    // The admin cannot approve its own request.
    const grantId = created.json().pendingGrantId as string;
    expect((await admin.post(`/api/role-grants/${grantId}/approve`)).statusCode).toBe(403);
    expect((await api.db.user.findUniqueOrThrow({ where: { id: created.json().id } })).active).toBe(false);
  });

  it('the political-legal official is notified, sees the request, and approval gives the role; audited by username', async () => {
    const body = newAccount('SECRETARY');
    const created = (await admin.post('/api/users', body)).json();
    const notices = await api.db.notification.findMany({ where: { userId: t.users.zhengfa.id, event: 'role-grant' } });
    expect(notices.some((n) => n.body.includes(body.username) && n.body.includes(t.users.admin.username))).toBe(true);
    const pending = (await zhengfa.get('/api/role-grants')).json() as Array<{ id: string; username: string }>;
    expect(pending.map((g) => g.username)).toContain(body.username);
    const approved = await zhengfa.post(`/api/role-grants/${created.pendingGrantId}/approve`);
    expect(approved.statusCode, approved.body).toBe(200);
    expect((await zhengfa.post(`/api/role-grants/${created.pendingGrantId}/approve`)).statusCode).toBe(409);
    const sec = await login(api.app, body.username, body.password);
    expect((await sec.get(`/api/ledgers/${subject}/sensitive`)).json().details.diagnosis).toBe('精神分裂症');
    const audit = (await admin.get(`/api/audit?entityId=${created.id}`)).json() as Array<{
      action: string;
      details: Record<string, unknown>;
    }>;
    expect(audit.find((a) => a.action === 'user.role_grant.request')?.details).toMatchObject({
      username: body.username,
      role: 'SECRETARY',
      requestedBy: t.users.admin.username,
    });
    expect(audit.find((a) => a.action === 'user.role_grant.approve')?.details).toMatchObject({
      username: body.username,
      decidedBy: t.users.zhengfa.username,
    });
  });

  it('a second admin may approve; a rejected request leaves the account inactive; other roles need no approval', async () => {
    const second = await api.db.user.create({
      data: {
        townshipId: t.townshipId,
        username: `admin2.${randomUUID().slice(0, 6)}`,
        displayName: '第二管理员',
        role: 'ADMIN',
        passwordHash: await hashPassword(PASSWORD),
      },
    });
    const admin2 = await login(api.app, second.username);
    const a = (await admin.post('/api/users', newAccount('SECRETARY'))).json();
    expect((await admin2.post(`/api/role-grants/${a.pendingGrantId}/approve`)).statusCode).toBe(200);
    expect((await api.db.user.findUniqueOrThrow({ where: { id: a.id } })).active).toBe(true);
    const b = (await admin.post('/api/users', newAccount('POLITICAL_LEGAL'))).json();
    expect((await zhengfa.post(`/api/role-grants/${b.pendingGrantId}/reject`)).statusCode).toBe(200);
    expect((await api.db.user.findUniqueOrThrow({ where: { id: b.id } })).active).toBe(false);
    const staff = (await admin.post('/api/users', newAccount('STAFF'))).json();
    expect(staff).toMatchObject({ active: true, pendingGrantId: null });
    // Staff and secretaries cannot see or decide grants.
    const secretary = await login(api.app, t.users.secretaryA.username);
    expect((await secretary.get('/api/role-grants')).statusCode).toBe(403);
  });
  it('changing a role on the users page (PATCH) goes through the same approval, and a pending account cannot be re-enabled', async () => {
    const staff = (await admin.post('/api/users', newAccount('STAFF'))).json();
    const changed = await admin.patch(`/api/users/${staff.id}`, { role: 'SECRETARY', displayName: '改名' });
    expect(changed.statusCode, changed.body).toBe(200);
    // The name changes at once; the role waits for the political-legal official.
    expect(changed.json()).toMatchObject({ displayName: '改名', role: 'STAFF', pendingGrantId: expect.any(String) });
    expect((await api.db.user.findUniqueOrThrow({ where: { id: staff.id } })).role).toBe('STAFF');

    const puppet = (await admin.post('/api/users', newAccount('POLITICAL_LEGAL'))).json();
    const reenabled = await admin.patch(`/api/users/${puppet.id}`, { active: true });
    expect(reenabled.statusCode).toBe(409);
    expect((await api.db.user.findUniqueOrThrow({ where: { id: puppet.id } })).active).toBe(false);
  });
});
