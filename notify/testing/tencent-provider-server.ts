import { createHash, createHmac, randomUUID } from 'node:crypto';
import { header, startProviderServer, tryJson, type ProviderReply, type ProviderRequest, type Verdict } from './provider-server';

// Loopback Tencent Cloud SMS (API 3.0). Recomputes TC3-HMAC-SHA256 from the
// request as received (its own implementation of the doc's four steps) and
// answers like the real API: HTTP 200 with Response.Error or Response.SendStatusSet.
// PullSmsSendStatusByPhoneNumber lists a status report (SUCCESS, with the
// SessionContext sent) for every message it accepted for that number.

export interface TencentSmsAccepted {
  phoneNumbers: string[];
  sdkAppId: string;
  signName: string;
  templateId: string;
  templateParams: string[];
  sessionContext?: string;
}

const AUTH =
  /^TC3-HMAC-SHA256 Credential=([^/]+)\/(\d{4}-\d{2}-\d{2})\/([^/]+)\/tc3_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/;

export function tencentExpectedSignature(
  req: ProviderRequest,
  secretKey: string,
  date: string,
  service: string,
  signedHeaders: string,
): string {
  const names = signedHeaders.split(';');
  const canonicalHeaders = names.map((n) => `${n}:${header(req, n).trim().toLowerCase()}\n`).join('');
  const hashedPayload = createHash('sha256').update(Buffer.from(req.body, 'utf8')).digest('hex');
  const canonicalRequest = `${req.method}\n/\n${req.url.search.replace(/^\?/, '')}\n${canonicalHeaders}\n${signedHeaders}\n${hashedPayload}`;
  const timestamp = header(req, 'x-tc-timestamp');
  const stringToSign = `TC3-HMAC-SHA256\n${timestamp}\n${date}/${service}/tc3_request\n${createHash('sha256').update(canonicalRequest).digest('hex')}`;
  let key: Buffer = createHmac('sha256', `TC3${secretKey}`).update(date).digest();
  key = createHmac('sha256', key).update(service).digest();
  key = createHmac('sha256', key).update('tc3_request').digest();
  return createHmac('sha256', key).update(stringToSign).digest('hex');
}

const respond = (inner: Record<string, unknown>): ProviderReply => ({
  status: 200,
  body: { Response: { ...inner, RequestId: randomUUID() } },
});
const error = (code: string, message: string) => respond({ Error: { Code: code, Message: message } });

/** failingNumbers: +86 number -> per-number error code put in SendStatusSet (the request itself succeeds). */
export async function startTencentSmsProviderServer(
  credentials: { secretId: string; secretKey: string },
  failingNumbers: Record<string, string> = {},
  clock?: () => Date,
) {
  const queries: Array<{ phoneNumber: string }> = [];
  const server = await startProviderServer<TencentSmsAccepted>(
    {
      verify(req: ProviderRequest, now: Date): Verdict<TencentSmsAccepted> {
        const m = AUTH.exec(header(req, 'authorization'));
        if (!m) return { ok: false, reply: error('AuthFailure.InvalidAuthorization', 'Authorization is invalid.') };
        const [, secretId, date, service, signedHeaders, signature] = m as unknown as string[];
        if (secretId !== credentials.secretId)
          return { ok: false, reply: error('AuthFailure.SecretIdNotFound', 'The SecretId is not found.') };
        const ts = Number(header(req, 'x-tc-timestamp'));
        if (!Number.isInteger(ts) || Math.abs(now.getTime() / 1000 - ts) > 300) {
          return { ok: false, reply: error('AuthFailure.SignatureExpire', 'Signature expired.') };
        }
        const signed = (signedHeaders ?? '').split(';');
        const utcDate = new Date(ts * 1000).toISOString().slice(0, 10);
        if (date !== utcDate || service !== 'sms' || !signed.includes('content-type') || !signed.includes('host')) {
          return { ok: false, reply: error('AuthFailure.SignatureFailure', 'The provided credentials could not be validated.') };
        }
        if (tencentExpectedSignature(req, credentials.secretKey, date, service, signedHeaders ?? '') !== signature) {
          return {
            ok: false,
            reply: error(
              'AuthFailure.SignatureFailure',
              'The provided credentials could not be validated. Please check your signature is correct.',
            ),
          };
        }
        if (header(req, 'x-tc-action') === 'PullSmsSendStatusByPhoneNumber' && header(req, 'x-tc-version') === '2021-01-11') {
          const q = tryJson(req.body);
          const phone = String(q?.PhoneNumber ?? '');
          const begin = Number(q?.BeginTime) * 1000;
          queries.push({ phoneNumber: phone });
          const set = server.accepted.flatMap((a, i) => {
            const at = server.acceptedAt[i]!;
            if (!a.phoneNumbers.includes(phone) || at < begin) return [];
            const receivedAt = new Date(at + 2000 + 8 * 3600_000).toISOString().replace('T', ' ').slice(0, 19);
            return [
              {
                UserReceiveTime: receivedAt,
                CountryCode: '86',
                SubscriberNumber: phone.slice(3),
                PhoneNumber: phone,
                SerialNo: `5000:${i}`,
                ReportStatus: 'SUCCESS',
                Description: 'DELIVRD',
                SessionContext: a.sessionContext ?? '',
              },
            ];
          });
          return { ok: false, reply: respond({ PullSmsSendStatusSet: set.slice(0, Number(q?.Limit ?? 100)) }) };
        }
        if (header(req, 'x-tc-action') !== 'SendSms' || header(req, 'x-tc-version') !== '2021-01-11') {
          return { ok: false, reply: error('InvalidAction', 'The action requested is invalid.') };
        }
        const body = tryJson(req.body);
        const phones = body?.PhoneNumberSet as string[] | undefined;
        if (!body || !Array.isArray(phones)) return { ok: false, reply: error('InvalidParameter', 'PhoneNumberSet is required.') };
        return {
          ok: true,
          accepted: {
            phoneNumbers: phones,
            sdkAppId: String(body.SmsSdkAppId),
            signName: String(body.SignName),
            templateId: String(body.TemplateId),
            templateParams: (body.TemplateParamSet as string[]) ?? [],
            sessionContext: body.SessionContext as string | undefined,
          },
        };
      },
      success: (a, seq) =>
        respond({
          SendStatusSet: a.phoneNumbers.map((p, i) =>
            /^\+861\d{10}$/.test(p) && !failingNumbers[p]
              ? {
                  SerialNo: `5000:10457106691570536578${seq}${i}`,
                  PhoneNumber: p,
                  Fee: 1,
                  SessionContext: a.sessionContext ?? '',
                  Code: 'Ok',
                  Message: 'send success',
                  IsoCode: 'CN',
                }
              : {
                  SerialNo: '',
                  PhoneNumber: p,
                  Fee: 0,
                  SessionContext: a.sessionContext ?? '',
                  Code: failingNumbers[p] ?? 'InvalidParameterValue.IncorrectPhoneNumber',
                  Message: 'phone number rejected',
                  IsoCode: 'CN',
                },
          ),
        }),
      businessError: (code, message) => error(String(code), message),
    },
    clock,
  );
  return Object.assign(server, { queries });
}
