import { asSendError, type SendError } from './errors';
import { notificationKey } from './key';
import type { NotificationOutbox, OutboxFailure } from './outbox';
import type { DeliveryPlan, PlannedAttempt } from './routing';
import { renderFor } from './templates/render';
import type { Channel, OutboundMessage, SendResult } from './types';

// Delivers one plan: primary channel, then fallbacks after permanent failures.
// Idempotent across retries through the outbox: claim before sending, record
// after. A transient failure is rethrown so the caller (a Temporal activity)
// retries with backoff; the retry skips whatever the outbox says was sent.

export type DeliveryOutcome =
  | { status: 'sent'; channelId: string; key: string; result: SendResult }
  | { status: 'already-sent'; channelId: string; key: string }
  | { status: 'in-doubt'; channelId: string; key: string }
  | { status: 'deferred'; until: string; channelId?: string }
  | { status: 'skipped'; reason: 'digest' | 'unreachable' }
  | { status: 'failed'; errors: Array<{ channelId: string } & OutboxFailure> };

export interface DeliverOptions {
  now?: () => Date;
  /** Earliest allowed send on this channel (robot rate limits); null or past = now. */
  rateGate?: (channel: Channel, now: Date) => Date | null;
  /** Override rendering (tests, previews). */
  render?: (plan: DeliveryPlan, attempt: PlannedAttempt) => OutboundMessage;
  /** In-process retries of markSent before giving up (the send itself is never repeated). */
  markSentAttempts?: number;
  /**
   * Called as soon as the provider has accepted, before the outbox is told:
   * the caller records the acceptance somewhere that survives its own failure
   * (the activity heartbeats it), so a retry can mark the row sent instead of
   * leaving it in doubt. An error thrown here fails the delivery like any other.
   */
  onAccepted?: (key: string, result: SendResult) => void | Promise<void>;
}

function failure(e: SendError): OutboxFailure {
  return { message: e.message, code: e.code, provider: e.provider, raw: e.raw };
}

export async function deliver(
  plan: DeliveryPlan,
  channels: Readonly<Record<string, Channel>>,
  outbox: NotificationOutbox,
  opts: DeliverOptions = {},
): Promise<DeliveryOutcome> {
  if (plan.mode !== 'send') return { status: 'skipped', reason: plan.mode };
  const clock = opts.now ?? (() => new Date());
  if (clock().getTime() < Date.parse(plan.notBefore)) return { status: 'deferred', until: plan.notBefore };
  const errors: Array<{ channelId: string } & OutboxFailure> = [];

  for (const attempt of plan.attempts) {
    const channel = channels[attempt.channelId];
    if (!channel) {
      errors.push({ channelId: attempt.channelId, message: 'channel not configured' });
      continue;
    }
    const key = notificationKey(plan.event, plan.recipient, attempt.channelId);
    const now = clock();
    const gate = opts.rateGate?.(channel, now);
    if (gate && gate.getTime() > now.getTime()) {
      return { status: 'deferred', until: gate.toISOString(), channelId: attempt.channelId };
    }
    const claim = await outbox.claim(key, {
      eventId: plan.event.id,
      eventType: plan.event.type,
      recipientId: plan.recipient.userId,
      channelId: attempt.channelId,
      attemptAt: now.toISOString(),
    });
    if (claim.state === 'sent') return { status: 'already-sent', channelId: attempt.channelId, key };
    if (claim.state === 'in-flight') return { status: 'in-doubt', channelId: attempt.channelId, key };
    if (claim.state === 'failed') {
      errors.push({ channelId: attempt.channelId, ...claim.error });
      continue;
    }

    let result: SendResult;
    try {
      const message = opts.render ? opts.render(plan, attempt) : renderFor(attempt.medium, plan.event, plan.recipient);
      result = await channel.send(message, { key, now: clock });
    } catch (e) {
      const err = asSendError(e, channel.provider);
      await outbox.markFailed(key, failure(err), err.permanent);
      if (!err.permanent) throw err;
      errors.push({ channelId: attempt.channelId, ...failure(err) });
      continue;
    }
    await opts.onAccepted?.(key, result);
    await recordSent(outbox, key, result, opts.markSentAttempts ?? 3);
    return { status: 'sent', channelId: attempt.channelId, key, result };
  }
  return { status: 'failed', errors };
}

/**
 * The provider has accepted: from here on, failing must never lead to a resend.
 * Retry the write a few times in-process; if it still fails, the row stays
 * "sending" and any later retry of deliver() reports in-doubt instead of sending.
 */
async function recordSent(outbox: NotificationOutbox, key: string, result: SendResult, attempts: number): Promise<void> {
  let last: unknown;
  for (let i = 0; i < Math.max(1, attempts); i++) {
    try {
      await outbox.markSent(key, result);
      return;
    } catch (e) {
      last = e;
      await new Promise((r) => setTimeout(r, 50 * 2 ** i));
    }
  }
  throw last;
}
