import { createHmac, randomUUID } from 'node:crypto';
import { startProviderServer, type ProviderReply, type ProviderRequest, type Verdict } from './provider-server';

// Loopback Dysmsapi. Verifies the RPC HMAC-SHA1 signature with its own,
// byte-wise RFC 3986 encoder (deliberately not the adapter's), rejects reused
// nonces and stale timestamps, and answers with the documented shapes:
// SendSms, and QuerySendDetails over the messages it accepted (each one
// delivered, SendStatus 3, unless listed in `undelivered` by OutId).

export interface AliyunSmsAccepted {
  phoneNumbers: string;
  signName: string;
  templateCode: string;
  templateParam: Record<string, string>;
  outId?: string;
}

const UNRESERVED = /[A-Za-z0-9\-_.~]/;

/** Byte-wise percent-encoding, uppercase hex, per the signature doc. */
function rfc3986(value: string): string {
  let out = '';
  for (const ch of value) {
    if (UNRESERVED.test(ch)) out += ch;
    else for (const b of Buffer.from(ch, 'utf8')) out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

export function aliyunExpectedSignature(method: string, params: Map<string, string>, secret: string): string {
  const names = [...params.keys()].filter((k) => k !== 'Signature').sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  const canonical = names.map((k) => `${rfc3986(k)}=${rfc3986(params.get(k) ?? '')}`).join('&');
  const toSign = `${method}&${rfc3986('/')}&${rfc3986(canonical)}`;
  return createHmac('sha1', `${secret}&`).update(Buffer.from(toSign, 'utf8')).digest('base64');
}

const reply = (status: number, body: Record<string, unknown>): ProviderReply => ({
  status,
  body: { RequestId: randomUUID().toUpperCase(), ...body },
});

/** Asia/Shanghai wall time as Aliyun writes it: "2026-11-30 21:04:05". */
const shanghai = (ms: number) => new Date(ms + 8 * 3600_000).toISOString().replace('T', ' ').slice(0, 19);

export async function startAliyunSmsProviderServer(credentials: { accessKeyId: string; accessKeySecret: string }, clock?: () => Date) {
  const nonces = new Set<string>();
  const undelivered = new Set<string>();
  const queries: Array<{ phoneNumber: string; sendDate: string }> = [];
  const server = await startProviderServer<AliyunSmsAccepted>(
    {
      verify(req: ProviderRequest, now: Date): Verdict<AliyunSmsAccepted> {
        const form = new URLSearchParams(req.body);
        const params = new Map([...form.entries()]);
        if (params.get('AccessKeyId') !== credentials.accessKeyId) {
          return {
            ok: false,
            reply: reply(404, {
              HostId: 'dysmsapi.aliyuncs.com',
              Code: 'InvalidAccessKeyId.NotFound',
              Message: 'Specified access key is not found.',
            }),
          };
        }
        const expected = aliyunExpectedSignature(req.method, params, credentials.accessKeySecret);
        if (params.get('Signature') !== expected) {
          return {
            ok: false,
            reply: reply(400, {
              HostId: 'dysmsapi.aliyuncs.com',
              Code: 'SignatureDoesNotMatch',
              Message: 'Specified signature is not matched with our calculation.',
            }),
          };
        }
        const nonce = params.get('SignatureNonce') ?? '';
        if (!nonce || nonces.has(nonce)) {
          return {
            ok: false,
            reply: reply(400, {
              HostId: 'dysmsapi.aliyuncs.com',
              Code: 'SignatureNonceUsed',
              Message: 'Specified signature nonce was used already.',
            }),
          };
        }
        nonces.add(nonce);
        const ts = Date.parse(params.get('Timestamp') ?? '');
        if (!/Z$/.test(params.get('Timestamp') ?? '') || !(Math.abs(now.getTime() - ts) <= 15 * 60_000)) {
          return {
            ok: false,
            reply: reply(400, {
              HostId: 'dysmsapi.aliyuncs.com',
              Code: 'InvalidTimeStamp.Expired',
              Message: 'Specified time stamp or date value is expired.',
            }),
          };
        }
        if (params.get('Action') === 'QuerySendDetails') {
          // Answered here (never counted as an accepted message): the records of one number on one day.
          const phone = params.get('PhoneNumber') ?? '';
          const day = params.get('SendDate') ?? '';
          queries.push({ phoneNumber: phone, sendDate: day });
          const list = server.accepted.flatMap((a, i) => {
            const at = server.acceptedAt[i]!;
            if (!a.phoneNumbers.split(',').includes(phone) || shanghai(at).slice(0, 10).replaceAll('-', '') !== day) return [];
            const failed = a.outId !== undefined && undelivered.has(a.outId);
            return [
              {
                PhoneNum: phone,
                SendStatus: failed ? 2 : 3,
                ErrCode: failed ? 'MK:0001' : 'DELIVERED',
                TemplateCode: a.templateCode,
                Content: JSON.stringify(a.templateParam),
                SendDate: shanghai(at),
                ReceiveDate: shanghai(at + 2000),
                OutId: a.outId,
              },
            ];
          });
          return {
            ok: false,
            reply: reply(200, { Code: 'OK', Message: 'OK', TotalCount: list.length, SmsSendDetailDTOs: { SmsSendDetailDTO: list } }),
          };
        }
        if (params.get('Action') !== 'SendSms')
          return { ok: false, reply: reply(404, { Code: 'InvalidAction.NotFound', Message: 'Specified api is not found.' }) };
        const phones = params.get('PhoneNumbers') ?? '';
        if (!/^1\d{10}(,1\d{10})*$/.test(phones)) {
          return { ok: false, reply: reply(200, { Code: 'isv.MOBILE_NUMBER_ILLEGAL', Message: '非法手机号' }) };
        }
        let templateParam: Record<string, string>;
        try {
          templateParam = JSON.parse(params.get('TemplateParam') ?? '{}') as Record<string, string>;
        } catch {
          return { ok: false, reply: reply(200, { Code: 'isv.INVALID_JSON_PARAM', Message: 'JSON参数不合法' }) };
        }
        return {
          ok: true,
          accepted: {
            phoneNumbers: phones,
            signName: params.get('SignName') ?? '',
            templateCode: params.get('TemplateCode') ?? '',
            templateParam,
            outId: params.get('OutId'),
          },
        };
      },
      success: (_a, seq) => reply(200, { Code: 'OK', Message: 'OK', BizId: `90061974693649${String(seq).padStart(4, '0')}^0` }),
      businessError: (code, message) => reply(200, { Code: String(code), Message: message }),
    },
    clock,
  );
  return Object.assign(server, { undelivered, queries });
}
