import { startProviderServer, tryJson, type ProviderReply, type ProviderRequest, type Verdict } from './provider-server';

// Loopback WeCom group robot: POST /cgi-bin/webhook/send?key=<key>. WeCom robots
// are not signed: the key is the credential. Checks the documented size limits
// and that mobile @-mentions only come with the text msgtype.

export interface WecomAccepted {
  key: string;
  msgtype: string;
  content: string;
  mentionedList: string[];
  mentionedMobileList: string[];
}

const reply = (errcode: number, errmsg: string): ProviderReply => ({ status: 200, body: { errcode, errmsg } });

/**
 * `perMinute`: refuse like WeCom past that many messages a minute on one robot
 * (errcode 45009, "api freq out of limit"; the documented limit is 20).
 * `acceptedAt` holds the instant of each accepted message.
 */
export async function startWecomProviderServer(keys: string[], opts: { perMinute?: number } = {}) {
  const acceptedAt: number[] = [];
  const server = await startProviderServer<WecomAccepted>({
    verify(req: ProviderRequest, now: Date): Verdict<WecomAccepted> {
      const key = req.url.searchParams.get('key') ?? '';
      if (req.url.pathname !== '/cgi-bin/webhook/send' || !keys.includes(key)) {
        return { ok: false, reply: reply(93000, 'invalid webhook url, hint: [1700000000_1_abcdef], from ip: 127.0.0.1') };
      }
      const body = tryJson(req.body);
      const msgtype = String(body?.msgtype ?? '');
      const part = (body?.[msgtype] ?? {}) as { content?: string; mentioned_list?: string[]; mentioned_mobile_list?: string[] };
      if (msgtype !== 'text' && msgtype !== 'markdown') return { ok: false, reply: reply(40008, 'invalid message type') };
      const content = part.content ?? '';
      const limit = msgtype === 'text' ? 2048 : 4096;
      if (Buffer.byteLength(content, 'utf8') > limit)
        return { ok: false, reply: reply(40058, `${msgtype}.content exceed max length ${limit}`) };
      if (msgtype === 'markdown' && part.mentioned_mobile_list)
        return { ok: false, reply: reply(40058, 'markdown does not support mentioned_mobile_list') };
      const t = now.getTime();
      if (opts.perMinute !== undefined && acceptedAt.filter((a) => a > t - 60_000).length >= opts.perMinute)
        return { ok: false, reply: reply(45009, 'api freq out of limit') };
      acceptedAt.push(t);
      return {
        ok: true,
        accepted: {
          key,
          msgtype,
          content,
          mentionedList: part.mentioned_list ?? [],
          mentionedMobileList: part.mentioned_mobile_list ?? [],
        },
      };
    },
    success: () => reply(0, 'ok'),
    businessError: (code, message) => reply(Number(code), code === 45009 ? 'api freq out of limit' : message),
  });
  return Object.assign(server, { acceptedAt });
}
