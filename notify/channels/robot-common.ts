import { classifyProviderCode } from '../error-codes';
import { PermanentSendError, sendErrorFor } from '../errors';
import { redactText, redactUrl, trimBody } from '../redact';
import type { OutboundMessage, ProviderKind, RobotMessage } from '../types';

// Robot markdown dialects (DingTalk, WeCom) do not agree on backslash escapes,
// so characters that would start markup are swapped for their full-width forms:
// a rejection reason typed by a user can then never inject links, @s or <font>.
const FULL_WIDTH: Record<string, string> = {
  '*': '＊',
  _: '＿',
  '[': '［',
  ']': '］',
  '<': '＜',
  '>': '＞',
  '#': '＃',
  '`': '｀',
  '@': '＠',
};

export function escapeRobotMarkdown(text: string): string {
  return text.replace(/[*_[\]<>#`@]/g, (c) => FULL_WIDTH[c] ?? c);
}

/** Only http(s) links go into a robot message; anything else is dropped to plain text. */
export function safeLink(url: string): string | null {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:'
      ? u.toString().replace(/[()\s]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`)
      : null;
  } catch {
    return null;
  }
}

export function requireRobot(message: OutboundMessage, provider: ProviderKind): RobotMessage {
  if (message.medium !== 'robot') {
    throw new PermanentSendError(`${provider}: cannot send a ${message.medium} message`, { provider });
  }
  return message;
}

/** Common markdown body: bold title, escaped lines, then the task link. */
export function markdownBody(m: RobotMessage): string {
  const parts = [`**${escapeRobotMarkdown(m.title)}**`, ...m.lines.map(escapeRobotMarkdown)];
  const href = m.link ? safeLink(m.link.url) : null;
  if (m.link && href) parts.push(`[${escapeRobotMarkdown(m.link.text)}](${href})`);
  return parts.join('\n\n');
}

/** Truncates to a UTF-8 byte budget without cutting a character in half. */
export function truncateBytes(text: string, maxBytes: number): string {
  const buf = Buffer.from(text, 'utf8');
  if (buf.length <= maxBytes) return text;
  let end = maxBytes - 3;
  while (end > 0 && (buf[end]! & 0xc0) === 0x80) end--;
  return `${buf.subarray(0, end).toString('utf8')}…`;
}

export interface RobotVerdict {
  code: number;
  msg: string;
}

/** Maps a robot API business code to success or the error its documented meaning calls for (error-codes.ts). */
export function robotOutcome(
  provider: ProviderKind,
  verdict: RobotVerdict,
  ctx: { webhookUrl: string; secrets: Array<string | undefined>; status: number; text: string },
): { raw: string } {
  const raw = trimBody(redactText(ctx.text, ctx.secrets));
  if (verdict.code === 0) return { raw };
  const details = { provider, code: String(verdict.code), httpStatus: ctx.status, raw };
  const msg = `${provider}: errcode ${verdict.code} (${redactText(verdict.msg, ctx.secrets).slice(0, 200)}) from ${redactUrl(ctx.webhookUrl)}`;
  throw sendErrorFor(classifyProviderCode(provider, String(verdict.code), verdict.msg), msg, details);
}

/** Secrets a robot adapter must keep out of messages: the signing secret and the webhook's own key. */
export function robotSecrets(webhookUrl: string, secret?: string): string[] {
  const u = new URL(webhookUrl);
  const fromQuery = ['key', 'access_token'].map((k) => u.searchParams.get(k) ?? '');
  const fromPath = u.pathname.match(/\/hook\/([^/]+)$/)?.[1] ?? '';
  return [secret ?? '', ...fromQuery, fromPath].filter((s) => s.length >= 4);
}
