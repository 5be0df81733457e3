import { asSendError, InDoubtSendError, type SendError } from './errors';
import { notificationKey } from './key';
import type { NotificationOutbox, OutboxFailure } from './outbox';
import type { DeliveryPlan, PlannedAttempt } from './routing';
import { renderFor } from './templates/render';
import type { Channel, OutboundMessage, SendResult } from './types';

// Delivers one plan: primary channel, then fallbacks after permanent failures
// (and, for an escalation, after a channel has failed for longer than the
// fallback bound). Idempotent across retries through the outbox: claim before
// sending, record after. A transient failure is rethrown so the caller (a
// Temporal activity) retries with backoff; a rate limit comes back as
// `deferred` until its window ends. A send whose answer was lost is IN_DOUBT:
// before sending it again the provider is asked (SMS status query); channels
// that cannot be asked (mail, robots) never resend it.

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
  /**
   * An escalation whose channel keeps failing moves to the next channel once
   * this long has passed since its first attempt there (or at once when a rate
   * limit's window is longer). Routine messages use ROUTINE_FALLBACK_MS for rate-limit windows only.
   */
  escalationFallbackMs?: number;
  /**
   * How long a provider may take to show a message in its status query before
   * "not found" is believed and the message is sent again (Tencent only lists
   * a message once the carrier's receipt is in).
   */
  inDoubtGraceMs?: number;
}

/** A routine message waits out a rate limit up to this long; a longer window (a daily cap) moves it to the next channel. */
export const ROUTINE_FALLBACK_MS = 60 * 60_000;
/** Escalations: the default bound before the next channel is tried (config `escalationFallbackMinutes`). */
export const DEFAULT_ESCALATION_FALLBACK_MS = 10 * 60_000;
export const DEFAULT_IN_DOUBT_GRACE_MS = 10 * 60_000;

/** Backoff between retries of an escalation on one channel, so that the bound is checked on time. */
const escalationBackoffMs = (attempts: number) => Math.min(5 * 60_000, 5000 * 2 ** Math.max(0, attempts - 1));

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
    let claim = await outbox.claim(key, {
      eventId: plan.event.id,
      eventType: plan.event.type,
      recipientId: plan.recipient.userId,
      channelId: attempt.channelId,
      attemptAt: now.toISOString(),
    });
    if (claim.state === 'sent') return { status: 'already-sent', channelId: attempt.channelId, key };
    if (claim.state === 'failed') {
      errors.push({ channelId: attempt.channelId, ...claim.error });
      continue;
    }
    const message = opts.render ? opts.render(plan, attempt) : renderFor(attempt.medium, plan.event, plan.recipient);

    if (claim.state === 'in-flight') {
      // The last send may have been accepted. Only a provider that can be asked gets a second send.
      if (!channel.query) return { status: 'in-doubt', channelId: attempt.channelId, key };
      const status = await channel.query(message, { ref: claim.ref, sentAt: new Date(claim.since), now: clock });
      if (status.state === 'accepted' || status.state === 'delivered') {
        await outbox.confirm(key, status);
        return { status: 'already-sent', channelId: attempt.channelId, key };
      }
      if (status.state === 'failed') {
        // The carrier could not deliver it: the receipt is kept and the next channel tried.
        await outbox.confirm(key, status);
        errors.push({
          channelId: attempt.channelId,
          message: 'delivery failed (carrier receipt)',
          code: String(status.receipt?.ErrCode ?? status.receipt?.Description ?? 'FAIL'),
        });
        continue;
      }
      const graceEnd = Date.parse(claim.inDoubtSince) + (opts.inDoubtGraceMs ?? DEFAULT_IN_DOUBT_GRACE_MS);
      if (now.getTime() < graceEnd) return { status: 'deferred', until: new Date(graceEnd).toISOString(), channelId: attempt.channelId };
      claim = await outbox.reclaim(key);
      if (claim.state !== 'claimed') return { status: 'in-doubt', channelId: attempt.channelId, key };
    }

    const bound = plan.event.urgency === 'escalation' ? (opts.escalationFallbackMs ?? DEFAULT_ESCALATION_FALLBACK_MS) : undefined;
    const hasNext = plan.attempts.indexOf(attempt) < plan.attempts.length - 1;
    const since = Date.parse(claim.since);
    if (bound !== undefined && hasNext && now.getTime() - since >= bound) {
      const gaveUp = { message: `超过 ${Math.round(bound / 60_000)} 分钟仍未发出，改用下一渠道 (fallback bound reached)` };
      await outbox.markFailed(key, gaveUp, true);
      errors.push({ channelId: attempt.channelId, ...gaveUp });
      continue;
    }

    let result: SendResult;
    try {
      result = await channel.send(message, { key, ref: claim.ref, now: clock });
    } catch (e) {
      const err = asSendError(e, channel.provider);
      if (err instanceof InDoubtSendError) {
        // Accepted or not, nobody knows: the retry asks the provider (or, without a query, never resends).
        await outbox.markInDoubt(key, failure(err));
        throw err;
      }
      await outbox.markFailed(key, failure(err), err.permanent);
      if (err.permanent) {
        errors.push({ channelId: attempt.channelId, ...failure(err) });
        continue;
      }
      const wait = 'retryAfterMs' in err && typeof err.retryAfterMs === 'number' ? err.retryAfterMs : undefined;
      const limit = bound ?? ROUTINE_FALLBACK_MS;
      const retryAt = now.getTime() + (wait ?? 0);
      if (hasNext && (wait !== undefined ? wait > limit || (bound !== undefined && retryAt - since >= bound) : false)) {
        // A window this long (a daily cap) or past the escalation's bound: the next channel now.
        await outbox.markFailed(
          key,
          { ...failure(err), message: `${err.message}; 限流时间过长，改用下一渠道 (rate limited past the fallback bound)` },
          true,
        );
        errors.push({ channelId: attempt.channelId, ...failure(err) });
        continue;
      }
      if (wait !== undefined) return { status: 'deferred', until: new Date(retryAt).toISOString(), channelId: attempt.channelId };
      if (bound !== undefined && hasNext) {
        // An escalation comes back on its own short backoff, capped at the bound, instead of the activity's hours-long schedule.
        const until = Math.min(now.getTime() + escalationBackoffMs(claim.attempts), since + bound);
        return { status: 'deferred', until: new Date(until).toISOString(), channelId: attempt.channelId };
      }
      throw err;
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
