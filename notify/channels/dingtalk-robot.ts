import type { RobotConfig } from '../config';
import { parseJson, post } from '../http';
import { redactUrl } from '../redact';
import { dingtalkSign } from '../signing/robot-signs';
import type { Channel, SendContext, SendResult } from '../types';
import { markdownBody, requireRobot, robotOutcome, robotSecrets, truncateBytes } from './robot-common';

// DingTalk custom robot (open.dingtalk.com/document/orgapp/custom-robot-access):
// POST {webhook}&timestamp=<ms>&sign=<urlEncoded base64> with a markdown message.
// To @ someone by mobile the number goes in at.atMobiles AND as "@138..." in the text.
// Reply {"errcode":0,"errmsg":"ok"}; other codes are treated as error-codes.ts says
// (310000 sign, keyword or IP whitelist: permanent; 130101 "send too fast": wait a minute).

export function createDingtalkRobotChannel(robot: RobotConfig, id = `robot:${robot.communityId}`): Channel {
  const secrets = robotSecrets(robot.webhookUrl, robot.secret);
  return {
    id,
    medium: 'robot',
    provider: 'dingtalk',
    async send(message, ctx: SendContext): Promise<SendResult> {
      const m = requireRobot(message, 'dingtalk');
      const now = ctx.now?.() ?? new Date();
      const url = new URL(robot.webhookUrl);
      if (robot.secret) {
        const ts = now.getTime();
        url.searchParams.set('timestamp', String(ts));
        url.searchParams.set('sign', dingtalkSign(robot.secret, ts));
      }
      const mobiles = m.mentions.map((x) => x.mobile).filter((x): x is string => Boolean(x));
      const atLine = mobiles.map((mobile) => `@${mobile}`).join(' ');
      const text = truncateBytes([markdownBody(m), atLine].filter(Boolean).join('\n\n'), 18_000);
      const body = JSON.stringify({
        msgtype: 'markdown',
        markdown: { title: m.title, text },
        at: { atMobiles: mobiles, isAtAll: false },
      });
      const target = redactUrl(robot.webhookUrl);
      const reply = await post(url.toString(), {
        provider: 'dingtalk',
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body,
        timeoutMs: robot.timeoutMs,
        signal: ctx.signal,
        secrets,
        target,
      });
      const json = parseJson(reply, { provider: 'dingtalk', secrets, target }) as { errcode?: number; errmsg?: string };
      const { raw } = robotOutcome(
        'dingtalk',
        { code: json.errcode ?? -2, msg: json.errmsg ?? '' },
        {
          webhookUrl: robot.webhookUrl,
          secrets,
          status: reply.status,
          text: reply.text,
        },
      );
      return { provider: 'dingtalk', raw, acceptedAt: now };
    },
  };
}
