import { createHmac } from 'node:crypto';
import { startProviderServer, tryJson, type ProviderReply, type ProviderRequest, type Verdict } from './provider-server';

// Loopback DingTalk custom robot: POST /robot/send?access_token=..&timestamp=..&sign=..
// Verifies "加签" with its own HMAC (key = secret, message = timestamp\nsecret),
// the one-hour timestamp window, and answers {"errcode":..,"errmsg":..}.

export interface DingtalkAccepted {
  accessToken: string;
  msgtype: string;
  title?: string;
  text: string;
  atMobiles: string[];
}

const reply = (errcode: number, errmsg: string): ProviderReply => ({ status: 200, body: { errcode, errmsg } });

export function dingtalkExpectedSign(secret: string, timestamp: string): string {
  return createHmac('sha256', Buffer.from(secret, 'utf8'))
    .update(Buffer.from(`${timestamp}\n${secret}`, 'utf8'))
    .digest('base64');
}

/** robots: access_token -> signing secret. */
export async function startDingtalkProviderServer(robots: Record<string, string>, clock?: () => Date) {
  return startProviderServer<DingtalkAccepted>(
    {
      verify(req: ProviderRequest, now: Date): Verdict<DingtalkAccepted> {
        const token = req.url.searchParams.get('access_token') ?? '';
        const secret = robots[token];
        if (req.url.pathname !== '/robot/send' || secret === undefined) return { ok: false, reply: reply(300001, 'token is not exist') };
        const timestamp = req.url.searchParams.get('timestamp') ?? '';
        const sign = req.url.searchParams.get('sign') ?? '';
        if (Math.abs(now.getTime() - Number(timestamp)) > 3600_000 || sign !== dingtalkExpectedSign(secret, timestamp)) {
          return { ok: false, reply: reply(310000, 'sign not match, more: [https://ding-doc.dingtalk.com/doc#/serverapi2/qf2nxq]') };
        }
        const body = tryJson(req.body);
        if (!body) return { ok: false, reply: reply(400001, 'param error') };
        const md = body.markdown as { title?: string; text?: string } | undefined;
        const text = body.text as { content?: string } | undefined;
        const at = (body.at ?? {}) as { atMobiles?: string[] };
        return {
          ok: true,
          accepted: {
            accessToken: token,
            msgtype: String(body.msgtype),
            title: md?.title,
            text: md?.text ?? text?.content ?? '',
            atMobiles: at.atMobiles ?? [],
          },
        };
      },
      success: () => reply(0, 'ok'),
      businessError: (code, message) => reply(Number(code), code === 130101 ? 'send too fast, exceed 20 times per minute' : message),
    },
    clock,
  );
}
