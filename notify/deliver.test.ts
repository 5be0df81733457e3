import type { ParsedMail } from 'mailparser';
import { afterEach, describe, expect, it } from 'vitest';
import { createAliyunSmsChannel } from './channels/aliyun-sms';
import { createEmailChannel } from './channels/email';
import { createWecomRobotChannel } from './channels/wecom-robot';
import { deliver, type DeliveryOutcome } from './deliver';
import { createTencentSmsChannel } from './channels/tencent-sms';
import { InDoubtSendError, isSendError, TransientSendError } from './errors';
import { notificationKey } from './key';
import { planFor, type RoutingPolicy } from './routing';
import { startAliyunSmsProviderServer } from './testing/aliyun-provider-server';
import { startTencentSmsProviderServer } from './testing/tencent-provider-server';
import { AREA_LEADER, COMMUNITY, SMS_TEMPLATES, STAFF, sampleEvent } from './testing/fixtures';
import { MemoryOutbox } from './testing/memory-outbox';
import { startSmtpProviderServer, type SmtpProviderServer } from './testing/smtp-provider-server';
import { startWecomProviderServer } from './testing/wecom-provider-server';
import type { Channel } from './types';

const closers: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

const policy: RoutingPolicy = {
  quietHours: { start: '22:00', end: '07:00', enabled: true },
  available: { email: true, sms: true, robotCommunities: [COMMUNITY] },
};
const ALIYUN = { accessKeyId: 'LTAI5tTestKeyId', accessKeySecret: 'aliyun-Secret-0123456789' };
const WECOM_KEY = 'wecom-key-0001';
const now = () => new Date('2022-03-28T02:00:00Z');

async function robotAndSms(robotKey = WECOM_KEY) {
  const wecom = await startWecomProviderServer([WECOM_KEY]);
  const aliyun = await startAliyunSmsProviderServer(ALIYUN, now);
  closers.push(wecom.close, aliyun.close);
  const channels: Record<string, Channel> = {
    [`robot:${COMMUNITY}`]: createWecomRobotChannel({
      communityId: COMMUNITY,
      kind: 'wecom',
      webhookUrl: `${wecom.url}/cgi-bin/webhook/send?key=${robotKey}`,
    }),
    sms: createAliyunSmsChannel({
      ...ALIYUN,
      signName: '龙泉街道',
      endpoint: `${aliyun.url}/`,
      regionId: 'cn-hangzhou',
      templates: SMS_TEMPLATES,
    }),
  };
  return { wecom, aliyun, channels };
}

/** Simulates Temporal activity retries: transient errors are retried, anything else ends the loop. */
async function withRetries(run: () => Promise<DeliveryOutcome>, onRetry: (n: number) => Promise<void> | void = () => {}, max = 10) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (e) {
      if (attempt >= max || (isSendError(e) && e.permanent)) throw e;
      await onRetry(attempt);
    }
  }
}

const plan = planFor(sampleEvent(), STAFF, policy);

describe('deliver', () => {
  it('falls back to SMS when the robot is permanently broken, and a retry sends nothing again', async () => {
    const { wecom, aliyun, channels } = await robotAndSms('revoked-key');
    const outbox = new MemoryOutbox();
    const first = await deliver(plan, channels, outbox, { now });
    expect(first).toMatchObject({ status: 'sent', channelId: 'sms' });
    expect(aliyun.accepted).toHaveLength(1);
    expect(wecom.accepted).toHaveLength(0);
    expect(outbox.rows.get(notificationKey(plan.event, STAFF, `robot:${COMMUNITY}`))).toMatchObject({ state: 'failed', permanent: true });
    expect(await deliver(plan, channels, outbox, { now })).toMatchObject({ status: 'already-sent', channelId: 'sms' });
    expect(aliyun.accepted).toHaveLength(1);
  });

  it('a rate limit (WeCom 45009) comes back deferred by its documented window, without falling back', async () => {
    const { wecom, aliyun, channels } = await robotAndSms();
    const outbox = new MemoryOutbox();
    wecom.failNext(2, { code: 45009 });
    const first = await deliver(plan, channels, outbox, { now });
    expect(first).toEqual({ status: 'deferred', until: new Date(now().getTime() + 60_000).toISOString(), channelId: `robot:${COMMUNITY}` });
    expect(await deliver(plan, channels, outbox, { now })).toMatchObject({ status: 'deferred' });
    const outcome = await deliver(plan, channels, outbox, { now });
    expect(outcome).toMatchObject({ status: 'sent', channelId: `robot:${COMMUNITY}` });
    expect(wecom.requests).toHaveLength(3);
    expect(wecom.accepted).toHaveLength(1);
    expect(aliyun.requests).toHaveLength(0);
  });

  it('markSent failing once after the provider accepted does not resend', async () => {
    const { wecom, channels } = await robotAndSms();
    const outbox = new MemoryOutbox();
    outbox.failMarkSent = 1;
    expect(await deliver(plan, channels, outbox, { now })).toMatchObject({ status: 'sent' });
    expect(await deliver(plan, channels, outbox, { now })).toMatchObject({ status: 'already-sent' });
    expect(wecom.accepted).toHaveLength(1);
  });

  it('markSent failing for good leaves the send in doubt: retries report it and never resend', async () => {
    const { wecom, aliyun, channels } = await robotAndSms();
    const outbox = new MemoryOutbox();
    outbox.failMarkSent = 100;
    await expect(deliver(plan, channels, outbox, { now, markSentAttempts: 2 })).rejects.toThrow('outbox unavailable');
    outbox.failMarkSent = 0;
    expect(await deliver(plan, channels, outbox, { now })).toMatchObject({ status: 'in-doubt', channelId: `robot:${COMMUNITY}` });
    expect(wecom.accepted).toHaveLength(1);
    expect(aliyun.requests).toHaveLength(0);
  });

  it('defers before notBefore and while the robot rate gate is closed', async () => {
    const { channels, wecom } = await robotAndSms();
    const night = planFor(sampleEvent({ at: '2022-03-28T15:30:00Z' }), STAFF, policy);
    expect(await deliver(night, channels, new MemoryOutbox(), { now: () => new Date('2022-03-28T15:30:00Z') })).toEqual({
      status: 'deferred',
      until: '2022-03-28T23:00:00.000Z',
    });
    const gate = () => new Date('2022-03-28T02:01:00Z');
    expect(await deliver(plan, channels, new MemoryOutbox(), { now, rateGate: gate })).toMatchObject({
      status: 'deferred',
      until: '2022-03-28T02:01:00.000Z',
    });
    expect(wecom.requests).toHaveLength(0);
  });

  it('skips digest-mode plans and reports plans without a usable channel', async () => {
    expect(await deliver(planFor(sampleEvent(), AREA_LEADER, policy), {}, new MemoryOutbox())).toEqual({
      status: 'skipped',
      reason: 'digest',
    });
    const none = planFor(
      sampleEvent(),
      { ...STAFF, mobile: undefined },
      { ...policy, available: { email: false, sms: false, robotCommunities: [] } },
    );
    expect(await deliver(none, {}, new MemoryOutbox())).toEqual({ status: 'skipped', reason: 'unreachable' });
  });
});

describe('SMTP outage', () => {
  it('with activity-style retries every message arrives exactly once', async () => {
    const USER = 'duban@example.cn';
    const PASS = 'smtp-Pa55-secret';
    const probe = await startSmtpProviderServer({ user: USER, pass: PASS });
    const port = probe.port;
    await probe.close(); // down
    const mails: ParsedMail[] = [];
    let server: Promise<SmtpProviderServer> | undefined;
    closers.push(async () => (await server)?.close());
    const email = createEmailChannel({
      host: '127.0.0.1',
      port,
      secure: false,
      user: USER,
      pass: PASS,
      from: 'duban@example.cn',
      timeoutMs: 2000,
    });
    closers.push(() => email.close());
    const outbox = new MemoryOutbox();
    const officials = Array.from({ length: 5 }, (_, i) => ({
      ...AREA_LEADER,
      userId: `u-area-${i}`,
      email: `leader${i}@example.gov.cn`,
      preferences: { digest: false, order: ['email' as const] },
    }));
    let transientSeen = 0;
    const outcomes = await Promise.all(
      officials.map((o) =>
        withRetries(
          () => deliver(planFor(sampleEvent(), o, policy), { email }, outbox, { now }),
          async (n) => {
            transientSeen++;
            // The server comes back after the third round of failures.
            // (one shared promise: parallel retries must not start it twice on the same port).
            if (n >= 3) await (server ??= startSmtpProviderServer({ user: USER, pass: PASS, port, mails }));
            await new Promise((r) => setTimeout(r, 20));
          },
        ),
      ),
    );
    expect(transientSeen).toBeGreaterThanOrEqual(5);
    expect(outcomes.every((o) => o.status === 'sent')).toBe(true);
    // Run every delivery again, as a replayed activity would: nothing new goes out.
    for (const o of officials) await deliver(planFor(sampleEvent(), o, policy), { email }, outbox, { now });
    const keys = mails.map((m) => m.headers.get('x-duban-key'));
    expect(mails).toHaveLength(5);
    expect(new Set(keys).size).toBe(5);
  });
});

describe('in doubt: the provider accepted, the answer was lost', () => {
  const smsOnly: RoutingPolicy = { ...policy, available: { email: true, sms: true, robotCommunities: [] } };
  const smsPlan = planFor(sampleEvent(), STAFF, smsOnly);
  const TENCENT = { secretId: 'AKIDtestSecretId0001', secretKey: 'tencent-Secret-abcdef' };
  const clock = () => new Date();

  it.each(['aliyun', 'tencent'] as const)(
    '%s: the retry asks the provider, finds the message by the row id, and sends nothing again',
    async (kind) => {
      const server = kind === 'aliyun' ? await startAliyunSmsProviderServer(ALIYUN) : await startTencentSmsProviderServer(TENCENT);
      closers.push(server.close);
      const sms =
        kind === 'aliyun'
          ? createAliyunSmsChannel({
              ...ALIYUN,
              signName: '龙泉街道',
              endpoint: `${server.url}/`,
              regionId: 'cn-hangzhou',
              templates: SMS_TEMPLATES,
              timeoutMs: 300,
            })
          : createTencentSmsChannel({
              ...TENCENT,
              sdkAppId: '1400000001',
              signName: '龙泉街道',
              region: 'ap-guangzhou',
              endpoint: `${server.url}/`,
              templates: SMS_TEMPLATES,
              timeoutMs: 300,
            });
      server.failNext(1, { stallMs: 2000 });
      const outbox = new MemoryOutbox();
      const first = await deliver(smsPlan, { sms }, outbox, { now: clock }).catch((e: unknown) => e);
      expect(first).toBeInstanceOf(InDoubtSendError);
      const key = notificationKey(smsPlan.event, STAFF, 'sms');
      const row = outbox.rows.get(key)!;
      expect(row.state).toBe('in-doubt');
      expect(server.accepted).toHaveLength(1);
      // The per-message id is the row's, not the business key.
      const accepted = server.accepted[0]!;
      const sentRef = 'outId' in accepted ? accepted.outId : 'sessionContext' in accepted ? accepted.sessionContext : undefined;
      expect(sentRef).toBe(row.ref);
      expect(sentRef).not.toBe(key);

      expect(await deliver(smsPlan, { sms }, outbox, { now: clock })).toMatchObject({ status: 'already-sent', channelId: 'sms' });
      expect(outbox.rows.get(key)).toMatchObject({ state: 'sent', receipt: { state: 'delivered' } });
      expect(server.accepted).toHaveLength(1);
      expect(server.queries.length).toBeGreaterThanOrEqual(1);
    },
  );

  it('not found by the provider: waits for the grace period, then sends once more under the same id', async () => {
    const server = await startAliyunSmsProviderServer(ALIYUN);
    closers.push(server.close);
    const sms = createAliyunSmsChannel({
      ...ALIYUN,
      signName: '龙泉街道',
      endpoint: `${server.url}/`,
      regionId: 'cn-hangzhou',
      templates: SMS_TEMPLATES,
      timeoutMs: 300,
    });
    const outbox = new MemoryOutbox();
    // The send is cut before the provider took it (the worker died): the row was left "sending".
    const key = notificationKey(smsPlan.event, STAFF, 'sms');
    await outbox.claim(key, {
      eventId: smsPlan.event.id,
      eventType: 'reminder',
      recipientId: STAFF.userId,
      channelId: 'sms',
      attemptAt: new Date().toISOString(),
    });
    const deferred = await deliver(smsPlan, { sms }, outbox, { now: clock, inDoubtGraceMs: 60_000 });
    expect(deferred).toMatchObject({ status: 'deferred', channelId: 'sms' });
    expect(server.accepted).toHaveLength(0);
    const later = () => new Date(Date.now() + 61_000);
    expect(await deliver(smsPlan, { sms }, outbox, { now: later, inDoubtGraceMs: 60_000 })).toMatchObject({
      status: 'sent',
      channelId: 'sms',
    });
    expect(server.accepted).toHaveLength(1);
    expect(server.accepted[0]!.outId).toBe(outbox.rows.get(key)!.ref);
  });
});

describe('fallback after a bounded time', () => {
  it('an escalation whose SMS is rate-limited by the hour moves to email at once; by the minute it waits, then moves at the bound', async () => {
    const aliyun = await startAliyunSmsProviderServer(ALIYUN, now);
    const smtp = await startSmtpProviderServer({ user: 'u', pass: 'p' });
    closers.push(aliyun.close, smtp.close);
    const channels: Record<string, Channel> = {
      sms: createAliyunSmsChannel({
        ...ALIYUN,
        signName: '龙泉街道',
        endpoint: `${aliyun.url}/`,
        regionId: 'cn-hangzhou',
        templates: SMS_TEMPLATES,
      }),
      email: createEmailChannel({
        host: '127.0.0.1',
        port: smtp.port,
        secure: false,
        user: 'u',
        pass: 'p',
        from: 'duban <d@duban.test>',
        timeoutMs: 3000,
      }),
    };
    const noRobot: RoutingPolicy = { ...policy, available: { email: true, sms: true, robotCommunities: [] } };
    aliyun.rejectAll({ code: 'isv.BUSINESS_LIMIT_CONTROL', message: '触发小时级流控Permits:5' });
    const escalation = planFor(
      { ...sampleEvent(), type: 'escalation', urgency: 'escalation' },
      { ...STAFF, email: 'staff@duban.test' },
      noRobot,
    );
    expect(escalation.attempts.map((a) => a.medium)).toEqual(['sms', 'email']);
    expect(await deliver(escalation, channels, new MemoryOutbox(), { now, escalationFallbackMs: 10 * 60_000 })).toMatchObject({
      status: 'sent',
      channelId: 'email',
    });
    expect(smtp.mails).toHaveLength(1);

    // Minute level: the escalation waits a minute on SMS (inside its 10-minute bound).
    aliyun.rejectAll({ code: 'isv.BUSINESS_LIMIT_CONTROL', message: '触发分钟级流控Permits:1' });
    const outbox = new MemoryOutbox();
    expect(await deliver(escalation, channels, outbox, { now, escalationFallbackMs: 10 * 60_000 })).toEqual({
      status: 'deferred',
      until: new Date(now().getTime() + 60_000).toISOString(),
      channelId: 'sms',
    });
    // Past the bound: email, without another SMS request.
    const requests = aliyun.requests.length;
    const past = () => new Date(now().getTime() + 10 * 60_000);
    expect(await deliver(escalation, channels, outbox, { now: past, escalationFallbackMs: 10 * 60_000 })).toMatchObject({
      status: 'sent',
      channelId: 'email',
    });
    expect(aliyun.requests.length).toBe(requests);
    expect(smtp.mails).toHaveLength(2);
  });
});

describe('notificationKey', () => {
  it('is deterministic and separates event, recipient and channel', () => {
    const e = sampleEvent();
    expect(notificationKey(e, STAFF, 'sms')).toBe(notificationKey(sampleEvent(), { ...STAFF }, 'sms'));
    expect(notificationKey(e, STAFF, 'sms')).toBe('ntf:v1:reminder:ob-2022-03-fraud-longquan:u-staff-1:sms');
    expect(notificationKey({ id: 'a:b', type: 'reminder' }, { userId: 'c' }, 'sms')).not.toBe(
      notificationKey({ id: 'a', type: 'reminder' }, { userId: 'b:c' }, 'sms'),
    );
    expect(new TransientSendError('x', { provider: 'smtp' }).permanent).toBe(false);
  });
});
