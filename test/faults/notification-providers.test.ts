// Fault: the SMTP, SMS and group-robot providers misbehave while reminders go
// out. Each one (a) refuses for a while, as it really reports a busy system,
// and then recovers, (b) answers only after the client's timeout, (c) takes the
// message and cuts the connection before answering; the SMS and robot
// providers also (d) answer with their documented rate-limit code. Every
// notification must reach the provider exactly once, or be visibly IN_DOUBT /
// GIVEN_UP in the outbox (docs/notifications.md): never twice, never silently lost.
// Real stack: the notification workflow on a real worker and Temporal dev
// server, the PostgreSQL outbox, smtp-server on loopback, and the loopback
// Aliyun and Tencent SMS servers (check the RPC / TC3 signature, answer the
// status queries) and WeCom, DingTalk and Feishu robots (check the key / 加签).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import type { NotifyConfig } from '../../notify';
import { startAliyunSmsProviderServer } from '../../notify/testing/aliyun-provider-server';
import { startDingtalkProviderServer } from '../../notify/testing/dingtalk-provider-server';
import { startFeishuProviderServer } from '../../notify/testing/feishu-provider-server';
import type { FailureMode, ProviderServer } from '../../notify/testing/provider-server';
import { startSmtpProviderServer, type SmtpProviderServer } from '../../notify/testing/smtp-provider-server';
import { startTencentSmsProviderServer } from '../../notify/testing/tencent-provider-server';
import { startWecomProviderServer } from '../../notify/testing/wecom-provider-server';
import type { NotificationRequest } from '../../workflows/notification/notification-workflow';
import { SMS_TEMPLATES } from '../../notify/testing/fixtures';
import { createTestTownship, type TestTownship } from '../support/fixtures';
import { notificationWorker, secretaryTask } from '../support/notification-worker';
import { connectTestStack, uniqueTaskQueue, type TestStack } from '../support/stack';

const ALIYUN = { accessKeyId: 'LTAI5tProviderFaults', accessKeySecret: 'aliyun-provider-faults-secret' };
const TENCENT = { secretId: 'AKIDProviderFaults0123', secretKey: 'tencent-provider-faults-secret' };
const SMTP = { user: 'duban', pass: 'smtp-provider-faults-secret' };
// Short client timeouts (the configured options), so a "slow" provider is slow within a second or two.
const SMTP_TIMEOUT_MS = 1500;
const SMS_TIMEOUT_MS = 800;
const ROBOT_TIMEOUT_MS = 800;

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
  aliyun: {
    ...ALIYUN,
    signName: '督办',
    endpoint: `${url}/`,
    regionId: 'cn-hangzhou',
    templates: SMS_TEMPLATES,
    timeoutMs: SMS_TIMEOUT_MS,
  },
});

/** A worker whose notification activities use only the channels given (the secretary's route: SMS, else email). */
const workerWith = (taskQueue: string, notify: Partial<NotifyConfig>, inDoubtGraceMinutes?: number) =>
  notificationWorker(stack, taskQueue, notify, { inDoubtGraceMinutes });

/** One reminder workflow per sequence, on a task assigned to the community secretary; all run at once. */
async function sendReminders(taskQueue: string, sequences: string[], township = t): Promise<void> {
  const key = await secretaryTask(stack, township, taskQueue);
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

/** The secretary's outbox rows of these sequences on one channel ("email", "sms", "robot:<community>"), by sequence. */
async function rowsOf(channel: string, sequences: string[], township = t) {
  const rows = await stack.db.notification.findMany({ where: { userId: township.users.secretary, channel, event: 'reminder' } });
  return new Map(sequences.map((s) => [s, rows.filter((r) => r.businessKey.includes(s))]));
}

/** Each sequence has exactly one row; returns them. */
async function oneRowEach(channel: string, sequences: string[], township = t) {
  const bySequence = await rowsOf(channel, sequences, township);
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

/**
 * Tencent SMS and the three group robots, run through the same cases. How each
 * reports trouble is its documented codes (notify/error-codes.ts, docs/notifications.md):
 * `busy` are refusals that clear by themselves, `refused` one no retry can fix,
 * `rateLimited` its own rate-limit answer and the window it means.
 */
interface FaultyProvider {
  name: string;
  /** SMS can be asked whether an unanswered message was taken; a robot cannot, so its unanswered sends stay IN_DOUBT. */
  canAsk: boolean;
  busy: FailureMode[];
  refused: FailureMode & { code: string | number };
  rateLimited: { mode: FailureMode; windowMs: number };
  start(township: TestTownship): Promise<{
    server: ProviderServer<unknown>;
    notify: Partial<NotifyConfig>;
    /** The outbox channel of the secretary's reminders. */
    channel: string;
    /** Status queries the provider answered (SMS only). */
    queries: () => number;
    /** The outbox row id an accepted message carries (Tencent's SessionContext); robots carry none. */
    rowIdOf?: (accepted: unknown) => string | undefined;
  }>;
}

const WECOM_KEY = '693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa';
const DINGTALK = { token: 'ding-provider-faults-token', secret: 'SEC0123provider-faults-signing' };
const FEISHU = { token: 'feishu-provider-faults-hook', secret: 'feishu-provider-faults-signing' };
const robot = (kind: 'wecom' | 'dingtalk' | 'feishu', township: TestTownship, webhookUrl: string, secret?: string) => ({
  channel: `robot:${township.community.id}`,
  notify: {
    robots: [{ communityId: township.community.id, kind, webhookUrl, timeoutMs: ROBOT_TIMEOUT_MS, ...(secret ? { secret } : {}) }],
  },
  queries: () => 0,
});

const PROVIDERS: FaultyProvider[] = [
  {
    name: 'Tencent SMS',
    canAsk: true,
    // Response.Error of SendSms (API 3.0 错误码): an internal fault, the API's request rate limit (1 s), a gateway error.
    busy: [
      { code: 'InternalError.OtherError', message: '其他错误，请联系腾讯云' },
      { code: 'RequestLimitExceeded', message: '请求的次数超过了频率限制' },
      { http: 502 },
    ],
    refused: { code: 'FailedOperation.InsufficientBalanceInSmsPackage', message: '套餐包余量不足' },
    rateLimited: {
      mode: { code: 'LimitExceeded.PhoneNumberThirtySecondLimit', message: '单个手机号30秒内下发短信条数超过设定的上限' },
      windowMs: 30_000,
    },
    async start() {
      const server = await startTencentSmsProviderServer(TENCENT);
      const sms: NotifyConfig['sms'] = {
        provider: 'tencent',
        tencent: {
          ...TENCENT,
          sdkAppId: '1400000001',
          signName: '督办',
          endpoint: `${server.url}/`,
          region: 'ap-guangzhou',
          templates: SMS_TEMPLATES,
          timeoutMs: SMS_TIMEOUT_MS,
        },
      };
      return {
        server,
        notify: { sms },
        channel: 'sms',
        queries: () => server.queries.length,
        rowIdOf: (a) => (a as { sessionContext?: string }).sessionContext,
      };
    },
  },
  {
    name: 'WeCom robot',
    canAsk: false,
    // errcode -1 "系统繁忙" (全局错误码), and a gateway error.
    busy: [{ code: -1, message: 'system busy' }, { code: -1, message: 'system busy' }, { http: 503 }],
    refused: { code: 93000, message: 'invalid webhook url, hint: [1700000000_1_abcdef]' },
    rateLimited: { mode: { code: 45009, message: 'api freq out of limit' }, windowMs: 60_000 },
    async start(township) {
      const server = await startWecomProviderServer([WECOM_KEY]);
      return { server, ...robot('wecom', township, `${server.url}/cgi-bin/webhook/send?key=${WECOM_KEY}`) };
    },
  },
  {
    name: 'DingTalk robot',
    canAsk: false,
    // errcode -1 "系统繁忙", and a gateway error.
    busy: [{ code: -1, message: '系统繁忙' }, { http: 502 }],
    refused: { code: 310000, message: 'keywords not in content' },
    rateLimited: { mode: { code: 130101, message: 'send too fast, exceed 20 times per minute' }, windowMs: 60_000 },
    async start(township) {
      const server = await startDingtalkProviderServer({ [DINGTALK.token]: DINGTALK.secret });
      return { server, ...robot('dingtalk', township, `${server.url}/robot/send?access_token=${DINGTALK.token}`, DINGTALK.secret) };
    },
  },
  {
    name: 'Feishu robot',
    canAsk: false,
    // code 9499 "Too Many Request" (a 1 s wait), and a gateway error.
    busy: [{ code: 9499, message: 'Too Many Request' }, { http: 502 }],
    refused: { code: 19024, message: 'Key Words Not Found' },
    rateLimited: { mode: { code: 11232, message: 'frequency limited psm[lark.oapi.app_platform_runtime]' }, windowMs: 60_000 },
    async start(township) {
      const server = await startFeishuProviderServer({ [FEISHU.token]: FEISHU.secret });
      return { server, ...robot('feishu', township, `${server.url}/open-apis/bot/v2/hook/${FEISHU.token}`, FEISHU.secret) };
    },
  },
];

/**
 * Each provider on a township of its own: a robot's rate gate counts the sends
 * of the last minute on its channel (`robot:<community>`), and the cases of
 * one provider stay well under its limit.
 */
const townships = new Map<string, Promise<TestTownship>>();
const townshipOf = (p: FaultyProvider) => {
  if (!townships.has(p.name)) townships.set(p.name, createTestTownship(stack.db, `provider-faults-${p.name.split(' ')[0]!.toLowerCase()}`));
  return townships.get(p.name)!;
};

/** Runs reminders for these sequences through a worker wired to the provider; closes the provider server after. */
async function withProvider<T>(
  p: FaultyProvider,
  label: string,
  fault: (server: ProviderServer<unknown>) => void,
  check: (ctx: Awaited<ReturnType<FaultyProvider['start']>> & { township: TestTownship; run: string }) => Promise<T>,
  opts: { sequences?: number; inDoubtGraceMinutes?: number } = {},
): Promise<T> {
  const township = await townshipOf(p);
  const started = await p.start(township);
  fault(started.server);
  const taskQueue = uniqueTaskQueue(`fault-${label}`);
  const worker = await workerWith(taskQueue, started.notify, opts.inDoubtGraceMinutes);
  const run = tag();
  try {
    await worker.runUntil(sendReminders(taskQueue, sequencesOf(run, opts.sequences ?? 3), township));
    return await check({ ...started, township, run });
  } finally {
    await started.server.close();
  }
}
const sequencesOf = (run: string, n: number) => Array.from({ length: n }, (_, i) => `${run}-${i + 1}`);

/** Each row's message was taken by the provider exactly once: by its row id where the message carries it, else by the count. */
function expectTakenOnceEach(rows: Array<{ id: string }>, accepted: unknown[], rowIdOf?: (a: unknown) => string | undefined) {
  if (rowIdOf) {
    const ids = accepted.map((a) => rowIdOf(a) ?? '');
    for (const row of rows) expect(count(ids, row.id), `sends of row ${row.id}`).toBe(1);
  }
  // Robots carry no row id: as many acceptances as rows (and the cases count the requests too) means one each.
  expect(accepted).toHaveLength(rows.length);
}

describe.each(PROVIDERS.map((p) => [p.name, p] as const))('%s faults', (_name, p) => {
  it('refuses as it reports a busy system, then recovers: each message exactly once, rows SENT; a refusal no retry fixes is GIVEN_UP, nothing sent', async () => {
    const township = await townshipOf(p);
    const started = await p.start(township);
    for (const mode of p.busy) started.server.failNext(1, mode);
    const taskQueue = uniqueTaskQueue('fault-busy');
    const worker = await workerWith(taskQueue, started.notify);
    const run = tag();
    const sequences = sequencesOf(run, 3);
    const refused = `${run}-refused`;
    try {
      await worker.runUntil(async () => {
        await sendReminders(taskQueue, sequences, township);
        started.server.failNext(1, p.refused);
        await sendReminders(taskQueue, [refused], township);
      });
      const rows = [...(await oneRowEach(started.channel, sequences, township)).values()];
      for (const row of rows) expect(row).toMatchObject({ status: 'SENT', lastError: null });
      expectTakenOnceEach(rows, started.server.accepted, started.rowIdOf);
      // Every refusal was answered (none left over), then one request per message and the refused one; nothing was in doubt.
      expect(started.server.requests).toHaveLength(p.busy.length + 4);
      expect(started.queries()).toBe(0);
      expect(Math.max(...rows.map((r) => r.attempts))).toBeGreaterThanOrEqual(2);
      const row = (await oneRowEach(started.channel, [refused], township)).get(refused)!;
      expect(row).toMatchObject({ status: 'GIVEN_UP', attempts: 1 });
      expect(row.lastError).toContain(String(p.refused.code));
      expect(started.server.accepted).toHaveLength(3);
      console.log(
        `${p.name} busy ×${p.busy.length}: ${started.server.requests.length} requests, attempts ${rows.map((r) => r.attempts).join('/')}; ${p.refused.code} → ${row.status}`,
      );
    } finally {
      await started.server.close();
    }
  });

  it(`accepts but answers only after the client timeout: ${p.canAsk ? 'asked, found, never sent again' : 'IN_DOUBT, never sent again'}`, async () => {
    await withProvider(
      p,
      'slow',
      (server) => server.failNext(2, { stallMs: Math.max(SMS_TIMEOUT_MS, ROBOT_TIMEOUT_MS) * 5 }),
      async ({ server, channel, township, run, queries, rowIdOf }) => {
        const rows = [...(await oneRowEach(channel, sequencesOf(run, 3), township)).values()];
        // The provider took all three, each once: the two unanswered ones were not sent again.
        expectTakenOnceEach(rows, server.accepted, rowIdOf);
        if (p.canAsk) {
          for (const row of rows) expect(row).toMatchObject({ status: 'SENT', lastError: null, attempts: 1 });
          expect(queries()).toBeGreaterThanOrEqual(2);
        } else {
          expect(server.requests).toHaveLength(3);
          const inDoubt = rows.filter((r) => r.status === 'IN_DOUBT');
          expect(inDoubt).toHaveLength(2);
          for (const row of inDoubt) expect(row.lastError).toContain('发送结果不明');
          expect(rows.filter((r) => r.status === 'SENT')).toHaveLength(1);
        }
        console.log(
          `${p.name} answer after the timeout ×2: ${server.requests.length} requests, ${queries()} queries, rows ${rows.map((r) => `${r.status}/${r.attempts}`).join(' ')}`,
        );
      },
    );
  });

  it(`reads the request and cuts the connection, after accepting or before: ${p.canAsk ? 'asked, then confirmed or (not found after the grace) sent once more' : 'both IN_DOUBT for a person to check, never sent again'}`, async () => {
    await withProvider(
      p,
      'drop',
      (server) => {
        server.failNext(1, { drop: 'after-accept' });
        server.failNext(1, { drop: 'before-accept' });
      },
      async ({ server, channel, township, run, queries, rowIdOf }) => {
        const rows = [...(await oneRowEach(channel, sequencesOf(run, 3), township)).values()];
        if (p.canAsk) {
          for (const row of rows) expect(row).toMatchObject({ status: 'SENT', lastError: null });
          expectTakenOnceEach(rows, server.accepted, rowIdOf);
          // One confirmed by the query (1 send), one resent under the same row id after the grace (2 sends), one plain.
          expect(rows.map((r) => r.attempts).sort()).toEqual([1, 1, 2]);
          expect(queries()).toBeGreaterThanOrEqual(2);
        } else {
          // No second request: the one cut after accepting arrived once, the one cut before did not arrive, and both say so.
          expect(server.requests).toHaveLength(3);
          expect(server.accepted).toHaveLength(2);
          const inDoubt = rows.filter((r) => r.status === 'IN_DOUBT');
          expect(inDoubt).toHaveLength(2);
          for (const row of inDoubt) expect(row.lastError).toContain('发送结果不明');
          expect(rows.filter((r) => r.status === 'SENT')).toHaveLength(1);
        }
        console.log(
          `${p.name} cut after/before accepting: ${server.requests.length} requests, ${server.accepted.length} taken, ${queries()} queries, rows ${rows.map((r) => `${r.status}/${r.attempts}`).join(' ')}`,
        );
      },
      { inDoubtGraceMinutes: 0.02 },
    );
  });
});

describe('documented rate-limit answers (every provider at once: the windows are 30 s and a minute)', () => {
  it('the refused message waits out the window the code means, then goes exactly once', async () => {
    const lines = await Promise.all(
      PROVIDERS.map(async (p) =>
        withProvider(
          p,
          'rate',
          (server) => server.failNext(1, p.rateLimited.mode),
          async ({ server, channel, township, run, rowIdOf }) => {
            const rows = [...(await oneRowEach(channel, sequencesOf(run, 2), township)).values()];
            for (const row of rows) expect(row).toMatchObject({ status: 'SENT', lastError: null });
            expectTakenOnceEach(rows, server.accepted, rowIdOf);
            expect(server.requests).toHaveLength(3);
            expect(rows.map((r) => r.attempts).sort()).toEqual([1, 2]);
            // The refused one (its row made at its first try) was not tried again before its window ended.
            const refused = rows.find((r) => r.attempts === 2)!;
            const waited = refused.sentAt!.getTime() - refused.createdAt.getTime();
            expect(waited).toBeGreaterThanOrEqual(p.rateLimited.windowMs);
            return `${p.name} ${'code' in p.rateLimited.mode ? p.rateLimited.mode.code : ''}: sent ${(waited / 1000).toFixed(1)} s after its first try`;
          },
          { sequences: 2 },
        ),
      ),
    );
    console.log(lines.join('; '));
  });
});
