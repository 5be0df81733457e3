import { randomUUID } from 'node:crypto';
import type { AliyunSmsConfig } from '../config';
import { classifyProviderCode } from '../error-codes';
import { sendErrorFor } from '../errors';
import { parseJson, post } from '../http';
import { redactText, trimBody } from '../redact';
import { aliyunRpcSignature } from '../signing/aliyun-rpc';
import { shanghaiDay } from '../templates/format';
import type { Channel, DeliveryStatus, SendContext, SendResult } from '../types';
import { requireSms, templateCodeFor } from './sms-common';

// Dysmsapi, version 2017-05-25. SendSms: success is HTTP 200
// {"Code":"OK","Message":"OK","BizId":"...","RequestId":"..."}; anything else
// carries Code/Message, classified by error-codes.ts. QuerySendDetails
// (help.aliyun.com/document_detail/419277.html): the records of one number on
// one day, each with OutId and SendStatus 1 等待回执 / 2 发送失败 / 3 发送成功.

interface AliyunReply {
  Code?: string;
  Message?: string;
  BizId?: string;
  RequestId?: string;
}

interface SendDetail {
  PhoneNum?: string;
  SendStatus?: number;
  ErrCode?: string;
  OutId?: string;
  SendDate?: string;
  ReceiveDate?: string;
}

/** Aliyun dates are Asia/Shanghai wall time, "2026-11-30 21:04:05". */
const shanghaiTime = (text: string | undefined) => (text ? new Date(`${text.replace(' ', 'T')}+08:00`) : undefined);

export function createAliyunSmsChannel(config: Omit<AliyunSmsConfig, 'timeoutMs'> & { timeoutMs?: number }, id = 'sms'): Channel {
  const secrets = [config.accessKeySecret];
  const target = new URL(config.endpoint).host;

  /** One signed RPC call; business errors become SendErrors by their documented code. */
  async function call(action: string, params: Record<string, string>, now: Date, signal?: AbortSignal) {
    const all: Record<string, string> = {
      AccessKeyId: config.accessKeyId,
      Action: action,
      Format: 'JSON',
      RegionId: config.regionId,
      SignatureMethod: 'HMAC-SHA1',
      SignatureNonce: randomUUID(),
      SignatureVersion: '1.0',
      Timestamp: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      Version: '2017-05-25',
      ...params,
    };
    all.Signature = aliyunRpcSignature('POST', all, config.accessKeySecret);
    const reply = await post(config.endpoint, {
      provider: 'aliyun-sms',
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', accept: 'application/json' },
      body: new URLSearchParams(all).toString(),
      timeoutMs: config.timeoutMs,
      signal,
      secrets,
      target,
    });
    const body = parseJson(reply, { provider: 'aliyun-sms', secrets, target }) as AliyunReply & Record<string, unknown>;
    const raw = trimBody(redactText(reply.text, secrets));
    if (body.Code === 'OK') return { body, raw };
    const code = body.Code ?? `HTTP_${reply.status}`;
    const message = redactText(body.Message ?? '', secrets).slice(0, 200);
    throw sendErrorFor(classifyProviderCode('aliyun-sms', code, message), `aliyun-sms: ${action}: ${code}: ${message}`, {
      provider: 'aliyun-sms',
      code,
      httpStatus: reply.status,
      raw,
    });
  }

  return {
    id,
    medium: 'sms',
    provider: 'aliyun-sms',
    async send(message, ctx: SendContext): Promise<SendResult> {
      const sms = requireSms(message, 'aliyun-sms');
      const now = ctx.now?.() ?? new Date();
      const { body, raw } = await call(
        'SendSms',
        {
          PhoneNumbers: sms.mobiles.join(','),
          SignName: config.signName,
          TemplateCode: templateCodeFor(config.templates, sms, 'aliyun-sms'),
          TemplateParam: JSON.stringify(Object.fromEntries(sms.params)),
          // Unique per message (the outbox row id): QuerySendDetails and receipts find it by OutId.
          OutId: (ctx.ref ?? ctx.key).slice(0, 64),
        },
        now,
        ctx.signal,
      );
      return { provider: 'aliyun-sms', messageId: body.BizId, requestId: body.RequestId, raw, acceptedAt: now };
    },
    async query(message, ctx): Promise<DeliveryStatus> {
      const sms = requireSms(message, 'aliyun-sms');
      const now = ctx.now?.() ?? new Date();
      // A send just before midnight may be filed under the next day: look at both.
      const days = [...new Set([shanghaiDay(ctx.sentAt), shanghaiDay(now)])];
      for (const day of days) {
        const { body } = await call(
          'QuerySendDetails',
          {
            PhoneNumber: sms.mobiles[0]!,
            SendDate: day.replaceAll('-', ''),
            PageSize: '50',
            CurrentPage: '1',
          },
          now,
        );
        const list = (body.SmsSendDetailDTOs as { SmsSendDetailDTO?: SendDetail[] } | undefined)?.SmsSendDetailDTO ?? [];
        const found = list.find((d) => d.OutId === ctx.ref);
        if (!found) continue;
        const receipt = { ...found } as Record<string, unknown>;
        if (found.SendStatus === 3) return { state: 'delivered', at: shanghaiTime(found.ReceiveDate), receipt };
        if (found.SendStatus === 2) return { state: 'failed', at: shanghaiTime(found.ReceiveDate), receipt };
        return { state: 'accepted', receipt };
      }
      return { state: 'not-found' };
    },
  };
}
