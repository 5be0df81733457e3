import { afterEach, describe, expect, it } from 'vitest';
import { PermanentSendError, TransientSendError } from '../errors';
import { renderEmail } from '../templates/render';
import { STAFF, sampleEvent } from '../testing/fixtures';
import { startSmtpProviderServer, type SmtpProviderServer } from '../testing/smtp-provider-server';
import { createEmailChannel } from './email';

const USER = 'duban@example.cn';
const PASS = 'smtp-Pa55-secret';
let server: SmtpProviderServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

const channelFor = (port: number, pass = PASS) =>
  createEmailChannel({ host: '127.0.0.1', port, secure: false, user: USER, pass, from: '督办系统 <duban@example.cn>', timeoutMs: 3000 });

describe('email over SMTP (loopback smtp-server with AUTH, parsed with mailparser)', () => {
  it('delivers a Chinese subject and body, the link, text and HTML parts', async () => {
    server = await startSmtpProviderServer({ user: USER, pass: PASS });
    const channel = channelFor(server.port);
    const event = sampleEvent({ task: { ...sampleEvent().task, communityName: '龙泉<script>alert(1)</script>社区' } });
    const result = await channel.send(renderEmail(event, STAFF), { key: 'k-1' });
    channel.close();

    expect(result.provider).toBe('smtp');
    expect(result.messageId).toMatch(/@/);
    expect(result.raw).toMatch(/^250/);
    expect(server.mails).toHaveLength(1);
    const mail = server.mails[0]!;
    expect(mail.subject).toBe('【督办提醒】龙泉<script>alert(1)</script>社区·防电信诈骗宣传（2022年3月）');
    expect(mail.to && !Array.isArray(mail.to) ? mail.to.value[0]?.address : undefined).toBe('wxh@example.cn');
    expect(mail.from?.value[0]?.name).toBe('督办系统');
    expect(mail.headers.get('x-duban-key')).toBe('k-1');
    expect(mail.text).toContain('将于2022年3月31日 24:00截止');
    expect(mail.text).toContain('https://duban.example.gov.cn/tasks/ob-2022-03-fraud-longquan?tab=evidence&x=1');
    const html = String(mail.html);
    expect(html).toContain('龙泉&lt;script&gt;alert(1)&lt;/script&gt;社区');
    expect(html).not.toContain('<script>');
    expect(html).toContain('href="https://duban.example.gov.cn/tasks/ob-2022-03-fraud-longquan?tab=evidence&amp;x=1"');
  });

  it('wrong credentials are permanent and never echo the password', async () => {
    server = await startSmtpProviderServer({ user: USER, pass: PASS });
    const channel = channelFor(server.port, 'wrong-Pa55-word');
    const err = await channel.send(renderEmail(sampleEvent(), STAFF), { key: 'k-2' }).catch((e: unknown) => e);
    channel.close();
    expect(err).toBeInstanceOf(PermanentSendError);
    expect(String((err as Error).message)).not.toContain('wrong-Pa55-word');
    expect(server.mails).toHaveLength(0);
  });

  it('a server that is down is a transient failure', async () => {
    const probe = await startSmtpProviderServer({ user: USER, pass: PASS });
    const port = probe.port;
    await probe.close();
    const channel = channelFor(port);
    await expect(channel.send(renderEmail(sampleEvent(), STAFF), { key: 'k-3' })).rejects.toBeInstanceOf(TransientSendError);
    channel.close();
  });

  it('a server that never greets is a transient failure (nothing was sent), even when a busy event loop lets the timers fire late', async () => {
    server = await startSmtpProviderServer({ user: USER, pass: PASS, slowGreeting: { count: 8, ms: 5000 } });
    const channel = createEmailChannel({
      host: '127.0.0.1',
      port: server.port,
      secure: false,
      user: USER,
      pass: PASS,
      from: USER,
      timeoutMs: 500,
    });
    // Started a few milliseconds apart, as concurrent workflows do.
    const sends = Array.from(
      { length: 8 },
      (_, i) =>
        new Promise<unknown>((resolve) =>
          setTimeout(
            () => resolve(channel.send(renderEmail(sampleEvent(), STAFF), { key: `k-greet-${i}` }).catch((e: unknown) => e)),
            i * 3,
          ),
        ),
    );
    // The loaded box of the fault suite: the loop is held past the greeting's deadline, so the
    // greeting timer and the socket's idle timer are both due when it comes back.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const until = Date.now() + 700;
    while (Date.now() < until);
    const errors = await Promise.all(sends);
    channel.close();
    expect(errors.map((e) => (e as Error).constructor.name)).toEqual(Array(8).fill('TransientSendError'));
    expect(server.mails).toHaveLength(0);
  });

  it('a recipient without an address is a permanent failure', async () => {
    const channel = channelFor(1);
    await expect(channel.send(renderEmail(sampleEvent(), { ...STAFF, email: undefined }), { key: 'k-4' })).rejects.toBeInstanceOf(
      PermanentSendError,
    );
  });
});
