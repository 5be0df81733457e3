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
}

export function digestEventId(userId: string, day: string): string {
  return `digest:${userId}:${day}`;
}

export function buildDigests(plans: readonly DeliveryPlan[], day: string, opts: DigestOptions): DigestBundle[] {
  const byUser = new Map<string, DigestBundle>();
  for (const plan of plans) {
    const e = plan.event;
    if (plan.mode !== 'digest' || e.type === 'digest' || shanghaiDay(e.at) !== day) continue;
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
    b.event.items.sort((x, y) => Date.parse(x.task.deadline) - Date.parse(y.task.deadline) || y.task.points - x.task.points || x.eventId.localeCompare(y.eventId));
  }
  return [...byUser.values()].sort((a, b) => a.recipient.userId.localeCompare(b.recipient.userId));
}
