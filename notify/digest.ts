import type { DeliveryPlan } from './routing';
import type { DigestEvent, Recipient } from './events';
import { shanghaiDay } from './templates/format';

// Daily digests for officials: every routine event planned in "digest" mode on
// a given local day becomes one line of one message per official. Pure.

export interface DigestBundle {
  recipient: Recipient;
  event: DigestEvent;
}

export interface DigestOptions {
  /** ISO instant at which the digests go out (e.g. 08:00 local the next morning). */
  sendAt: string;
  /** Link to the official's dashboard. */
  link: string;
  /**
   * When given, every event before this instant is gathered, whatever its
   * local day: what the scheduled run uses, so a backlog left by downtime is
   * still sent rather than silently dropped. Without it, only events of `day`.
   */
  upTo?: string;
}

const HOUR = 3_600_000;
const SHANGHAI_OFFSET = 8 * HOUR; // no daylight saving since 1991

/**
 * The digest a run at `at` is responsible for: the latest digest instant
 * (digestHour:00 Asia/Shanghai) not after `at`, and its local day. A run
 * before 08:00 therefore belongs to yesterday's digest: the cut-off, and so
 * the content, of one day's digest never depends on when a run happens, and a
 * retried or re-triggered run cannot fold rows into a digest already sent
 * without them.
 */
export function digestWindow(at: string, digestHour: number): { day: string; cutoff: string } {
  const t = Date.parse(at);
  const local = new Date(t + SHANGHAI_OFFSET);
  let cutoff = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate()) - SHANGHAI_OFFSET + digestHour * HOUR;
  if (cutoff > t) cutoff -= 24 * HOUR;
  const iso = new Date(cutoff).toISOString();
  return { day: shanghaiDay(iso), cutoff: iso };
}

export function digestEventId(userId: string, day: string): string {
  return `digest:${userId}:${day}`;
}

/**
 * Escalations are batched per recipient per window: each goes out at the end
 * of the window (aligned to multiples of `windowMs` since the epoch) it was
 * raised in, and one message lists every escalation of that person pending by
 * then. Seven tasks overdue at 00:00 make one message at 00:05, not seven.
 */
export function escalationWindowEnd(at: string, windowMs: number): string {
  const t = Date.parse(at);
  return new Date((Math.floor(t / windowMs) + 1) * windowMs).toISOString();
}

/** The batch message of one official's escalations; its id makes the outbox key (one send per batch). */
export function escalationBatch(
  recipient: Recipient,
  id: string,
  items: DigestEvent['items'],
  opts: { at: string; link: string },
): DigestBundle {
  const sorted = [...items].sort(
    (x, y) =>
      Date.parse(x.task.deadline) - Date.parse(y.task.deadline) || y.task.points - x.task.points || x.eventId.localeCompare(y.eventId),
  );
  return {
    recipient,
    event: {
      id: `escalations:${id}`,
      type: 'digest',
      urgency: 'escalation',
      at: opts.at,
      day: shanghaiDay(opts.at),
      link: opts.link,
      items: sorted,
    },
  };
}

export function buildDigests(plans: readonly DeliveryPlan[], day: string, opts: DigestOptions): DigestBundle[] {
  const byUser = new Map<string, DigestBundle>();
  for (const plan of plans) {
    const e = plan.event;
    if (plan.mode !== 'digest' || e.type === 'digest') continue;
    if (opts.upTo ? Date.parse(e.at) >= Date.parse(opts.upTo) : shanghaiDay(e.at) !== day) continue;
    const uid = plan.recipient.userId;
    let bundle = byUser.get(uid);
    if (!bundle) {
      bundle = {
        recipient: plan.recipient,
        event: { id: digestEventId(uid, day), type: 'digest', urgency: 'routine', at: opts.sendAt, day, link: opts.link, items: [] },
      };
      byUser.set(uid, bundle);
    }
    // The same event planned twice (a retried planning step) is listed once.
    if (!bundle.event.items.some((i) => i.eventId === e.id)) {
      bundle.event.items.push({ eventId: e.id, eventType: e.type, task: e.task });
    }
  }
  for (const b of byUser.values()) {
    // Most urgent first: earlier deadlines, then larger deductions.
    b.event.items.sort(
      (x, y) =>
        Date.parse(x.task.deadline) - Date.parse(y.task.deadline) || y.task.points - x.task.points || x.eventId.localeCompare(y.eventId),
    );
  }
  return [...byUser.values()].sort((a, b) => a.recipient.userId.localeCompare(b.recipient.userId));
}
