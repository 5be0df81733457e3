// Pure rules for a user's stored notification preferences (User.notifyPrefs):
// read them defensively, and refuse a choice that would leave reminders undeliverable.
import type { RecipientPreferences } from './events';
import type { Medium } from './types';

const MEDIA: readonly Medium[] = ['email', 'sms', 'robot'];
const MEDIUM_NAMES: Record<Medium, string> = { email: '邮件', sms: '短信', robot: '工作群机器人' };

const isMedium = (v: unknown): v is Medium => typeof v === 'string' && (MEDIA as readonly string[]).includes(v);

/** What is stored may predate validation (seeded or hand-edited): keep only the well-formed parts. */
export function parseStoredPreferences(stored: unknown): RecipientPreferences {
  if (!stored || typeof stored !== 'object' || Array.isArray(stored)) return {};
  const raw = stored as Record<string, unknown>;
  const media = (v: unknown) => (Array.isArray(v) ? [...new Set(v.filter(isMedium))] : undefined);
  const order = media(raw.order);
  const disabled = media(raw.disabled);
  return {
    ...(order ? { order } : {}),
    ...(disabled ? { disabled } : {}),
    ...(typeof raw.digest === 'boolean' ? { digest: raw.digest } : {}),
  };
}

export interface Reachability {
  prefs: RecipientPreferences;
  contact: { mobile: string | null; email: string | null };
}

/**
 * A reminder that reaches nobody costs the community points, so a user may
 * not switch off every way of reaching them, nor choose email or SMS without
 * an address to send to, nor save a change that leaves their role's routes
 * (routine and escalation) with no medium they can be reached by. `before` is
 * what is stored now: a user who was already unreachable may still save the
 * steps that fix it. Returns the reason in words, or undefined when fine.
 */
export function validatePreferences(
  next: Reachability,
  roleRoute: { routine: readonly Medium[]; escalation: readonly Medium[] },
  before?: Reachability,
): string | undefined {
  const { prefs, contact } = next;
  const order = prefs.order ?? [];
  const disabled = new Set(prefs.disabled ?? []);
  if (new Set(order).size !== order.length) return '通知顺序中有重复的方式 (a channel appears twice in the order)';
  if (MEDIA.every((m) => disabled.has(m)))
    return '至少保留一种通知方式，否则提醒将无法送达 (keep at least one channel, or reminders cannot reach you)';
  const clash = order.find((m) => disabled.has(m));
  if (clash) return `“${MEDIUM_NAMES[clash]}”已关闭，不能同时排在通知顺序中 (${clash} is both disabled and in the order)`;
  if (order.includes('sms') && !contact.mobile) return '选择短信通知前请先填写手机号 (add a mobile number before choosing SMS)';
  if (order.includes('email') && !contact.email) return '选择邮件通知前请先填写邮箱 (add an email address before choosing email)';
  if (!reachable(next, roleRoute) && (!before || reachable(before, roleRoute))) {
    return '按此设置，提醒将无法送达：请保留岗位默认的通知方式，或填写对应的手机号/邮箱 (with these settings nothing could reach you: keep a default channel or add its contact)';
  }
  return undefined;
}

/** Some medium of each route (preferences first, then the role's) is on and has what it needs. */
function reachable({ prefs, contact }: Reachability, roleRoute: { routine: readonly Medium[]; escalation: readonly Medium[] }): boolean {
  const disabled = new Set(prefs.disabled ?? []);
  // The robot is the community's group: it needs no personal contact.
  const usable = (m: Medium) => !disabled.has(m) && (m === 'robot' || (m === 'sms' ? !!contact.mobile : !!contact.email));
  return [roleRoute.routine, roleRoute.escalation].every((route) => [...(prefs.order ?? []), ...route].some(usable));
}
