import type { NotifyEvent, Recipient } from './events';
import { SHANGHAI_OFFSET_MS } from './templates/format';
import type { Medium, Role, Urgency } from './types';

// Pure routing: which channels, in which order, and from when. No I/O and no
// Node built-ins, so workflow code may call it.

export interface RoleRoute {
  routine: Medium[];
  escalation: Medium[];
  /** Routine events for this role are gathered into a daily digest by default. */
  digest: boolean;
}

/**
 * Defaults: community people live in the community's robot group, so robot
 * first and SMS as fallback; officials get email (their desk) with SMS behind
 * it, digests for routine news, and SMS first when something is escalated.
 */
export const DEFAULT_ROLE_ROUTES: Record<Role, RoleRoute> = {
  // Email last: a person with neither robot group nor SMS configured is still reached.
  staff: { routine: ['robot', 'sms', 'email'], escalation: ['robot', 'sms', 'email'], digest: false },
  secretary: { routine: ['robot', 'sms', 'email'], escalation: ['sms', 'robot', 'email'], digest: false },
  area_leader: { routine: ['email', 'sms'], escalation: ['sms', 'email'], digest: true },
  political_legal: { routine: ['email', 'sms'], escalation: ['sms', 'email'], digest: true },
  admin: { routine: ['email'], escalation: ['email', 'sms'], digest: true },
};

export interface QuietHours {
  start: string; // HH:MM local
  end: string; // HH:MM local
  enabled: boolean;
}

export interface RoutingPolicy {
  quietHours: QuietHours;
  roleRoutes?: Record<Role, RoleRoute>;
  /** What is configured: SMS and robots stay off until set up. */
  available: { email: boolean; sms: boolean; robotCommunities: readonly string[] };
}

export interface PlannedAttempt {
  channelId: string;
  medium: Medium;
}

export interface DeliveryPlan {
  event: NotifyEvent;
  recipient: Recipient;
  /** send: deliver at notBefore; digest: hold for buildDigests; unreachable: no usable channel. */
  mode: 'send' | 'digest' | 'unreachable';
  /** ISO instant; the caller sleeps durably until then. */
  notBefore: string;
  /** Primary first, then fallbacks, tried only after a permanent failure. */
  attempts: PlannedAttempt[];
}

export function robotChannelId(communityId: string): string {
  return `robot:${communityId}`;
}

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

function isQuiet(localMinute: number, q: QuietHours): boolean {
  const s = minutesOf(q.start);
  const e = minutesOf(q.end);
  if (!q.enabled || s === e) return false;
  return s < e ? localMinute >= s && localMinute < e : localMinute >= s || localMinute < e;
}

/** Returns `at` itself, or the end of the quiet period containing it (Asia/Shanghai). */
export function endOfQuietHours(at: Date, q: QuietHours): Date {
  const local = at.getTime() + SHANGHAI_OFFSET_MS;
  const dayStart = Math.floor(local / 86_400_000) * 86_400_000;
  const minute = Math.floor((local - dayStart) / 60_000);
  if (!isQuiet(minute, q)) return at;
  const end = minutesOf(q.end);
  const endToday = dayStart + end * 60_000;
  const endLocal = minute < end ? endToday : endToday + 86_400_000;
  return new Date(endLocal - SHANGHAI_OFFSET_MS);
}

function channelFor(medium: Medium, event: NotifyEvent, r: Recipient, policy: RoutingPolicy): string | null {
  if (medium === 'email') return policy.available.email && r.email ? 'email' : null;
  if (medium === 'sms') return policy.available.sms && r.mobile ? 'sms' : null;
  // A digest spans communities: it has no community robot group to go to.
  if (event.type === 'digest') return null;
  return policy.available.robotCommunities.includes(event.communityId) ? robotChannelId(event.communityId) : null;
}

export function planFor(event: NotifyEvent, r: Recipient, policy: RoutingPolicy): DeliveryPlan {
  const route = (policy.roleRoutes ?? DEFAULT_ROLE_ROUTES)[r.role];
  const escalation = event.urgency === 'escalation';
  // A preference puts media first; the role's route stays behind them as the fallback.
  const order = [...(r.preferences?.order ?? []), ...(escalation ? route.escalation : route.routine)];
  const disabled = new Set(r.preferences?.disabled ?? []);
  const attempts: PlannedAttempt[] = [];
  for (const medium of order) {
    if (disabled.has(medium)) continue;
    const channelId = channelFor(medium, event, r, policy);
    if (channelId && !attempts.some((a) => a.channelId === channelId)) attempts.push({ channelId, medium });
  }
  const at = new Date(event.at);
  // A digest goes by email or SMS only (it spans communities, so no robot group): without either, send each event.
  const digestable = attempts.some((a) => a.medium !== 'robot');
  const wantsDigest = event.type !== 'digest' && !escalation && digestable && (r.preferences?.digest ?? route.digest);
  if (attempts.length === 0) return { event, recipient: r, mode: 'unreachable', notBefore: at.toISOString(), attempts };
  if (wantsDigest) return { event, recipient: r, mode: 'digest', notBefore: at.toISOString(), attempts };
  // Urgent escalations (the rulebook's escalation policy says so) go through at night; the rest waits for the morning.
  const notBefore = escalation && event.urgent ? at : endOfQuietHours(at, policy.quietHours);
  return { event, recipient: r, mode: 'send', notBefore: notBefore.toISOString(), attempts };
}

/**
 * The media that would carry a message to `r` today, in order (nothing when
 * nothing can): what 我的设置 shows, and warns about when it is empty.
 */
export function reachableMedia(r: Recipient, communityId: string, policy: RoutingPolicy, urgency: Urgency): Medium[] {
  const at = new Date(0).toISOString();
  const probe: NotifyEvent = {
    id: 'probe',
    type: urgency === 'escalation' ? 'escalation' : 'reminder',
    urgency,
    at,
    communityId,
    task: { communityName: '', ruleTitle: '', clause: '', period: '', deadline: at, points: 0, link: '' },
  };
  return planFor(probe, r, policy).attempts.map((a) => a.medium);
}

/** One plan per recipient, in recipient order. */
export function planDelivery(event: NotifyEvent, recipients: readonly Recipient[], policy: RoutingPolicy): DeliveryPlan[] {
  return recipients.map((r) => planFor(event, r, policy));
}
