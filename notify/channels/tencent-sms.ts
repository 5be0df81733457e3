import type { TencentSmsConfig } from '../config';
import { PermanentSendError, TransientSendError } from '../errors';
import { parseJson, post } from '../http';
import { redactText, trimBody } from '../redact';
import { tc3Sign } from '../signing/tencent-tc3';
import type { Channel, SendContext, SendResult } from '../types';
import { requireSms, templateCodeFor } from './sms-common';

// Tencent Cloud SMS SendSms, API 3.0 version 2021-01-11 (SMS API docs, "SendSms" and
// "Data Types", tencentcloud.com/document/product/382/40473): POST JSON signed with TC3-HMAC-SHA256, common params in X-TC-* headers.
// A request can be accepted while a number fails: per-number verdicts are in
// Response.SendStatusSet[].Code ("Ok" on success); request-level failures in Response.Error.

const TRANSIENT_PREFIXES = ['InternalError', 'RequestLimitExceeded', 'ResourceUnavailable', 'LimitExceeded.PhoneNumberThirtySecondLimit', 'LimitExceeded.PhoneNumberOneHourLimit', 'LimitExceeded.AppCountryOrRegionDailyLimit'];

export function isTransientTencentCode(code: string): boolean {
  return TRANSIENT_PREFIXES.some((p) => code === p || code.startsWith(`${p}.`));
}

interface TencentReply {
  Response?: {
    Error?: { Code?: string; Message?: string };
    RequestId?: string;
    SendStatusSet?: Array<{ SerialNo?: string; PhoneNumber?: string; Code?: string; Message?: string }>;
  };
}

export function createTencentSmsChannel(config: TencentSmsConfig, id = 'sms'): Channel {
  const secrets = [config.secretKey];
  const url = new URL(config.endpoint);
  const target = url.host;
  return {
    id,
    medium: 'sms',
    provider: 'tencent-sms',
    async send(message, ctx: SendContext): Promise<SendResult> {
      const sms = requireSms(message, 'tencent-sms');
      const now = ctx.now?.() ?? new Date();
      const timestamp = Math.floor(now.getTime() / 1000);
      const payload = JSON.stringify({
        PhoneNumberSet: sms.mobiles.map((m) => `+86${m}`),
        SmsSdkAppId: config.sdkAppId,
        SignName: config.signName,
        TemplateId: templateCodeFor(config.templates, sms, 'tencent-sms'),
        TemplateParamSet: sms.params.map(([, v]) => v),
        // Echoed back in receipts, so a receipt can be joined to the outbox row.
        SessionContext: ctx.key,
      });
      const contentType = 'application/json; charset=utf-8';
      // The Host fetch will send (url.host keeps a non-default port) must be the one signed.
      const signed = tc3Sign({
        secretId: config.secretId,
        secretKey: config.secretKey,
        service: 'sms',
        timestamp,
        payload,
        headers: { 'content-type': contentType, host: url.host, 'x-tc-action': 'SendSms' },
      });
      const reply = await post(config.endpoint, {
        provider: 'tencent-sms',
        headers: {
          authorization: signed.authorization,
          'content-type': contentType,
          'x-tc-action': 'SendSms',
          'x-tc-version': '2021-01-11',
          'x-tc-timestamp': String(timestamp),
          'x-tc-region': config.region,
        },
        body: payload,
        signal: ctx.signal,
        secrets,
        target,
      });
      const body = (parseJson(reply, { provider: 'tencent-sms', secrets, target }) as TencentReply).Response ?? {};
      const raw = trimBody(redactText(reply.text, secrets));
      const failure = body.Error ?? body.SendStatusSet?.find((s) => s.Code !== 'Ok');
      if (!failure && body.SendStatusSet?.length) {
        const serials = body.SendStatusSet.map((s) => s.SerialNo).filter(Boolean).join(',');
        return { provider: 'tencent-sms', messageId: serials || undefined, requestId: body.RequestId, raw, acceptedAt: now };
      }
      const code = failure?.Code ?? `HTTP_${reply.status}`;
      const details = { provider: 'tencent-sms' as const, code, httpStatus: reply.status, raw };
      const msg = `tencent-sms: ${code}: ${redactText(failure?.Message ?? 'no SendStatusSet', secrets).slice(0, 200)}`;
      if (isTransientTencentCode(code)) throw new TransientSendError(msg, details);
      throw new PermanentSendError(msg, details);
    },
  };
}
