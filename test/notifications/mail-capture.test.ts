// The local mail capture of `npm start` (a real smtp-server on loopback that
// stores .eml files), `npm run mail`, and the admin API over it; the channel
// status route and that it never returns a credential.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import os from 'node:os';
import path from 'node:path';
import { createEmailChannel, notifyConfigSchema, renderEmail, type NotifyConfig } from '../../notify';
import { sampleEvent, SMS_TEMPLATES, STAFF } from '../../notify/testing/fixtures';
import { withMailCapture } from '../../platform/notify-setup';
import { listCapturedMail, readCapturedMail, startMailCapture, type MailCapture } from '../../stack/mail-capture';
import { projectRoot } from '../../stack/paths';
import { login, seedTownship, startApi, type TestApi, type Township } from '../api/support';

const run = promisify(execFile);
let scratch: string;
let capture: MailCapture;

beforeAll(async () => {
  scratch = mkdtempSync(path.join(os.tmpdir(), 'duban-mail-'));
  capture = await startMailCapture({ dir: path.join(scratch, 'mail') });
});
afterAll(async () => {
  await capture?.close();
  rmSync(scratch, { recursive: true, force: true });
});

/** Sends one rendered reminder the way the worker does under npm start: the email channel pointed at the capture. */
async function sendThroughCapture(key: string): Promise<void> {
  const config = withMailCapture(notifyConfigSchema.parse({}), capture);
  const channel = createEmailChannel(config.smtp!);
  try {
    await channel.send(renderEmail(sampleEvent(), STAFF), { key });
  } finally {
    channel.close();
  }
}

describe('local mail capture (npm start without SMTP)', () => {
  it('stores a message sent with nodemailer as an .eml file, listed and parsed with its Chinese subject, recipient and key', async () => {
    await sendThroughCapture('ntf:v1:reminder:capture-1');
    const files = readdirSync(capture.dir);
    expect(files.filter((f) => f.endsWith('.eml'))).toHaveLength(1);
    expect(files.filter((f) => f.endsWith('.tmp'))).toHaveLength(0);

    const [summary] = await listCapturedMail(capture.dir);
    expect(summary).toMatchObject({
      to: 'wxh@example.cn',
      subject: '【督办提醒】龙泉社区·防电信诈骗宣传（2022年3月）',
      key: 'ntf:v1:reminder:capture-1',
    });
    expect(summary!.from).toContain('duban@localhost');
    const full = await readCapturedMail(capture.dir, summary!.id);
    expect(full?.text).toContain('将于2022年3月31日 24:00截止');
    // Only capture file names are accepted as ids.
    expect(await readCapturedMail(capture.dir, '../../etc/passwd')).toBeUndefined();
  });

  it('npm run mail lists the captured mail and prints one in full', async () => {
    const env = { ...process.env, DUBAN_DATA_DIR: scratch };
    const tsx = path.join(projectRoot, 'node_modules', '.bin', 'tsx');
    const list = await run(tsx, ['scripts/mail.ts'], { cwd: projectRoot, env });
    expect(list.stdout).toMatch(
      / {3}1 {2}\d{4}-\d{2}-\d{2} \d{2}:\d{2} {2}wxh@example\.cn {2}【督办提醒】龙泉社区·防电信诈骗宣传（2022年3月）/,
    );
    const one = await run(tsx, ['scripts/mail.ts', '1'], { cwd: projectRoot, env });
    expect(one.stdout).toContain('Subject:  【督办提醒】龙泉社区·防电信诈骗宣传（2022年3月）');
    expect(one.stdout).toContain('将于2022年3月31日 24:00截止');
    const missing = await run(tsx, ['scripts/mail.ts', '99'], { cwd: projectRoot, env }).catch((e: { code: number; stderr: string }) => e);
    expect(missing).toMatchObject({ code: 1, stderr: expect.stringContaining('no captured message "99": npm run mail lists them') });
  });
});

const SECRETS = {
  smsKey: 'LTAI-sms-access-secret-0042',
  dingSecret: 'SECding-robot-secret-7781',
  wecomKey: '0a1b2c3d-wecom-key-4455',
  feishuToken: 'feishu-hook-token-9911',
};

describe('notification settings API', () => {
  let api: TestApi;
  let t: Township;
  beforeAll(async () => {
    const notify: NotifyConfig = withMailCapture(
      notifyConfigSchema.parse({
        sms: {
          provider: 'aliyun',
          aliyun: {
            accessKeyId: 'LTAI-id',
            accessKeySecret: SECRETS.smsKey,
            signName: '督办',
            templates: SMS_TEMPLATES,
          },
        },
        robots: [
          {
            communityId: 'c-ding',
            kind: 'dingtalk',
            webhookUrl: 'https://oapi.dingtalk.com/robot/send?access_token=ding-token-3321',
            secret: SECRETS.dingSecret,
          },
          { communityId: 'c-wecom', kind: 'wecom', webhookUrl: `https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=${SECRETS.wecomKey}` },
          {
            communityId: 'c-feishu',
            kind: 'feishu',
            webhookUrl: `https://open.feishu.cn/open-apis/bot/v2/hook/${SECRETS.feishuToken}`,
            secret: 'feishu-sign-secret',
          },
        ],
      }),
      capture,
    );
    api = await startApi({ notify });
    t = await seedTownship(api.db);
  });
  afterAll(async () => api?.close());

  it('admin sees the captured mail list and one message; staff and officials get 403', async () => {
    const admin = await login(api.app, t.users.admin.username);
    const list = await admin.get('/api/notifications/mail');
    expect(list.statusCode, list.body).toBe(200);
    expect(list.json().enabled).toBe(true);
    const first = list.json().mail[0];
    expect(first).toMatchObject({ to: 'wxh@example.cn', subject: '【督办提醒】龙泉社区·防电信诈骗宣传（2022年3月）' });
    const one = await admin.get(`/api/notifications/mail/${first.id}`);
    expect(one.statusCode).toBe(200);
    expect(one.json().text).toContain('将于2022年3月31日 24:00截止');
    expect((await admin.get('/api/notifications/mail/..%2F..%2Fetc%2Fpasswd')).statusCode).toBe(404);

    const staff = await login(api.app, t.users.staffA.username);
    expect((await staff.get('/api/notifications/mail')).statusCode).toBe(403);
    expect((await staff.get(`/api/notifications/mail/${first.id}`)).statusCode).toBe(403);
    const zhengfa = await login(api.app, t.users.zhengfa.username);
    expect((await zhengfa.get('/api/notifications/mail')).statusCode).toBe(403);
  });

  it('channel status for officials: configured or not, with notices, and never a secret; community staff get 403', async () => {
    const leader = await login(api.app, t.users.leaderA.username);
    const res = await leader.get('/api/notifications/channels');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().mailCapture).toBe(true);
    expect(res.json().channels).toEqual([
      expect.objectContaining({ channel: 'email', configured: true, provider: 'mail-capture' }),
      expect.objectContaining({ channel: 'sms', configured: true, provider: 'aliyun' }),
      expect.objectContaining({
        channel: 'robot',
        configured: true,
        robots: [
          { communityId: 'c-ding', kind: 'dingtalk' },
          { communityId: 'c-wecom', kind: 'wecom' },
          { communityId: 'c-feishu', kind: 'feishu' },
        ],
      }),
    ]);
    for (const secret of [
      ...Object.values(SECRETS),
      'LTAI-id',
      'ding-token-3321',
      'feishu-sign-secret',
      'access_token',
      'webhook',
      capture.dir,
    ]) {
      expect(res.body).not.toContain(secret);
    }
    for (const username of [t.users.staffA.username, t.users.secretaryA.username]) {
      expect((await (await login(api.app, username)).get('/api/notifications/channels')).statusCode).toBe(403);
    }
  });

  it('the delivery log lists what was sent to the township, with its state, for township officials only', async () => {
    const sentAt = new Date('2022-03-30T01:00:00Z');
    await api.db.notification.create({
      data: {
        businessKey: `ntf:test:${t.townshipId}:1`,
        channel: 'sms',
        recipient: '13800000000',
        userId: t.users.staffA.id,
        event: 'reminder',
        subject: null,
        body: '正文不外显',
        status: 'GIVEN_UP',
        attempts: 3,
        lastError: '运营商拒收',
        createdAt: new Date('2022-03-30T00:59:00Z'),
        sentAt,
      },
    });
    const zhengfa = await login(api.app, t.users.zhengfa.username);
    const res = await zhengfa.get('/api/notifications');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().notifications).toEqual([
      {
        id: expect.any(String),
        channel: 'sms',
        event: 'reminder',
        recipient: '13800000000',
        userName: `staffA-${t.users.staffA.username.split('.')[1]}`,
        subject: null,
        status: 'GIVEN_UP',
        attempts: 3,
        lastError: '运营商拒收',
        createdAt: '2022-03-30T00:59:00.000Z',
        sentAt: sentAt.toISOString(),
        deliveredAt: null,
      },
    ]);
    expect(res.body).not.toContain('正文不外显');
    expect((await (await login(api.app, t.users.leaderA.username)).get('/api/notifications')).statusCode).toBe(403);
  });

  it('without configuration SMS and robots say they are off, and there is no captured mail to show', async () => {
    const bare = await startApi();
    try {
      const admin = await login(bare.app, t.users.admin.username);
      const res = await admin.get('/api/notifications/channels');
      expect(res.json()).toEqual({
        mailCapture: false,
        channels: [
          expect.objectContaining({ channel: 'email', configured: false, notice: expect.stringContaining('邮件未配置，暂不发送') }),
          expect.objectContaining({ channel: 'sms', configured: false, notice: expect.stringContaining('短信未配置，暂不发送') }),
          expect.objectContaining({ channel: 'robot', configured: false, notice: expect.stringContaining('群机器人未配置，暂不发送') }),
        ],
      });
      expect((await admin.get('/api/notifications/mail')).json()).toEqual({ enabled: false, mail: [] });
    } finally {
      await bare.close();
    }
  });
});
