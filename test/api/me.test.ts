import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, seedTownship, startApi, type Client, type TestApi, type Township } from './support';
import { recipientDirectory } from '../../db/recipient-directory';
import { notifyConfigSchema } from '../../notify';

describe('my settings: contact details and notification preferences', () => {
  let api: TestApi;
  let t: Township;
  let staff: Client;
  beforeAll(async () => {
    api = await startApi();
    t = await seedTownship(api.db);
    staff = await login(api.app, t.users.staffA.username);
  });
  afterAll(async () => api?.close());

  const put = (client: Client, payload: object) => client.request({ method: 'PUT', url: '/api/me/settings', payload });

  it('shows the role default route when the user has chosen nothing', async () => {
    const res = await staff.get('/api/me/settings');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      mobile: null,
      email: null,
      preferences: {},
      roleDefaults: { routine: ['robot', 'sms', 'email'], escalation: ['robot', 'sms', 'email'], digest: false },
      reachToday: { routine: [], escalation: [] }, // nothing set up here and no contact details: the page warns
    });
    const leader = await login(api.app, t.users.leaderA.username);
    expect((await leader.get('/api/me/settings')).json().roleDefaults.digest).toBe(true);
  });

  it('says which media reach me today: an email address is used by default once mail is set up', async () => {
    const withMail = await startApi({
      notify: notifyConfigSchema.parse({ smtp: { host: '127.0.0.1', port: 25, secure: false, from: 'duban@duban.test', timeoutMs: 1000 } }),
    });
    try {
      const other = await seedTownship(withMail.db);
      const client = await login(withMail.app, other.users.staffA.username);
      expect((await client.get('/api/me/settings')).json().reachToday).toEqual({ routine: [], escalation: [] });
      const saved = await client.request({ method: 'PUT', url: '/api/me/settings', payload: { email: 'wang@example.cn' } });
      expect(saved.statusCode, saved.body).toBe(200);
      expect(saved.json().reachToday).toEqual({ routine: ['email'], escalation: ['email'] });
    } finally {
      await withMail.close();
    }
  });

  it('saves a mobile number and SMS first; the notification directory then routes by it; the audit names the change, not the number', async () => {
    const res = await put(staff, { mobile: '13800138000', preferences: { order: ['sms', 'robot'], disabled: ['email'] } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ mobile: '13800138000', preferences: { order: ['sms', 'robot'], disabled: ['email'] } });
    const recipient = await recipientDirectory(api.db).byId(t.users.staffA.id, t.communityA);
    expect(recipient).toMatchObject({ mobile: '13800138000', preferences: { order: ['sms', 'robot'], disabled: ['email'] } });
    const audit = await api.db.auditLog.findFirstOrThrow({ where: { action: 'settings.update', entityId: t.users.staffA.id } });
    expect(audit.details).toMatchObject({ changed: ['mobile', 'preferences'] });
    expect(JSON.stringify(audit.details)).not.toContain('13800138000');
  });

  it('refuses settings that would leave reminders undeliverable, with the reason, and keeps what was stored', async () => {
    const refusals: Array<[object, string]> = [
      [{ preferences: { disabled: ['email', 'sms', 'robot'] } }, '至少保留一种通知方式'],
      [{ mobile: null }, '选择短信通知前请先填写手机号'],
      [{ preferences: { order: ['email'] } }, '选择邮件通知前请先填写邮箱'],
      [{ preferences: { order: ['sms', 'sms'] } }, '重复'],
      [{ preferences: { order: ['robot'], disabled: ['robot'] } }, '已关闭'],
      [{ email: 'not-an-address' }, '邮箱格式不正确'],
      [{ mobile: '138-0013' }, '手机号应为'],
      [{ preferences: { order: ['fax'] } }, '请求参数有误'],
    ];
    for (const [payload, reason] of refusals) {
      const res = await put(staff, payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().message).toContain(reason);
    }
    expect((await staff.get('/api/me/settings')).json()).toMatchObject({
      mobile: '13800138000',
      email: null,
      preferences: { order: ['sms', 'robot'] },
    });
  });

  it('refuses an area leader clearing the only address their route can use, and keeps it', async () => {
    const leader = await login(api.app, t.users.leaderA.username);
    expect((await put(leader, { email: 'leader@example.cn' })).statusCode).toBe(200);
    const cleared = await put(leader, { email: null });
    expect(cleared.statusCode).toBe(400);
    expect(cleared.json().message).toContain('提醒将无法送达');
    expect((await leader.get('/api/me/settings')).json().email).toBe('leader@example.cn');
    // With a mobile number the email may go: SMS is on the leader's route.
    expect((await put(leader, { mobile: '13900139000', email: null })).statusCode).toBe(200);
  });

  it('needs a session and the CSRF token to change anything', async () => {
    expect((await api.app.inject({ method: 'GET', url: '/api/me/settings' })).statusCode).toBe(401);
    const noCsrf = await staff.request({ method: 'PUT', url: '/api/me/settings', payload: { email: 'x@example.cn' }, csrf: false });
    expect(noCsrf.statusCode).toBe(403);
    expect((await staff.get('/api/me/settings')).json().email).toBeNull();
  });
});
