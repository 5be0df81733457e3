import type { TencentSmsConfig } from '../config';
import { classifyProviderCode } from '../error-codes';
import { sendErrorFor } from '../errors';
import { parseJson, post } from '../http';
import { redactText, trimBody } from '../redact';
import { tc3Sign } from '../signing/tencent-tc3';
import type { Channel, DeliveryStatus, SendContext, SendResult } from '../types';
import { requireSms, templateCodeFor } from './sms-common';

// Tencent Cloud SMS SendSms, API 3.0 version 2021-01-11 (SMS API docs, "SendSms" and
// "Data Types", tencentcloud.com/document/product/382/40473): POST JSON signed with TC3-HMAC-SHA256, common params in X-TC-* headers.
// A request can be accepted while a number fails: per-number verdicts are in
// Response.SendStatusSet[].Code ("Ok" on success); request-level failures in Response.Error.

interface TencentReply {
  Response?: {
    Error?: { Code?: string; Message?: string };
    RequestId?: string;
    SendStatusSet?: Array<{ SerialNo?: string; PhoneNumber?: string; Code?: string; Message?: string }>;
    PullSmsSendStatusSet?: Array<{
      SessionContext?: string;
      ReportStatus?: string;
      Description?: string;
      UserReceiveTime?: string;
      SerialNo?: string;
      PhoneNumber?: string;
    }>;
  };
}

export function createTencentSmsChannel(config: Omit<TencentSmsConfig, 'timeoutMs'> & { timeoutMs?: number }, id = 'sms'): Channel {
  const secrets = [config.secretKey];
  const url = new URL(config.endpoint);
  const target = url.host;
  /** One signed API 3.0 call; a request-level Error becomes a SendError by its documented code. */
  async function call(action: string, body: Record<string, unknown>, now: Date, signal?: AbortSignal) {
    const timestamp = Math.floor(now.getTime() / 1000);
    const payload = JSON.stringify(body);
    const contentType = 'application/json; charset=utf-8';
    // The Host fetch will send (url.host keeps a non-default port) must be the one signed.
    const signed = tc3Sign({
      secretId: config.secretId,
      secretKey: config.secretKey,
      service: 'sms',
      timestamp,
      payload,
      headers: { 'content-type': contentType, host: url.host, 'x-tc-action': action },
    });
    const reply = await post(config.endpoint, {
      provider: 'tencent-sms',
      headers: {
        authorization: signed.authorization,
        'content-type': contentType,
        'x-tc-action': action,
        'x-tc-version': '2021-01-11',
        'x-tc-timestamp': String(timestamp),
        'x-tc-region': config.region,
      },
      body: payload,
      timeoutMs: config.timeoutMs,
      signal,
      secrets,
      target,
    });
    const response = (parseJson(reply, { provider: 'tencent-sms', secrets, target }) as TencentReply).Response ?? {};
    const raw = trimBody(redactText(reply.text, secrets));
    const fail = (failure: { Code?: string; Message?: string } | undefined) => {
      const code = failure?.Code ?? `HTTP_${reply.status}`;
      const message = redactText(failure?.Message ?? 'no SendStatusSet', secrets).slice(0, 200);
      return sendErrorFor(classifyProviderCode('tencent-sms', code, message), `tencent-sms: ${action}: ${code}: ${message}`, {
        provider: 'tencent-sms',
        code,
        httpStatus: reply.status,
        raw,
      });
    };
    if (response.Error) throw fail(response.Error);
    return { response, raw, fail };
  }

  return {
    id,
    medium: 'sms',
    provider: 'tencent-sms',
    async send(message, ctx: SendContext): Promise<SendResult> {
      const sms = requireSms(message, 'tencent-sms');
      const now = ctx.now?.() ?? new Date();
      const { response, raw, fail } = await call(
        'SendSms',
        {
          PhoneNumberSet: sms.mobiles.map((m) => `+86${m}`),
          SmsSdkAppId: config.sdkAppId,
          SignName: config.signName,
          TemplateId: templateCodeFor(config.templates, sms, 'tencent-sms'),
          TemplateParamSet: sms.params.map(([, v]) => v),
          // Unique per message (the outbox row id), echoed in status reports: finds this message again.
          SessionContext: ctx.ref ?? ctx.key,
        },
        now,
        ctx.signal,
      );
      const failure = response.SendStatusSet?.find((s) => s.Code !== 'Ok');
      if (failure || !response.SendStatusSet?.length) throw fail(failure);
      const serials = response.SendStatusSet.map((s) => s.SerialNo)
        .filter(Boolean)
        .join(',');
      return { provider: 'tencent-sms', messageId: serials || undefined, requestId: response.RequestId, raw, acceptedAt: now };
    },
    async query(message, ctx): Promise<DeliveryStatus> {
      const sms = requireSms(message, 'tencent-sms');
      const now = ctx.now?.() ?? new Date();
      // Status reports of one number from a minute before the send (PullSmsSendStatusByPhoneNumber,
      // cloud.tencent.com.cn/document/product/1359/55976): only delivered or failed messages have one.
      const { response } = await call(
        'PullSmsSendStatusByPhoneNumber',
        {
          BeginTime: Math.floor(ctx.sentAt.getTime() / 1000) - 60,
          EndTime: Math.floor(now.getTime() / 1000),
          Offset: 0,
          Limit: 100,
          PhoneNumber: `+86${sms.mobiles[0]!}`,
          SmsSdkAppId: config.sdkAppId,
        },
        now,
      );
      const found = response.PullSmsSendStatusSet?.find((s) => s.SessionContext === ctx.ref);
      if (!found) return { state: 'not-found' };
      const at = found.UserReceiveTime ? new Date(`${found.UserReceiveTime.replace(' ', 'T')}+08:00`) : undefined;
      return { state: found.ReportStatus === 'SUCCESS' ? 'delivered' : 'failed', ...(at ? { at } : {}), receipt: { ...found } };
    },
  };
}
