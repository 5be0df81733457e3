import { describe, expect, it } from 'vitest';
import { aliyunFlowControlWindow, classifyHttpStatus, classifyProviderCode, classifySmtpReply, retryAfterMs } from './error-codes';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

describe('classifyProviderCode: documented codes and their treatment', () => {
  it.each([
    ['aliyun-sms', 'isv.BUSINESS_LIMIT_CONTROL', '触发分钟级流控Permits:1', { kind: 'rate-limit', windowMs: MIN }],
    ['aliyun-sms', 'isv.BUSINESS_LIMIT_CONTROL', '触发小时级流控Permits:5', { kind: 'rate-limit', windowMs: HOUR }],
    ['aliyun-sms', 'isv.BUSINESS_LIMIT_CONTROL', '触发天级流控Permits:10', { kind: 'rate-limit', windowMs: DAY }],
    ['aliyun-sms', 'isv.DAY_LIMIT_CONTROL', '触发日发送限额', { kind: 'rate-limit', windowMs: DAY }],
    ['aliyun-sms', 'isv.MOBILE_NUMBER_ILLEGAL', '非法手机号', { kind: 'permanent' }],
    ['aliyun-sms', 'isv.AMOUNT_NOT_ENOUGH', '账户余额不足', { kind: 'permanent' }],
    ['aliyun-sms', 'isv.OUT_OF_SERVICE', '业务停机', { kind: 'permanent' }],
    ['aliyun-sms', 'SignatureDoesNotMatch', '', { kind: 'permanent' }],
    ['aliyun-sms', 'isp.SYSTEM_ERROR', '', { kind: 'transient' }],
    ['aliyun-sms', 'isp.SOMETHING_NEW', '', { kind: 'transient' }],
    ['aliyun-sms', 'Throttling.User', '', { kind: 'rate-limit', windowMs: 1000 }],
    ['aliyun-sms', 'isv.SOMETHING_UNKNOWN', '', { kind: 'permanent' }],
    ['tencent-sms', 'LimitExceeded.PhoneNumberThirtySecondLimit', '', { kind: 'rate-limit', windowMs: 30_000 }],
    ['tencent-sms', 'LimitExceeded.PhoneNumberOneHourLimit', '', { kind: 'rate-limit', windowMs: HOUR }],
    ['tencent-sms', 'LimitExceeded.PhoneNumberDailyLimit', '', { kind: 'rate-limit', windowMs: DAY }],
    ['tencent-sms', 'LimitExceeded.DeliveryFrequencyLimit', '', { kind: 'rate-limit', windowMs: 30_000 }],
    ['tencent-sms', 'LimitExceeded.PhoneNumberCountLimit', '', { kind: 'permanent' }],
    ['tencent-sms', 'RequestLimitExceeded.IPLimitExceeded', '', { kind: 'rate-limit', windowMs: 1000 }],
    ['tencent-sms', 'FailedOperation.InsufficientBalanceInSmsPackage', '', { kind: 'permanent' }],
    ['tencent-sms', 'FailedOperation.TemplateIncorrectOrUnapproved', '', { kind: 'permanent' }],
    ['tencent-sms', 'InternalError.SigFail', '', { kind: 'permanent' }],
    ['tencent-sms', 'InternalError.SigVerificationFail', '', { kind: 'permanent' }],
    ['tencent-sms', 'InternalError.RequestTimeException', '', { kind: 'permanent' }],
    ['tencent-sms', 'InternalError.Timeout', '', { kind: 'in-doubt' }],
    ['tencent-sms', 'InternalError.SendAndRecvFail', '', { kind: 'in-doubt' }],
    ['tencent-sms', 'InternalError.OtherError', '', { kind: 'transient' }],
    ['tencent-sms', 'AuthFailure.SignatureFailure', '', { kind: 'permanent' }],
    ['tencent-sms', 'AuthFailure.SignatureExpire', '', { kind: 'permanent' }],
    ['tencent-sms', 'InvalidParameterValue.IncorrectPhoneNumber', '', { kind: 'permanent' }],
    ['wecom', '45009', 'api freq out of limit', { kind: 'rate-limit', windowMs: MIN }],
    ['wecom', '-1', 'system busy', { kind: 'transient' }],
    ['wecom', '93000', 'invalid webhook url', { kind: 'permanent' }],
    ['dingtalk', '130101', 'send too fast', { kind: 'rate-limit', windowMs: MIN }],
    ['dingtalk', '660026', '', { kind: 'rate-limit', windowMs: 10 * MIN }],
    ['dingtalk', '410100', '', { kind: 'rate-limit', windowMs: 10 * MIN }],
    ['dingtalk', '310000', 'sign not match', { kind: 'permanent' }],
    ['feishu', '9499', 'Too Many Request', { kind: 'rate-limit', windowMs: 1000 }],
    ['feishu', '11232', 'frequency limited', { kind: 'rate-limit', windowMs: MIN }],
    ['feishu', '19021', 'sign match fail', { kind: 'permanent' }],
  ] as const)('%s %s %s', (provider, code, message, expected) => {
    expect(classifyProviderCode(provider, code, message)).toEqual(expected);
  });

  it('reads the flow-control level from the message, the minute level when it cannot', () => {
    expect(aliyunFlowControlWindow('触发天级流控Permits:10')).toBe(DAY);
    expect(aliyunFlowControlWindow('触发业务流控')).toBe(MIN);
  });

  it('SMTP: 4xx waits, 5xx is final', () => {
    expect(classifySmtpReply(421)).toEqual({ kind: 'transient' });
    expect(classifySmtpReply(452)).toEqual({ kind: 'transient' });
    expect(classifySmtpReply(550)).toEqual({ kind: 'permanent' });
    expect(classifyProviderCode('smtp', '554')).toEqual({ kind: 'permanent' });
  });
});

describe('HTTP status and Retry-After', () => {
  const now = new Date('2026-11-30T12:00:00Z');
  it('429 waits for Retry-After in seconds or as an HTTP date, a minute without it', () => {
    expect(classifyHttpStatus(429, '17', now)).toEqual({ kind: 'rate-limit', windowMs: 17_000 });
    expect(classifyHttpStatus(429, 'Mon, 30 Nov 2026 12:02:00 GMT', now)).toEqual({ kind: 'rate-limit', windowMs: 120_000 });
    expect(classifyHttpStatus(429, null, now)).toEqual({ kind: 'rate-limit', windowMs: MIN });
  });
  it('503 with Retry-After is a rate limit, other 5xx transient, 2xx-4xx left to the body', () => {
    expect(classifyHttpStatus(503, '5', now)).toEqual({ kind: 'rate-limit', windowMs: 5000 });
    expect(classifyHttpStatus(502, null, now)).toEqual({ kind: 'transient' });
    expect(classifyHttpStatus(400, null, now)).toBeNull();
    expect(classifyHttpStatus(200, null, now)).toBeNull();
  });
  it('a malformed Retry-After is ignored', () => {
    expect(retryAfterMs('soon', now)).toBeUndefined();
    expect(retryAfterMs('Mon, 30 Nov 2026 11:00:00 GMT', now)).toBe(0);
  });
});
