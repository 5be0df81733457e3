import type { RobotConfig } from '../config';
import { parseJson, post } from '../http';
import { redactUrl } from '../redact';
import type { Channel, SendContext, SendResult } from '../types';
import { markdownBody, requireRobot, robotOutcome, robotSecrets, safeLink, truncateBytes } from './robot-common';

// WeCom group robot (developer.work.weixin.qq.com/document/path/91770):
// POST /cgi-bin/webhook/send?key=... ; markdown content <= 4096 bytes, text <= 2048.
// markdown can only @ with the <@userid> extension; mentioned_mobile_list exists on
// the text msgtype only. So: everyone to @ has a WeCom userid -> markdown with
// <@userid>; otherwise -> one text message carrying mentioned_mobile_list (one
// request, so the send stays atomic for the outbox).
// Reply {"errcode":0,"errmsg":"ok"}; other codes are treated as error-codes.ts says
// (45009: 20/min, wait a minute; -1 busy; 93000 invalid webhook url and the rest permanent).

export function createWecomRobotChannel(robot: RobotConfig, id = `robot:${robot.communityId}`): Channel {
  const secrets = robotSecrets(robot.webhookUrl);
  return {
    id,
    medium: 'robot',
    provider: 'wecom',
    async send(message, ctx: SendContext): Promise<SendResult> {
      const m = requireRobot(message, 'wecom');
      const now = ctx.now?.() ?? new Date();
      const byMobileOnly = m.mentions.filter((x) => !x.wecomUserId && x.mobile);
      let payload: unknown;
      if (byMobileOnly.length === 0) {
        const ats = m.mentions.filter((x) => x.wecomUserId).map((x) => `<@${x.wecomUserId}>`);
        payload = { msgtype: 'markdown', markdown: { content: truncateBytes([markdownBody(m), ...ats].join('\n'), 4096) } };
      } else {
        const href = m.link ? safeLink(m.link.url) : null;
        const content = [m.title, ...m.lines, href ? `${m.link?.text}：${href}` : ''].filter(Boolean).join('\n');
        payload = {
          msgtype: 'text',
          text: {
            content: truncateBytes(content, 2048),
            mentioned_list: m.mentions.map((x) => x.wecomUserId).filter(Boolean),
            mentioned_mobile_list: byMobileOnly.map((x) => x.mobile),
          },
        };
      }
      const target = redactUrl(robot.webhookUrl);
      const reply = await post(robot.webhookUrl, {
        provider: 'wecom',
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: JSON.stringify(payload),
        timeoutMs: robot.timeoutMs,
        signal: ctx.signal,
        secrets,
        target,
      });
      const json = parseJson(reply, { provider: 'wecom', secrets, target }) as { errcode?: number; errmsg?: string };
      const { raw } = robotOutcome(
        'wecom',
        { code: json.errcode ?? -2, msg: json.errmsg ?? '' },
        {
          webhookUrl: robot.webhookUrl,
          secrets,
          status: reply.status,
          text: reply.text,
        },
      );
      return { provider: 'wecom', raw, acceptedAt: now };
    },
  };
}
