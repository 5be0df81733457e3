// Fault: the SMTP and SMS providers misbehave while reminders go out. Each one
// (a) refuses for a while and then recovers, (b) answers only after the
// client's timeout, (c) takes the message and cuts the connection before
// answering. Every notification must reach the provider exactly once, or be
// visibly IN_DOUBT / GIVEN_UP in the outbox (docs/notifications.md): never
// twice, never silently lost.
// Real stack: the notification workflow on a real worker and Temporal dev
// server, the PostgreSQL outbox, smtp-server on loopback, and the loopback
// Aliyun SMS server (checks the RPC signature, answers QuerySendDetails).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import type { NotifyConfig } from '../../notify';
import { startAliyunSmsProviderServer } from '../../notify/testing/aliyun-provider-server';
import { startSmtpProviderServer, type SmtpProviderServer } from '../../notify/testing/smtp-provider-server';
import type { NotificationRequest } from '../../workflows/notification/notification-workflow';
import { createTestTownship, type TestTownship } from '../support/fixtures';
import { notificationWorker, secretaryTask } from '../support/notification-worker';
import { connectTestStack, uniqueTaskQueue, type TestStack } from '../support/stack';

const ALIYUN = { accessKeyId: 'LTAI5tProviderFaults', accessKeySecret: 'aliyun-provider-faults-secret' };
const TEMPLATES = {
  reminder: 'SMS_1',
  'due-today': 'SMS_2',
  overdue: 'SMS_3',
  escalation: 'SMS_4',
  'evidence-rejected': 'SMS_5',
  digest: 'SMS_6',
};
const SMTP = { user: 'duban', pass: 'smtp-provider-faults-secret' };
// Short client timeouts (the configured options), so a "slow" provider is slow within a second or two.
const SMTP_TIMEOUT_MS = 1500;
const SMS_TIMEOUT_MS = 800;

let stack: TestStack;
let t: TestTownship;

beforeAll(async () => {
  stack = await connectTestStack();
  t = await createTestTownship(stack.db, 'provider-faults');
});
afterAll(async () => stack?.close());

const smtpConfig = (server: SmtpProviderServer): NotifyConfig['smtp'] => ({
  host: '127.0.0.1',
  port: server.port,
  secure: false,
  ...SMTP,
  from: '督办系统 <duban@duban.test>',
  timeoutMs: SMTP_TIMEOUT_MS,
});
const smsConfig = (url: string): NotifyConfig['sms'] => ({
  provider: 'aliyun',
  aliyun: { ...ALIYUN, signName: '督办', endpoint: `${url}/`, regionId: 'cn-hangzhou', templates: TEMPLATES, timeoutMs: SMS_TIMEOUT_MS },
});

/** A worker whose notification activities use only the channels given (the secretary's route: SMS, else email). */
const workerWith = (taskQueue: string, notify: Partial<NotifyConfig>, inDoubtGraceMinutes?: number) =>
  notificationWorker(stack, taskQueue, notify, { inDoubtGraceMinutes });

/** One reminder workflow per sequence, on a task assigned to the community secretary; all run at once. */
async function sendReminders(taskQueue: string, sequences: string[]): Promise<void> {
  const key = await secretaryTask(stack, t, taskQueue);
  const request = (sequence: string): NotificationRequest => ({
    obligationKey: key,
    event: 'reminder',
    sequence,
    at: new Date().toISOString(),
  });
  await Promise.all(
    sequences.map((s) =>
      stack.client.workflow.execute('notificationWorkflow', {
        taskQueue,
        workflowId: `test/fault-ntf/${randomUUID()}`,
        args: [request(s)],
      }),
    ),
  );
}

/** The secretary's outbox rows of these sequences on one channel, by sequence. */
async function rowsOf(channel: 'email' | 'sms', sequences: string[]) {
  const rows = await stack.db.notification.findMany({ where: { userId: t.users.secretary, channel, event: 'reminder' } });
  return new Map(sequences.map((s) => [s, rows.filter((r) => r.businessKey.includes(s))]));
}

/** Each sequence has exactly one row; returns them. */
async function oneRowEach(channel: 'email' | 'sms', sequences: string[]) {
  const bySequence = await rowsOf(channel, sequences);
  for (const [s, rows] of bySequence) expect(rows, `rows of ${s}`).toHaveLength(1);
  return new Map([...bySequence].map(([s, rows]) => [s, rows[0]!]));
}

const count = (values: string[], value: string) => values.filter((v) => v === value).length;
const tag = () => randomUUID().slice(0, 8);

describe('SMTP provider faults', () => {
  it('refuses with 451 for a while, then recovers: each mail exactly once, rows SENT; a 554 is GIVEN_UP, no mail', async () => {
    const refuse = { count: 3, code: 451, message: '4.3.0 Temporary server error, try again later' };
    const server = await startSmtpProviderServer({ ...SMTP, refuse });
    const taskQueue = uniqueTaskQueue('fault-smtp-refuse');
    const worker = await workerWith(taskQueue, { smtp: smtpConfig(server) });
    const run = tag();
    const sequences = [`${run}-1`, `${run}-2`, `${run}-3`];
    const refused = `${run}-554`;
    try {
      await worker.runUntil(async () => {
        await sendReminders(taskQueue, sequences);
        // Then refused for good (5xx): no retry, the row says so in the delivery log, nothing arrives.
        Object.assign(refuse, { count: 1, code: 554, message: '5.7.1 Relay access denied' });
        await sendReminders(taskQueue, [refused]);
      });
      expect(refuse.count).toBe(0);
      const rows = await oneRowEach('email', sequences);
      const keys = server.mails.map((m) => String(m.headers.get('x-duban-key')));
      for (const row of rows.values()) {
        expect(row).toMatchObject({ status: 'SENT', lastError: null });
        expect(count(keys, row.businessKey)).toBe(1);
      }
      // Three refusals among three messages sent at once: at least one was tried again.
      expect(Math.max(...[...rows.values()].map((r) => r.attempts))).toBeGreaterThanOrEqual(2);
      expect(server.mails).toHaveLength(3);
      const row = (await oneRowEach('email', [refused])).get(refused)!;
      expect(row).toMatchObject({ status: 'GIVEN_UP', attempts: 1 });
      expect(row.lastError).toContain('554');
      expect(server.mails).toHaveLength(3);
      console.log(`SMTP refusing 451 ×3: 3 mails, attempts ${[...rows.values()].map((r) => r.attempts).join('/')}; 554 → ${row.status}`);
    } finally {
      await server.close();
    }
  });

  it('greets only after the client timeout: nothing was taken, so the send is retried; each mail exactly once', async () => {
    const slowGreeting = { count: 2, ms: SMTP_TIMEOUT_MS * 3 };
    const server = await startSmtpProviderServer({ ...SMTP, slowGreeting });
    const taskQueue = uniqueTaskQueue('fault-smtp-slow');
    const worker = await workerWith(taskQueue, { smtp: smtpConfig(server) });
    const run = tag();
    const sequences = [`${run}-1`, `${run}-2`];
    try {
      await worker.runUntil(sendReminders(taskQueue, sequences));
      expect(slowGreeting.count).toBe(0);
      const rows = await oneRowEach('email', sequences);
      const keys = server.mails.map((m) => String(m.headers.get('x-duban-key')));
      for (const row of rows.values()) {
        expect(row).toMatchObject({ status: 'SENT', lastError: null });
        expect(count(keys, row.businessKey)).toBe(1);
      }
      expect(server.mails).toHaveLength(2);
      console.log(
        `SMTP greeting after the timeout ×2: ${server.mails.length} mails, attempts ${[...rows.values()].map((r) => r.attempts).join('/')}`,
      );
    } finally {
      await server.close();
    }
  });

  it('takes the mail after DATA and cuts the connection: that row IN_DOUBT with its Message-ID, never sent again; the other SENT', async () => {
    const dropAfterData = { count: 1 };
    const server = await startSmtpProviderServer({ ...SMTP, dropAfterData });
    const taskQueue = uniqueTaskQueue('fault-smtp-drop');
    const worker = await workerWith(taskQueue, { smtp: smtpConfig(server) });
    const run = tag();
    const sequences = [`${run}-1`, `${run}-2`];
    try {
      await worker.runUntil(sendReminders(taskQueue, sequences));
      expect(dropAfterData.count).toBe(0);
      const rows = [...(await oneRowEach('email', sequences)).values()];
      const keys = server.mails.map((m) => String(m.headers.get('x-duban-key')));
      expect(server.mails).toHaveLength(2);
      for (const row of rows) expect(count(keys, row.businessKey)).toBe(1);
      const inDoubt = rows.filter((r) => r.status === 'IN_DOUBT');
      expect(inDoubt).toHaveLength(1);
      expect(inDoubt[0]!.lastError).toContain('发送结果不明');
      expect(server.mails.map((m) => m.messageId)).toContain(`<${inDoubt[0]!.id}@duban.test>`);
      expect(rows.filter((r) => r.status === 'SENT')).toHaveLength(1);
      console.log(`SMTP cut after DATA ×1: ${server.mails.length} mails; rows ${rows.map((r) => r.status).join('/')}`);
    } finally {
      await server.close();
    }
  });
});

describe('SMS provider (Aliyun) faults', () => {
  it('answers isp.SYSTEM_ERROR and HTTP 503 for a while, then recovers: each SMS accepted exactly once, rows SENT', async () => {
    const server = await startAliyunSmsProviderServer(ALIYUN);
    server.failNext(2, { code: 'isp.SYSTEM_ERROR', message: '系统出现未知异常' });
    server.failNext(1, { http: 503 });
    const taskQueue = uniqueTaskQueue('fault-sms-refuse');
    const worker = await workerWith(taskQueue, { sms: smsConfig(server.url) });
    const run = tag();
    const sequences = [`${run}-1`, `${run}-2`, `${run}-3`];
    const refused = `${run}-broke`;
    try {
      await worker.runUntil(async () => {
        await sendReminders(taskQueue, sequences);
        // Then refused for good (a code retrying cannot fix), and no other channel here: GIVEN_UP, nothing sent.
        server.failNext(1, { code: 'isv.AMOUNT_NOT_ENOUGH', message: '账户余额不足' });
        await sendReminders(taskQueue, [refused]);
      });
      const rows = await oneRowEach('sms', sequences);
      const outIds = server.accepted.map((a) => a.outId ?? '');
      for (const row of rows.values()) {
        expect(row).toMatchObject({ status: 'SENT', lastError: null });
        expect(count(outIds, row.id)).toBe(1);
      }
      // 3 refused + 3 accepted + 1 refused for good, and no query: nothing was ever in doubt.
      expect(server.requests).toHaveLength(7);
      expect(server.queries).toHaveLength(0);
      const row = (await oneRowEach('sms', [refused])).get(refused)!;
      expect(row).toMatchObject({ status: 'GIVEN_UP', attempts: 1 });
      expect(row.lastError).toContain('isv.AMOUNT_NOT_ENOUGH');
      console.log(
        `SMS refusing: ${server.requests.length} requests, attempts ${[...rows.values()].map((r) => r.attempts).join('/')}; permanent code → ${row.status}`,
      );
      expect(server.accepted).toHaveLength(3);
    } finally {
      await server.close();
    }
  });

  it('accepts but answers only after the client timeout: the retry asks QuerySendDetails and finds it; each SMS exactly once', async () => {
    const server = await startAliyunSmsProviderServer(ALIYUN);
    server.failNext(2, { stallMs: SMS_TIMEOUT_MS * 5 });
    const taskQueue = uniqueTaskQueue('fault-sms-slow');
    const worker = await workerWith(taskQueue, { sms: smsConfig(server.url) });
    const run = tag();
    const sequences = [`${run}-1`, `${run}-2`, `${run}-3`];
    try {
      await worker.runUntil(sendReminders(taskQueue, sequences));
      const rows = await oneRowEach('sms', sequences);
      const outIds = server.accepted.map((a) => a.outId ?? '');
      for (const row of rows.values()) {
        expect(row).toMatchObject({ status: 'SENT', lastError: null, attempts: 1 });
        expect(count(outIds, row.id)).toBe(1);
      }
      expect(server.accepted).toHaveLength(3);
      // The two whose answer was lost were asked about, not sent again.
      expect(server.queries.length).toBeGreaterThanOrEqual(2);
      console.log(
        `SMS answer after the timeout ×2: ${server.requests.length} requests, ${server.queries.length} queries, attempts ${[...rows.values()].map((r) => r.attempts).join('/')}`,
      );
    } finally {
      await server.close();
    }
  });

  it('reads the request and cuts the connection, after accepting or before: asked, then confirmed or (not found after the grace) sent once more', async () => {
    const server = await startAliyunSmsProviderServer(ALIYUN);
    server.failNext(1, { drop: 'after-accept' });
    server.failNext(1, { drop: 'before-accept' });
    const taskQueue = uniqueTaskQueue('fault-sms-drop');
    // Grace of 1.2 s before a message the provider does not list is sent again (10 min by default).
    const worker = await workerWith(taskQueue, { sms: smsConfig(server.url) }, 0.02);
    const run = tag();
    const sequences = [`${run}-1`, `${run}-2`, `${run}-3`];
    try {
      await worker.runUntil(sendReminders(taskQueue, sequences));
      const rows = [...(await oneRowEach('sms', sequences)).values()];
      const outIds = server.accepted.map((a) => a.outId ?? '');
      for (const row of rows) {
        expect(row).toMatchObject({ status: 'SENT', lastError: null });
        expect(count(outIds, row.id)).toBe(1);
      }
      expect(server.accepted).toHaveLength(3);
      // One confirmed by the query (1 send), one resent under the same OutId after the grace (2 sends), one plain.
      expect(rows.map((r) => r.attempts).sort()).toEqual([1, 1, 2]);
      expect(server.queries.length).toBeGreaterThanOrEqual(2);
      console.log(
        `SMS dropped after/before accepting: ${server.requests.length} requests, ${server.queries.length} queries, attempts ${rows.map((r) => r.attempts).join('/')}`,
      );
    } finally {
      await server.close();
    }
  });
});
