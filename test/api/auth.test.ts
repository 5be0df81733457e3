import { permissionsOf } from '../../domain/policy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, PASSWORD, seedTownship, startApi, type TestApi, type Township } from './support';

describe('accounts: login, sessions, CSRF, password change, lockout', () => {
  let api: TestApi;
  let t: Township;
  beforeAll(async () => {
    api = await startApi({ loginRateLimit: { max: 1000, timeWindow: 60_000 } });
    t = await seedTownship(api.db);
  });
  afterAll(async () => api?.close());

  it('logs in with a secure HTTP-only SameSite=Strict cookie and stores only the SHA-256 of the token', async () => {
    const res = await api.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: t.users.staffA.username, password: PASSWORD },
    });
    expect(res.statusCode).toBe(200);
    const cookie = res.cookies.find((c) => c.name === 'duban_session')!;
    expect(cookie).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Strict', path: '/' });
    expect(res.json().csrfToken).toMatch(/^[\w-]{40,}$/);
    const sessions = await api.db.session.findMany({ where: { userId: t.users.staffA.id } });
    expect(sessions.some((s) => s.tokenHash === cookie.value)).toBe(false);
    const { createHash } = await import('node:crypto');
    expect(sessions.some((s) => s.tokenHash === createHash('sha256').update(cookie.value).digest('hex'))).toBe(true);
  });

  it('GET /me returns the user, role, communities in scope and the CSRF token', async () => {
    const client = await login(api.app, t.users.leaderA.username);
    const res = await client.get('/api/auth/me');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      user: { username: t.users.leaderA.username, role: 'AREA_LEADER' },
      communities: [{ id: t.communityA }],
      csrfToken: client.csrf,
    });
    const zf = await (await login(api.app, t.users.zhengfa.username)).get('/api/auth/me');
    expect(
      zf
        .json()
        .communities.map((c: { id: string }) => c.id)
        .sort(),
    ).toEqual([t.communityA, t.communityB].sort());
    // The permissions are the policy's, for the caller's role: the web shows or hides by these.
    expect(res.json().permissions).toEqual(permissionsOf('AREA_LEADER'));
    expect(res.json().permissions).toContain('tasks.review');
    expect(zf.json().permissions).toContain('audit.read');
    expect(res.json().permissions).not.toContain('audit.read');
  });

  it('rejects a wrong password, an unknown user and a missing session with clear messages', async () => {
    const wrong = await api.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: t.users.secretaryB.username, password: 'nope' },
    });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().message).toContain('用户名或密码错误');
    const unknown = await api.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'nobody-here', password: 'nope' },
    });
    expect(unknown.statusCode).toBe(401);
    expect(unknown.json().message).toBe(wrong.json().message);
    const anonymous = await api.app.inject({ method: 'GET', url: '/api/auth/me' });
    expect(anonymous.statusCode).toBe(401);
    const bogus = await api.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: 'duban_session=forged' } });
    expect(bogus.statusCode).toBe(401);
  });

  it('refuses a state-changing request without the CSRF header with 403', async () => {
    const client = await login(api.app, t.users.staffA.username);
    const res = await client.request({ method: 'POST', url: '/api/auth/logout', csrf: false });
    expect(res.statusCode).toBe(403);
    expect(res.json().message).toContain('x-csrf-token');
    const wrong = await client.request({
      method: 'POST',
      url: '/api/auth/logout',
      csrf: false,
      headers: { 'x-csrf-token': 'x'.repeat(43) },
    });
    expect(wrong.statusCode).toBe(403);
    expect((await client.get('/api/auth/me')).statusCode).toBe(200);
  });

  it('logout ends the session', async () => {
    const client = await login(api.app, t.users.staffA.username);
    expect((await client.post('/api/auth/logout')).statusCode).toBe(200);
    expect((await client.get('/api/auth/me')).statusCode).toBe(401);
  });

  it('changes the password only with the current one and at least 10 characters, ending other sessions', async () => {
    const other = await login(api.app, t.users.secretaryA.username);
    const client = await login(api.app, t.users.secretaryA.username);
    expect(
      (await client.post('/api/auth/password', { currentPassword: 'wrong-password', newPassword: 'a-new-password-1' })).statusCode,
    ).toBe(400);
    const short = await client.post('/api/auth/password', { currentPassword: PASSWORD, newPassword: 'short' });
    expect(short.statusCode).toBe(400);
    expect(short.json().message).toContain('10');
    expect((await client.post('/api/auth/password', { currentPassword: PASSWORD, newPassword: 'a-new-password-1' })).statusCode).toBe(200);
    expect((await client.get('/api/auth/me')).statusCode).toBe(200);
    expect((await other.get('/api/auth/me')).statusCode).toBe(401);
    await expect(login(api.app, t.users.secretaryA.username)).rejects.toThrow('401');
    await login(api.app, t.users.secretaryA.username, 'a-new-password-1');
    expect(await api.db.auditLog.count({ where: { action: 'auth.password_changed', entityId: t.users.secretaryA.id } })).toBe(1);
  });

  const attempt = (username: string, password: string, remoteAddress = '10.1.1.1') =>
    api.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password }, remoteAddress });

  it('slows guessing down after 5 wrong passwords, unknown usernames exactly like known ones, and an admin can lift it', async () => {
    const known = t.users.staffB.username;
    const unknown = `nobody.${known}`;
    for (let i = 1; i <= 5; i += 1) {
      const [a, b] = [await attempt(known, `wrong-${i}`), await attempt(unknown, `wrong-${i}`)];
      expect([a.statusCode, b.statusCode]).toEqual([401, 401]);
      expect(a.json()).toEqual(b.json());
    }
    // The sixth try comes too soon: both names answer the same delay, even the right password.
    const [a, b] = [await attempt(known, PASSWORD), await attempt(unknown, 'wrong-6')];
    expect([a.statusCode, b.statusCode]).toEqual([429, 429]);
    expect(a.json()).toEqual(b.json());
    expect(a.json().message).toMatch(/1 秒后再试/);
    expect(await api.db.auditLog.count({ where: { action: 'auth.login_failed', entityId: t.users.staffB.id } })).toBe(5);
    // The admin sees the delay on the account.
    const admin = await login(api.app, t.users.admin.username);
    const listed = ((await admin.get('/api/users')).json() as Array<{ id: string; lockedUntil: string | null }>).find(
      (u) => u.id === t.users.staffB.id,
    )!;
    expect(listed.lockedUntil).not.toBeNull();
    // Another address is not held up: nobody can keep someone else out.
    await login(api.app, known, PASSWORD, '10.2.2.2');
    // The admin lifts the delay for the first address too.
    expect((await admin.post(`/api/users/${t.users.staffB.id}/unlock`)).statusCode).toBe(200);
    await login(api.app, known, PASSWORD, '10.1.1.1');
  });

  it('counts guesses of the current password on a password change', async () => {
    const client = await login(api.app, t.users.secretaryB.username);
    for (let i = 1; i <= 5; i += 1)
      expect((await client.post('/api/auth/password', { currentPassword: `wrong-${i}`, newPassword: 'a-new-password-1' })).statusCode).toBe(
        400,
      );
    const sixth = await client.post('/api/auth/password', { currentPassword: PASSWORD, newPassword: 'a-new-password-1' });
    expect(sixth.statusCode).toBe(429);
    expect(sixth.json().message).toContain('秒后再试');
    expect(await api.db.auditLog.count({ where: { action: 'auth.password_wrong', entityId: t.users.secretaryB.id } })).toBe(5);
    await login(api.app, t.users.secretaryB.username); // unchanged
  });

  it('a deactivated user loses open sessions, and its right password answers exactly like a wrong one', async () => {
    const staff = await login(api.app, t.users.leaderA.username);
    const admin = await login(api.app, t.users.admin.username);
    expect((await admin.post(`/api/users/${t.users.leaderA.id}/deactivate`)).statusCode).toBe(200);
    expect((await staff.get('/api/auth/me')).statusCode).toBe(401);
    const right = await attempt(t.users.leaderA.username, PASSWORD, '10.3.3.3');
    const wrong = await attempt(t.users.leaderA.username, 'wrong-password', '10.3.3.3');
    expect(right.statusCode).toBe(401);
    expect(right.json()).toEqual(wrong.json());
  });
});

describe('per-IP rate limit on login', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startApi({ loginRateLimit: { max: 3, timeWindow: 60_000 } });
  });
  afterAll(async () => api?.close());

  it('answers 429 in Chinese and English after the limit, per address', async () => {
    const attempt = (ip: string) =>
      api.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'nobody', password: 'x' }, remoteAddress: ip });
    for (let i = 0; i < 3; i += 1) expect((await attempt('10.0.0.1')).statusCode).toBe(401);
    const limited = await attempt('10.0.0.1');
    expect(limited.statusCode).toBe(429);
    expect(limited.json().message).toMatch(/频繁/);
    expect((await attempt('10.0.0.2')).statusCode).toBe(401);
  });
});
