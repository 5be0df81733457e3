import { randomUUID } from 'node:crypto';
import type { AliyunSmsConfig } from '../config';
import { PermanentSendError, TransientSendError } from '../errors';
import { parseJson, post } from '../http';
import { redactText, trimBody } from '../redact';
import { aliyunRpcSignature } from '../signing/aliyun-rpc';
import type { Channel, SendContext, SendResult } from '../types';
import { requireSms, templateCodeFor } from './sms-common';

// Dysmsapi SendSms, version 2017-05-25 (SendSms API reference and the SMS error-code list):
// success is HTTP 200 {"Code":"OK","Message":"OK","BizId":"...","RequestId":"..."};
// anything else carries Code/Message (isv.*, isp.*, Throttling.*, SignatureDoesNotMatch...).

/** Codes that may succeed later: flow control and provider-side faults. */
const TRANSIENT_CODES = new Set([
  'isv.BUSINESS_LIMIT_CONTROL',
  'isp.SYSTEM_ERROR',
  'isp.GATEWAY_ERROR',
  'isv.OUT_OF_SERVICE_TEMPORARILY',
  'Throttling',
  'Throttling.User',
  'Throttling.Api',
  'ServiceUnavailable',
  'InternalError',
]);

interface AliyunReply {
  Code?: string;
  Message?: string;
  BizId?: string;
  RequestId?: string;
}

export function createAliyunSmsChannel(config: AliyunSmsConfig, id = 'sms'): Channel {
  const secrets = [config.accessKeySecret];
  const target = new URL(config.endpoint).host;
  return {
    id,
    medium: 'sms',
    provider: 'aliyun-sms',
    async send(message, ctx: SendContext): Promise<SendResult> {
      const sms = requireSms(message, 'aliyun-sms');
      const now = ctx.now?.() ?? new Date();
      const params: Record<string, string> = {
        AccessKeyId: config.accessKeyId,
        Action: 'SendSms',
        Format: 'JSON',
        RegionId: config.regionId,
        SignatureMethod: 'HMAC-SHA1',
        SignatureNonce: randomUUID(),
        SignatureVersion: '1.0',
        Timestamp: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
        Version: '2017-05-25',
        PhoneNumbers: sms.mobiles.join(','),
        SignName: config.signName,
        TemplateCode: templateCodeFor(config.templates, sms, 'aliyun-sms'),
        TemplateParam: JSON.stringify(Object.fromEntries(sms.params)),
        // OutId is echoed in delivery receipts: lets receipts be joined to the outbox row.
        OutId: ctx.key.slice(0, 64),
      };
      params.Signature = aliyunRpcSignature('POST', params, config.accessKeySecret);
      const reply = await post(config.endpoint, {
        provider: 'aliyun-sms',
        headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', accept: 'application/json' },
        body: new URLSearchParams(params).toString(),
        signal: ctx.signal,
        secrets,
        target,
      });
      const body = parseJson(reply, { provider: 'aliyun-sms', secrets, target }) as AliyunReply;
      const raw = trimBody(redactText(reply.text, secrets));
      if (body.Code === 'OK') {
        return { provider: 'aliyun-sms', messageId: body.BizId, requestId: body.RequestId, raw, acceptedAt: now };
      }
      const code = body.Code ?? `HTTP_${reply.status}`;
      const details = { provider: 'aliyun-sms' as const, code, httpStatus: reply.status, raw };
      const msg = `aliyun-sms: ${code}: ${redactText(body.Message ?? '', secrets).slice(0, 200)}`;
      if (TRANSIENT_CODES.has(code)) throw new TransientSendError(msg, details);
      throw new PermanentSendError(msg, details);
    },
  };
}
