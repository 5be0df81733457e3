import { createHmac } from 'node:crypto';

/**
 * DingTalk custom robot "加签" (open.dingtalk.com/document/orgapp/custom-robot-access,
 * security settings, "加签"):
 * stringToSign = timestamp(ms) + "\n" + secret, HmacSHA256 keyed with the secret,
 * Base64, then urlEncode when put in the query as &timestamp=...&sign=...
 * Returns the Base64 value; URLSearchParams does the urlEncode step.
 */
export function dingtalkSign(secret: string, timestampMs: number): string {
  return createHmac('sha256', secret).update(`${timestampMs}\n${secret}`, 'utf8').digest('base64');
}

/**
 * Feishu custom bot "签名校验" (自定义机器人使用指南,
 * open.larkoffice.com/document/ukTMukTMukTM/ucTM5YjL3ETO24yNxkjN):
 * timestamp(s) + "\n" + secret is the HMAC-SHA256 KEY and the message is empty
 * (the doc's Python/Go samples; unlike DingTalk), Base64, sent in the JSON body.
 */
export function feishuSign(secret: string, timestampSec: number): string {
  return createHmac('sha256', `${timestampSec}\n${secret}`).update('', 'utf8').digest('base64');
}
