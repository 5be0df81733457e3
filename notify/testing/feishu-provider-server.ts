import { createHmac } from 'node:crypto';
import { startProviderServer, tryJson, type ProviderReply, type ProviderRequest, type Verdict } from './provider-server';

// Loopback Feishu custom bot: POST /open-apis/bot/v2/hook/<token> with
// {timestamp, sign, msg_type, content}. Verifies the signature with its own HMAC
// (key = timestamp\nsecret, empty message) and the one-hour window.

export interface FeishuAccepted {
  token: string;
  msgType: string;
  content: unknown;
}

const reply = (code: number, msg: string): ProviderReply => ({ status: 200, body: { code, data: {}, msg } });

export function feishuExpectedSign(secret: string, timestamp: string): string {
  return createHmac('sha256', Buffer.from(`${timestamp}\n${secret}`, 'utf8'))
    .update(Buffer.alloc(0))
    .digest('base64');
}

/** bots: hook token -> signing secret (undefined = bot without signature check). */
export async function startFeishuProviderServer(bots: Record<string, string | undefined>, clock?: () => Date) {
  return startProviderServer<FeishuAccepted>(
    {
      verify(req: ProviderRequest, now: Date): Verdict<FeishuAccepted> {
        const token = /^\/open-apis\/bot\/v2\/hook\/([^/]+)$/.exec(req.url.pathname)?.[1] ?? '';
        if (!(token in bots)) return { ok: false, reply: reply(19001, 'param invalid: incoming webhook access token invalid') };
        const body = tryJson(req.body);
        if (!body) return { ok: false, reply: reply(9499, 'Bad Request') };
        const secret = bots[token];
        if (secret !== undefined) {
          const ts = String(body.timestamp ?? '');
          if (Math.abs(now.getTime() / 1000 - Number(ts)) > 3600 || body.sign !== feishuExpectedSign(secret, ts)) {
            return { ok: false, reply: reply(19021, 'sign match fail or timestamp is not within one hour from current time') };
          }
        }
        if (body.msg_type !== 'post' && body.msg_type !== 'text' && body.msg_type !== 'interactive') {
          return { ok: false, reply: reply(19002, 'params error, msg_type need') };
        }
        return { ok: true, accepted: { token, msgType: String(body.msg_type), content: body.content ?? body.card } };
      },
      success: () => ({ status: 200, body: { StatusCode: 0, StatusMessage: 'success', code: 0, data: {}, msg: 'success' } }),
      businessError: (code, message) =>
        reply(Number(code), code === 11232 ? 'frequency limited psm[lark.oapi.app_platform_runtime]' : message),
    },
    clock,
  );
}
