import type { RobotConfig } from '../config';
import { parseJson, post } from '../http';
import { redactUrl } from '../redact';
import { feishuSign } from '../signing/robot-signs';
import type { Channel, SendContext, SendResult } from '../types';
import { requireRobot, robotOutcome, robotSecrets, safeLink } from './robot-common';

// Feishu custom bot (open.larkoffice.com/document/ukTMukTMukTM/ucTM5YjL3ETO24yNxkjN):
// POST /open-apis/bot/v2/hook/<token> with {timestamp, sign, msg_type:"post", content}.
// A post is structured (no markdown), so user text needs no escaping. A custom bot
// can only @ by open_id/user_id (<at>), never by mobile: without an id the name is
// written in the text. Reply {"code":0,...}; other codes are treated as error-codes.ts
// says (19021 sign/timestamp: permanent; 9499, 11232 frequency limits: wait).

type PostElement = { tag: 'text'; text: string } | { tag: 'a'; text: string; href: string } | { tag: 'at'; user_id: string };

export function createFeishuRobotChannel(robot: RobotConfig, id = `robot:${robot.communityId}`): Channel {
  const secrets = robotSecrets(robot.webhookUrl, robot.secret);
  return {
    id,
    medium: 'robot',
    provider: 'feishu',
    async send(message, ctx: SendContext): Promise<SendResult> {
      const m = requireRobot(message, 'feishu');
      const now = ctx.now?.() ?? new Date();
      const rows: PostElement[][] = m.lines.map((line) => [{ tag: 'text', text: line }]);
      const href = m.link ? safeLink(m.link.url) : null;
      if (m.link && href) rows.push([{ tag: 'a', text: m.link.text, href }]);
      const ats: PostElement[] = m.mentions.map((x) =>
        x.feishuUserId ? { tag: 'at', user_id: x.feishuUserId } : { tag: 'text', text: `请${x.name}查收 ` },
      );
      if (ats.length) rows.push(ats);
      const body: Record<string, unknown> = { msg_type: 'post', content: { post: { zh_cn: { title: m.title, content: rows } } } };
      if (robot.secret) {
        const ts = Math.floor(now.getTime() / 1000);
        body.timestamp = String(ts);
        body.sign = feishuSign(robot.secret, ts);
      }
      const target = redactUrl(robot.webhookUrl);
      const reply = await post(robot.webhookUrl, {
        provider: 'feishu',
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: JSON.stringify(body),
        timeoutMs: robot.timeoutMs,
        signal: ctx.signal,
        secrets,
        target,
      });
      const json = parseJson(reply, { provider: 'feishu', secrets, target }) as { code?: number; StatusCode?: number; msg?: string };
      const code = json.code ?? json.StatusCode ?? -2;
      const { raw } = robotOutcome(
        'feishu',
        { code, msg: json.msg ?? '' },
        {
          webhookUrl: robot.webhookUrl,
          secrets,
          status: reply.status,
          text: reply.text,
        },
      );
      return { provider: 'feishu', raw, acceptedAt: now };
    },
  };
}
