import type { ParsedMail } from 'mailparser';
import { afterEach, describe, expect, it } from 'vitest';
import { createAliyunSmsChannel } from './channels/aliyun-sms';
import { createEmailChannel } from './channels/email';
import { createWecomRobotChannel } from './channels/wecom-robot';
import { deliver, type DeliveryOutcome } from './deliver';
import { isSendError, TransientSendError } from './errors';
import { notificationKey } from './key';
import { planFor, type RoutingPolicy } from './routing';
import { startAliyunSmsProviderServer } from './testing/aliyun-provider-server';
import { AREA_LEADER, COMMUNITY, STAFF, sampleEvent } from './testing/fixtures';
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
const TEMPLATES = { reminder: 'SMS_1', 'due-today': 'SMS_2', overdue: 'SMS_3', escalation: 'SMS_4', 'evidence-rejected': 'SMS_5', digest: 'SMS_6' };
const ALIYUN = { accessKeyId: 'LTAI5tTestKeyId', accessKeySecret: 'aliyun-Secret-0123456789' };
const WECOM_KEY = 'wecom-key-0001';
const now = () => new Date('2022-03-28T02:00:00Z');

async function robotAndSms(robotKey = WECOM_KEY) {
  const wecom = await startWecomProviderServer([WECOM_KEY]);
  const aliyun = await startAliyunSmsProviderServer(ALIYUN, now);
  closers.push(wecom.close, aliyun.close);
  const channels: Record<string, Channel> = {
    [`robot:${COMMUNITY}`]: createWecomRobotChannel({ communityId: COMMUNITY, kind: 'wecom', webhookUrl: `${wecom.url}/cgi-bin/webhook/send?key=${robotKey}` }),
    sms: createAliyunSmsChannel({ ...ALIYUN, signName: '龙泉街道', endpoint: `${aliyun.url}/`, regionId: 'cn-hangzhou', templates: TEMPLATES }),
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
    expect(await deliver(plan, channels, new MemoryOutbox(), { now, rateGate: gate })).toMatchObject({ status: 'deferred', until: '2022-03-28T02:01:00.000Z' });
    expect(wecom.requests).toHaveLength(0);
  });

  it('skips digest-mode plans and reports plans without a usable channel', async () => {
    expect(await deliver(planFor(sampleEvent(), AREA_LEADER, policy), {}, new MemoryOutbox())).toEqual({ status: 'skipped', reason: 'digest' });
    const none = planFor(sampleEvent(), { ...STAFF, mobile: undefined }, { ...policy, available: { email: false, sms: false, robotCommunities: [] } });
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
    const email = createEmailChannel({ host: '127.0.0.1', port, secure: false, user: USER, pass: PASS, from: 'duban@example.cn', timeoutMs: 2000 });
    closers.push(() => email.close());
    const outbox = new MemoryOutbox();
    const officials = Array.from({ length: 5 }, (_, i) => ({ ...AREA_LEADER, userId: `u-area-${i}`, email: `leader${i}@example.gov.cn`, preferences: { digest: false, order: ['email' as const] } }));
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

describe('notificationKey', () => {
  it('is deterministic and separates event, recipient and channel', () => {
    const e = sampleEvent();
    expect(notificationKey(e, STAFF, 'sms')).toBe(notificationKey(sampleEvent(), { ...STAFF }, 'sms'));
    expect(notificationKey(e, STAFF, 'sms')).toBe('ntf:v1:reminder:ob-2022-03-fraud-longquan:u-staff-1:sms');
    expect(notificationKey({ id: 'a:b', type: 'reminder' }, { userId: 'c' }, 'sms')).not.toBe(notificationKey({ id: 'a', type: 'reminder' }, { userId: 'b:c' }, 'sms'));
    expect(new TransientSendError('x', { provider: 'smtp' }).permanent).toBe(false);
  });
});
