// Sends whose answer is lost, rate-limited channels and a worker killed
// mid-send, on the real stack: the notification workflow and its activities on
// a real worker (and a worker process killed with SIGKILL), the PostgreSQL
// outbox, the loopback Aliyun SMS server (checks the RPC signature, answers
// QuerySendDetails) and smtp-server on loopback.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { createAliyunSmsChannel, type NotifyConfig } from '../../notify';
import { startAliyunSmsProviderServer } from '../../notify/testing/aliyun-provider-server';
import { startSmtpProviderServer } from '../../notify/testing/smtp-provider-server';
import { ensureReconcileSchedule } from '../../worker/reconcile-schedule';
import { notificationWorker, QUIET_HOURS_OFF, secretaryTask as secretaryTaskOf } from '../support/notification-worker';
import { connectTestStack, uniqueTaskQueue, type TestStack } from '../support/stack';
import { SMS_TEMPLATES } from '../../notify/testing/fixtures';
import { createTestTownship, type TestTownship } from '../support/fixtures';
import { openTaskNow } from '../support/open-task';
import { spawnWorkerProcess } from '../support/spawn-worker';

const ALIYUN = { accessKeyId: 'LTAI5tInDoubtTest', accessKeySecret: 'aliyun-in-doubt-secret-0123' };
const SMTP = { user: 'duban', pass: 'smtp-in-doubt-secret' };
const DAY = 86_400_000;

let stack: TestStack;
let t: TestTownship;

beforeAll(async () => {
  stack = await connectTestStack();
  t = await createTestTownship(stack.db, 'in-doubt');
});
afterAll(async () => stack?.close());

const aliyunConfig = (url: string, timeoutMs: number) => ({
  ...ALIYUN,
  signName: '督办',
  endpoint: `${url}/`,
  regionId: 'cn-hangzhou',
  templates: SMS_TEMPLATES,
  timeoutMs,
});
const smsConfig = (url: string, timeoutMs: number): NotifyConfig['sms'] => ({ provider: 'aliyun', aliyun: aliyunConfig(url, timeoutMs) });

const workerWith = (taskQueue: string, notify: Partial<NotifyConfig>, extra: Parameters<typeof notificationWorker>[3] = {}) =>
  notificationWorker(stack, taskQueue, notify, extra);
/** A task assigned to the community secretary: routine route robot → SMS → email; no robot here, so SMS first. */
const secretaryTask = (taskQueue: string) => secretaryTaskOf(stack, t, taskQueue);

const reminder = (obligationKey: string, sequence: string) => ({
  obligationKey,
  event: 'reminder' as const,
  sequence,
  at: new Date().toISOString(),
});

describe('a provider that accepts and then never answers', () => {
  it('SMS: the retry asks Aliyun (QuerySendDetails by the row id), finds it delivered: one message, the row SENT with its receipt', async () => {
    const server = await startAliyunSmsProviderServer(ALIYUN);
    server.failNext(1, { stallMs: 5000 });
    const taskQueue = uniqueTaskQueue('indoubt-sms');
    const worker = await workerWith(taskQueue, { sms: smsConfig(server.url, 800) });
    try {
      await worker.runUntil(async () => {
        const key = await secretaryTask(taskQueue);
        await stack.client.workflow.execute('notificationWorkflow', {
          taskQueue,
          workflowId: `test/indoubt/${randomUUID()}`,
          args: [reminder(key, 'sms-stall')],
        });
      });
      expect(server.accepted).toHaveLength(1);
      expect(server.queries.length).toBeGreaterThanOrEqual(1);
      const row = await stack.db.notification.findFirstOrThrow({
        where: { userId: t.users.secretary, channel: 'sms', businessKey: { contains: 'sms-stall' } },
      });
      expect(row).toMatchObject({ status: 'SENT', attempts: 1, lastError: null });
      // The provider id is the row's own id, not the business key.
      expect(server.accepted[0]!.outId).toBe(row.id);
      expect(row.deliveredAt).toBeInstanceOf(Date);
      expect(row.receipt).toMatchObject({ OutId: row.id, SendStatus: 3, ErrCode: 'DELIVERED' });
    } finally {
      await server.close();
    }
  });

  it('mail: the row is IN_DOUBT with the Message-ID sent, and the mail is not sent again (documented policy)', async () => {
    const smtp = await startSmtpProviderServer({ ...SMTP, stall: { count: 1, ms: 8000 } });
    const taskQueue = uniqueTaskQueue('indoubt-mail');
    const worker = await workerWith(taskQueue, {
      smtp: { host: '127.0.0.1', port: smtp.port, secure: false, ...SMTP, from: '督办系统 <duban@duban.test>', timeoutMs: 1500 },
    });
    try {
      await worker.runUntil(async () => {
        const key = await secretaryTask(taskQueue);
        // The secretary has a mobile, but SMS is not configured here: email is the route.
        await stack.client.workflow.execute('notificationWorkflow', {
          taskQueue,
          workflowId: `test/indoubt/${randomUUID()}`,
          args: [reminder(key, 'mail-stall')],
        });
      });
      const row = await stack.db.notification.findFirstOrThrow({
        where: { userId: t.users.secretary, channel: 'email', businessKey: { contains: 'mail-stall' } },
      });
      expect(row.status).toBe('IN_DOUBT');
      expect(row.lastError).toContain('发送结果不明');
      expect(smtp.mails).toHaveLength(1);
      expect(smtp.mails[0]!.messageId).toBe(`<${row.id}@duban.test>`);
    } finally {
      await smtp.close();
    }
  });
});

describe('fallback within a bound', () => {
  it('an escalation whose SMS channel keeps being rate-limited goes out by email within the configured bound', async () => {
    const server = await startAliyunSmsProviderServer(ALIYUN);
    server.rejectAll({ code: 'Throttling.User', message: 'Request was denied due to user flow control.' });
    const smtp = await startSmtpProviderServer(SMTP);
    const taskQueue = uniqueTaskQueue('indoubt-fallback');
    const boundMs = 8000;
    const worker = await workerWith(
      taskQueue,
      {
        sms: smsConfig(server.url, 3000),
        smtp: { host: '127.0.0.1', port: smtp.port, secure: false, ...SMTP, from: '督办系统 <duban@duban.test>', timeoutMs: 3000 },
      },
      { escalationFallbackMinutes: boundMs / 60_000, escalationBatchMinutes: 0.02 },
    );
    try {
      let firstSms = 0;
      await worker.runUntil(async () => {
        const { spec } = await openTaskNow({
          db: stack.db,
          client: stack.client,
          taskQueue,
          communityId: t.community.id,
          ruleId: 'fraud.investigation',
          dueInMs: 7 * DAY,
        });
        const handle = await stack.client.workflow.start('notificationWorkflow', {
          taskQueue,
          workflowId: `test/indoubt/${randomUUID()}`,
          args: [
            { obligationKey: spec.key, event: 'escalation', sequence: '1', level: 1, role: 'secretary', at: new Date().toISOString() },
          ],
        });
        await until(() => server.requests.length > 0, 30_000);
        firstSms = Date.now();
        await handle.result();
      });
      const elapsed = Date.now() - firstSms;
      expect(smtp.mails).toHaveLength(1);
      // SMS was retried within the bound (the 1-second throttling window), then the bound moved it to email.
      expect(server.requests.length).toBeGreaterThan(2);
      expect(server.accepted).toHaveLength(0);
      expect(elapsed).toBeLessThan(boundMs + 6000);
      const sms = await stack.db.notification.findFirstOrThrow({
        where: { userId: t.users.secretary, channel: 'sms', event: 'digest' },
        orderBy: { createdAt: 'desc' },
      });
      expect(sms.status).toBe('GIVEN_UP');
      expect(sms.lastError).toContain('改用下一渠道');
    } finally {
      await server.close();
      await smtp.close();
    }
  }, 90_000);
});

describe('a worker killed mid-send', () => {
  it('SIGKILL while Aliyun holds the answer: the next worker asks the provider and marks it SENT, one message', async () => {
    const server = await startAliyunSmsProviderServer(ALIYUN);
    server.failNext(1, { stallMs: 120_000 });
    const taskQueue = uniqueTaskQueue('indoubt-kill');
    const notify = { quietHours: QUIET_HOURS_OFF, sms: smsConfig(server.url, 100_000) };
    const child = await spawnWorkerProcess({ taskQueue, notify });
    try {
      const key = await secretaryTask(taskQueue);
      const handle = await stack.client.workflow.start('notificationWorkflow', {
        taskQueue,
        workflowId: `test/indoubt/${randomUUID()}`,
        args: [reminder(key, 'killed')],
      });
      await until(() => server.accepted.length === 1, 60_000);
      child.kill('SIGKILL');
      // Killed between the provider's acceptance and the row update: the row says "sending".
      const where = { userId: t.users.secretary, channel: 'sms', businessKey: { contains: 'killed' } };
      expect(await stack.db.notification.findFirstOrThrow({ where })).toMatchObject({ status: 'QUEUED' });

      // Another worker takes over when the activity's start-to-close timeout (1 minute) has passed.
      const worker = await workerWith(taskQueue, { sms: smsConfig(server.url, 3000) });
      await worker.runUntil(handle.result());
      expect(server.accepted).toHaveLength(1);
      const row = await stack.db.notification.findFirstOrThrow({ where });
      expect(row).toMatchObject({ status: 'SENT', lastError: null });
      expect(row.receipt).toMatchObject({ OutId: row.id, SendStatus: 3 });
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await server.close();
    }
  }, 180_000);

  it('rows a dead worker left "sending", whose workflow is gone: the reconciliation schedule makes them IN_DOUBT and settles the SMS by asking the provider', async () => {
    const server = await startAliyunSmsProviderServer(ALIYUN);
    const taskQueue = uniqueTaskQueue('indoubt-reconcile');
    const worker = await workerWith(taskQueue, { sms: smsConfig(server.url, 3000) }, { inDoubtGraceMinutes: 0.001 });
    const channel = createAliyunSmsChannel(aliyunConfig(server.url, 3000));
    const old = new Date(Date.now() - 10 * 60_000);
    const tag = randomUUID().slice(0, 8);
    // As a killed worker leaves them (written directly: their workflows no longer exist):
    // one SMS the provider accepted, one it never got, one mail.
    const row = (name: string, channelId: string, recipient: string, body: string) =>
      stack.db.notification.create({
        data: {
          businessKey: `ntf:v1:reminder:${tag}-${name}:${t.users.secretary}:${channelId}`,
          channel: channelId,
          event: 'reminder',
          userId: t.users.secretary,
          recipient,
          body,
          status: 'QUEUED',
          attempts: 1,
          createdAt: old,
        },
      });
    const params = JSON.stringify([
      ['community', '清水社区'],
      ['task', '摸排'],
    ]);
    const accepted = await row('accepted', 'sms', '13800000000', params);
    const lost = await row('lost', 'sms', '13800000000', params);
    const mail = await row('mail', 'email', 'secretary@duban.test', '正文');
    await channel.send(
      { medium: 'sms', event: 'reminder', phoneNumbers: ['13800000000'], params: JSON.parse(params) as Array<[string, string]> },
      { key: accepted.businessKey, ref: accepted.id },
    );
    const scheduleId = `test-reconcile-${tag}`;
    try {
      await worker.runUntil(async () => {
        await ensureReconcileSchedule(stack.client, taskQueue, 60, scheduleId);
        const handle = stack.client.schedule.getHandle(scheduleId);
        // The first run marks them in doubt and confirms the accepted one; the lost one is resent by
        // a later run, once its grace period has passed. (A run still going when triggered is skipped.)
        const settled = async () =>
          (await stack.db.notification.count({ where: { id: { in: [accepted.id, lost.id] }, status: 'SENT' } })) === 2;
        for (let i = 0; i < 20 && !(await settled()); i++) {
          await handle.trigger();
          await new Promise((r) => setTimeout(r, 1500));
        }
        expect(await settled()).toBe(true);
      });
      expect(server.accepted.map((a) => a.outId).sort()).toEqual([accepted.id, lost.id].sort());
      expect(await stack.db.notification.findUniqueOrThrow({ where: { id: accepted.id } })).toMatchObject({ status: 'SENT', attempts: 1 });
      expect(await stack.db.notification.findUniqueOrThrow({ where: { id: lost.id } })).toMatchObject({ status: 'SENT', attempts: 2 });
      // No provider can be asked about a mail: it stays in doubt, visible in the delivery log.
      expect(await stack.db.notification.findUniqueOrThrow({ where: { id: mail.id } })).toMatchObject({ status: 'IN_DOUBT' });
    } finally {
      await stack.client.schedule
        .getHandle(scheduleId)
        .delete()
        .catch(() => undefined);
      await server.close();
    }
  }, 120_000);
});

async function until(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
