import { afterEach, describe, expect, it } from 'vitest';
import { InDoubtSendError, PermanentSendError, TransientSendError, type SendError } from '../errors';
import { renderSms } from '../templates/render';
import { startAliyunSmsProviderServer } from '../testing/aliyun-provider-server';
import { SMS_TEMPLATES, STAFF, sampleEvent } from '../testing/fixtures';
import { startTencentSmsProviderServer } from '../testing/tencent-provider-server';
import { createAliyunSmsChannel } from './aliyun-sms';
import { createTencentSmsChannel } from './tencent-sms';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});

const ALIYUN = { accessKeyId: 'LTAI5tTestKeyId', accessKeySecret: 'aliyun-Secret-0123456789' };
const TENCENT = { secretId: 'AKIDtestSecretId0001', secretKey: 'tencent-Secret-0123456789' };
const fail = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected failure');
    },
    (e: unknown) => e as SendError,
  );

async function aliyun(secret = ALIYUN.accessKeySecret) {
  const server = await startAliyunSmsProviderServer(ALIYUN);
  closers.push(server.close);
  const channel = createAliyunSmsChannel({
    ...ALIYUN,
    accessKeySecret: secret,
    signName: '龙泉街道',
    endpoint: `${server.url}/`,
    regionId: 'cn-hangzhou',
    templates: SMS_TEMPLATES,
  });
  return { server, channel };
}

async function tencent(secret = TENCENT.secretKey) {
  const server = await startTencentSmsProviderServer(TENCENT);
  closers.push(server.close);
  const channel = createTencentSmsChannel({
    ...TENCENT,
    secretKey: secret,
    sdkAppId: '1400000001',
    signName: '龙泉街道',
    region: 'ap-guangzhou',
    endpoint: `${server.url}/`,
    templates: SMS_TEMPLATES,
  });
  return { server, channel };
}

describe('Aliyun SendSms against the loopback provider', () => {
  it('sends a signed request with template code and JSON params', async () => {
    const { server, channel } = await aliyun();
    const result = await channel.send(renderSms(sampleEvent(), STAFF), { key: 'ntf:v1:k' });
    expect(result).toMatchObject({ provider: 'aliyun-sms', messageId: expect.stringMatching(/^9006/), requestId: expect.any(String) });
    expect(JSON.parse(result.raw)).toMatchObject({ Code: 'OK', Message: 'OK' });
    expect(server.accepted).toEqual([
      {
        phoneNumbers: '13800138000',
        signName: '龙泉街道',
        templateCode: 'SMS_1',
        templateParam: { community: '龙泉社区', rule: '防电信诈骗宣传', deadline: '2022年3月31日 24:00' },
        outId: 'ntf:v1:k',
      },
    ]);
  });

  it('a wrong secret is SignatureDoesNotMatch: permanent, and the secret is not in the error', async () => {
    const { channel } = await aliyun('not-the-Right-secret');
    const err = await fail(channel.send(renderSms(sampleEvent(), STAFF), { key: 'k' }));
    expect(err).toBeInstanceOf(PermanentSendError);
    expect(err.code).toBe('SignatureDoesNotMatch');
    expect(err.httpStatus).toBe(400);
    expect(JSON.stringify({ m: err.message, r: err.raw })).not.toContain('not-the-Right-secret');
  });

  it('maps flow control and 5xx to transient, bad numbers to permanent', async () => {
    const { server, channel } = await aliyun();
    const msg = renderSms(sampleEvent(), STAFF);
    server.failNext(1, { code: 'isv.BUSINESS_LIMIT_CONTROL', message: '触发小时级流控Permits:5' });
    server.failNext(1, { http: 503 });
    server.failNext(1, { code: 'isv.MOBILE_NUMBER_ILLEGAL', message: '非法手机号' });
    expect(await fail(channel.send(msg, { key: 'k' }))).toBeInstanceOf(TransientSendError);
    expect(await fail(channel.send(msg, { key: 'k' }))).toBeInstanceOf(TransientSendError);
    const bad = await fail(channel.send(msg, { key: 'k' }));
    expect(bad).toBeInstanceOf(PermanentSendError);
    expect(bad.code).toBe('isv.MOBILE_NUMBER_ILLEGAL');
    await channel.send(msg, { key: 'k' });
    expect(server.accepted).toHaveLength(1);
  });

  it('rejects a non-mainland number before calling the provider', async () => {
    const { server, channel } = await aliyun();
    const err = await fail(channel.send(renderSms(sampleEvent(), { ...STAFF, mobile: '12345' }), { key: 'k' }));
    expect(err).toBeInstanceOf(PermanentSendError);
    expect(server.requests).toHaveLength(0);
  });
});

describe('Tencent SendSms (TC3-HMAC-SHA256) against the loopback provider', () => {
  it('sends +86 numbers, template id and ordered params, signed', async () => {
    const { server, channel } = await tencent();
    const result = await channel.send(renderSms(sampleEvent({ type: 'overdue' }), STAFF), { key: 'ntf:v1:t' });
    expect(result.provider).toBe('tencent-sms');
    expect(result.messageId).toMatch(/^5000:/);
    expect(result.requestId).toEqual(expect.any(String));
    expect(server.accepted).toEqual([
      {
        phoneNumbers: ['+8613800138000'],
        sdkAppId: '1400000001',
        signName: '龙泉街道',
        templateId: 'SMS_3',
        templateParams: ['龙泉社区', '防电信诈骗宣传', '1'],
        sessionContext: 'ntf:v1:t',
      },
    ]);
    const auth = String(server.requests[0]?.headers.authorization);
    expect(auth).toMatch(
      /^TC3-HMAC-SHA256 Credential=AKIDtestSecretId0001\/\d{4}-\d{2}-\d{2}\/sms\/tc3_request, SignedHeaders=content-type;host;x-tc-action, Signature=[0-9a-f]{64}$/,
    );
  });

  it('a wrong key is AuthFailure.SignatureFailure: permanent', async () => {
    const { channel } = await tencent('not-the-Right-key');
    const err = await fail(channel.send(renderSms(sampleEvent(), STAFF), { key: 'k' }));
    expect(err).toBeInstanceOf(PermanentSendError);
    expect(err.code).toBe('AuthFailure.SignatureFailure');
    expect(JSON.stringify({ m: err.message, r: err.raw })).not.toContain('not-the-Right-key');
  });

  it('maps RequestLimitExceeded/5xx to transient, InternalError.Timeout to in doubt, FailedOperation to permanent', async () => {
    const { server, channel } = await tencent();
    const msg = renderSms(sampleEvent(), STAFF);
    server.failNext(1, { code: 'RequestLimitExceeded', message: 'request limit exceeded' });
    server.failNext(1, { code: 'InternalError.Timeout', message: 'timeout' });
    server.failNext(1, { http: 502 });
    server.failNext(1, { code: 'FailedOperation.TemplateIncorrectOrUnapproved', message: 'template unapproved' });
    const limited = await fail(channel.send(msg, { key: 'k' }));
    expect(limited).toBeInstanceOf(TransientSendError);
    expect((limited as TransientSendError).retryAfterMs).toBe(1000);
    // "请求下发短信超时": the carrier may have it, so it must not be blindly resent.
    expect(await fail(channel.send(msg, { key: 'k' }))).toBeInstanceOf(InDoubtSendError);
    expect(await fail(channel.send(msg, { key: 'k' }))).toBeInstanceOf(TransientSendError);
    expect(await fail(channel.send(msg, { key: 'k' }))).toBeInstanceOf(PermanentSendError);
  });

  it('a number at its daily limit inside SendStatusSet is a rate limit with a one-day window (deliver falls back)', async () => {
    const server = await startTencentSmsProviderServer(TENCENT, { '+8613800138000': 'LimitExceeded.PhoneNumberDailyLimit' });
    closers.push(server.close);
    const channel = createTencentSmsChannel({
      ...TENCENT,
      sdkAppId: '1400000001',
      signName: '龙泉街道',
      region: 'ap-guangzhou',
      endpoint: `${server.url}/`,
      templates: SMS_TEMPLATES,
    });
    const err = await fail(channel.send(renderSms(sampleEvent(), STAFF), { key: 'k' }));
    expect(err).toBeInstanceOf(TransientSendError);
    expect(err.code).toBe('LimitExceeded.PhoneNumberDailyLimit');
    expect((err as TransientSendError).retryAfterMs).toBe(86_400_000);
  });
});
