import type { DigestEvent, NotifyEvent, Recipient, TaskEvent, TaskVars } from '../events';
import type { EmailMessage, Medium, OutboundMessage, RobotMessage, SmsMessage } from '../types';
import { escapeHtml, fill, formatDay, formatDeadline } from './format';
import { DIGEST_TEXT, ESCALATION_BATCH_TEXT, ESCALATION_LEVEL_NAMES, TEMPLATE_TEXTS } from './texts';

// Turns an event into the message each medium carries. Pure: no I/O, no clock.

/** SMS template variables are length-capped by both providers; keep each short. */
export const SMS_PARAM_MAX = 20;

interface Rendered {
  subject: string;
  title: string;
  lines: string[];
  link: { text: string; url: string };
  sms: Array<[string, string]>;
}

function taskVars(t: TaskVars): Record<string, string> {
  return {
    communityName: t.communityName,
    ruleTitle: t.ruleTitle,
    clause: t.clause,
    period: t.period,
    deadline: formatDeadline(t.deadline),
    points: String(t.points),
    rejectionReason: t.rejectionReason ?? '（未注明）',
    escalationLevel: t.escalationLevel ? ESCALATION_LEVEL_NAMES[t.escalationLevel] : '',
  };
}

function renderTask(e: TaskEvent): Rendered {
  const text = TEMPLATE_TEXTS[e.type];
  const vars = taskVars(e.task);
  return {
    subject: fill(text.subject, vars),
    title: fill(text.title, vars),
    lines: text.lines.map((l) => fill(l, vars)),
    link: { text: text.linkText, url: e.task.link },
    sms: text.sms.map(([name, ph]) => [name, fill(ph, vars)]),
  };
}

function renderDigest(e: DigestEvent): Rendered {
  const vars = { day: formatDay(e.day), count: String(e.items.length) };
  const items = e.items.map((i) => fill(DIGEST_TEXT.item, { ...taskVars(i.task), status: itemStatus(i) }));
  const text = e.urgency === 'escalation' ? ESCALATION_BATCH_TEXT : DIGEST_TEXT;
  return {
    subject: fill(text.subject, vars),
    title: fill(text.title, vars),
    lines: [fill(text.intro, vars), ...items.map((line, n) => `${n + 1}. ${line}`)],
    link: { text: text.linkText, url: e.link },
    sms: text.sms.map(([name, ph]) => [name, fill(ph, vars)]),
  };
}

function itemStatus(i: DigestEvent['items'][number]): string {
  const level = i.task.escalationLevel;
  return i.eventType === 'escalation' && level ? `已升级至${ESCALATION_LEVEL_NAMES[level]}` : DIGEST_TEXT.status[i.eventType];
}

function render(e: NotifyEvent): Rendered {
  return e.type === 'digest' ? renderDigest(e) : renderTask(e);
}

function safeHref(url: string): string | null {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.toString() : null;
  } catch {
    return null;
  }
}

export function renderEmail(e: NotifyEvent, to: Recipient): EmailMessage {
  const r = render(e);
  const href = safeHref(r.link.url);
  const paras = [`${escapeHtml(to.name)}，您好：`, ...r.lines.map(escapeHtml)].map((l) => `<p style="margin:0 0 12px">${l}</p>`);
  const button = href ? `<p><a href="${escapeHtml(href)}" style="color:#1a56db">${escapeHtml(r.link.text)}</a></p>` : '';
  const html =
    `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>${escapeHtml(r.subject)}</title></head>` +
    `<body style="font-family:sans-serif;font-size:15px;line-height:1.6"><h3>${escapeHtml(r.title)}</h3>${paras.join('')}${button}` +
    '<p style="color:#888;font-size:12px">本邮件由督办系统自动发送，请勿直接回复。</p></body></html>';
  const text = [
    `${to.name}，您好：`,
    '',
    ...r.lines,
    '',
    href ? `${r.link.text}：${href}` : '',
    '',
    '本邮件由督办系统自动发送，请勿直接回复。',
  ].join('\n');
  return { medium: 'email', event: e.type, to: to.email ? [to.email] : [], subject: r.subject, html, text };
}

export function renderSms(e: NotifyEvent, to: Recipient): SmsMessage {
  const r = render(e);
  const params = r.sms.map(([name, value]): [string, string] => [name, truncate(value, SMS_PARAM_MAX)]);
  return { medium: 'sms', event: e.type, phoneNumbers: to.mobile ? [to.mobile] : [], params };
}

export function renderRobot(e: NotifyEvent, to: Recipient): RobotMessage {
  const r = render(e);
  const mention = { name: to.name, mobile: to.mobile, wecomUserId: to.wecomUserId, feishuUserId: to.feishuUserId };
  return { medium: 'robot', event: e.type, title: r.title, lines: r.lines, link: r.link, mentions: [mention] };
}

export function renderFor(medium: Medium, e: NotifyEvent, to: Recipient): OutboundMessage {
  if (medium === 'email') return renderEmail(e, to);
  if (medium === 'sms') return renderSms(e, to);
  return renderRobot(e, to);
}

function truncate(s: string, max: number): string {
  const chars = [...s];
  return chars.length <= max ? s : `${chars.slice(0, max - 1).join('')}…`;
}
