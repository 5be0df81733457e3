// The notification outbox on PostgreSQL (semantics in notify/outbox.ts): one
// row per business key, claimed atomically, so a retried activity never
// sends the same message twice.
import type { ClaimMeta, ClaimResult, NotificationOutbox, OutboxFailure } from '../notify';
import type { DeliveryStatus, SendResult } from '../notify';
import type { Database } from './client';
import type { Prisma } from './generated/prisma/client';

export interface RenderedContent {
  recipient: string;
  userId?: string;
  subject?: string;
  body: string;
}

/** `contentOf` gives what is being sent for a key, stored with the row for the delivery log. */
export function postgresOutbox(db: Database, contentOf: (key: string, meta: ClaimMeta) => RenderedContent): NotificationOutbox {
  return {
    async claim(key, meta): Promise<ClaimResult> {
      const content = contentOf(key, meta);
      const inserted = await db.notification.createMany({
        data: [{ businessKey: key, channel: meta.channelId, event: meta.eventType, status: 'QUEUED', attempts: 1, ...content }],
        skipDuplicates: true,
      });
      if (inserted.count === 1) {
        const row = await db.notification.findUniqueOrThrow({ where: { businessKey: key }, select: { id: true, createdAt: true } });
        return { state: 'claimed', ref: row.id, since: row.createdAt.toISOString(), attempts: 1 };
      }
      return db.$transaction(async (tx) => {
        const [row] = await tx.$queryRaw<
          Array<{ id: string; status: string; attempts: number; providerResponse: unknown; lastError: string | null; createdAt: Date }>
        >`
          SELECT id, status, attempts, "providerResponse", "lastError", "createdAt" FROM "Notification" WHERE "businessKey" = ${key} FOR UPDATE`;
        if (!row) throw new Error(`notification ${key} vanished`);
        const since = row.createdAt.toISOString();
        if (row.status === 'SENT') return { state: 'sent', response: row.providerResponse as SendResult };
        if (row.status === 'GIVEN_UP') return { state: 'failed', error: { message: row.lastError ?? 'failed' } };
        // Claimed before and never marked: the attempt died mid-send and the provider may have
        // accepted it. The row says so in the delivery log (IN_DOUBT) and is never sent again blindly.
        if (row.status === 'QUEUED') {
          const inDoubtSince = new Date().toISOString();
          await tx.notification.update({
            where: { businessKey: key },
            data: { status: 'IN_DOUBT', providerResponse: { inDoubtSince }, lastError: IN_DOUBT_INTERRUPTED },
          });
          return { state: 'in-flight', ref: row.id, since, inDoubtSince };
        }
        if (row.status === 'IN_DOUBT')
          return { state: 'in-flight', ref: row.id, since, inDoubtSince: inDoubtSinceOf(row.providerResponse) ?? since };
        await tx.notification.update({ where: { businessKey: key }, data: { status: 'QUEUED', attempts: { increment: 1 } } });
        return { state: 'claimed', ref: row.id, since, attempts: row.attempts + 1 };
      });
    },
    async reclaim(key: string): Promise<ClaimResult> {
      const rows = await db.$queryRaw<Array<{ id: string; attempts: number; createdAt: Date }>>`
        UPDATE "Notification" SET status = 'QUEUED', attempts = attempts + 1, "lastError" = NULL
        WHERE "businessKey" = ${key} AND status = 'IN_DOUBT' RETURNING id, attempts, "createdAt"`;
      const row = rows[0];
      // Someone else settled it meanwhile (confirmed or reclaimed): report it as still in flight, never send twice.
      if (!row) return { state: 'in-flight', ref: '', since: new Date().toISOString(), inDoubtSince: new Date().toISOString() };
      return { state: 'claimed', ref: row.id, since: row.createdAt.toISOString(), attempts: row.attempts };
    },
    async markInDoubt(key: string, error: OutboxFailure) {
      await db.notification.update({
        where: { businessKey: key },
        data: {
          status: 'IN_DOUBT',
          providerResponse: { inDoubtSince: new Date().toISOString() },
          lastError: `发送结果不明：服务商未答复，待核对 (${[error.code, error.message].filter(Boolean).join(': ')})`.slice(0, 1000),
        },
      });
    },
    async confirm(key: string, status: DeliveryStatus) {
      await confirmDelivery(db, { businessKey: key }, status);
    },
    async markSent(key: string, response: SendResult) {
      await db.notification.update({
        where: { businessKey: key },
        data: {
          status: 'SENT',
          sentAt: response.acceptedAt,
          providerResponse: response as unknown as Prisma.InputJsonValue,
          lastError: null,
        },
      });
    },
    async markFailed(key: string, error: OutboxFailure, permanent: boolean) {
      await db.notification.update({
        where: { businessKey: key },
        data: {
          status: permanent ? 'GIVEN_UP' : 'FAILED',
          lastError: [error.code, error.message].filter(Boolean).join(': ').slice(0, 1000),
        },
      });
    },
  };
}

const IN_DOUBT_INTERRUPTED = '发送结果不明：上次发送中断，待向服务商核对 (in doubt: the last attempt was interrupted)';

function inDoubtSinceOf(providerResponse: unknown): string | undefined {
  const v = (providerResponse as { inDoubtSince?: unknown } | null)?.inDoubtSince;
  return typeof v === 'string' ? v : undefined;
}

/**
 * Records what the provider's status query said: accepted or delivered makes
 * the row SENT (with the receipt and its time when there is one); a failed
 * receipt makes it GIVEN_UP with the receipt. `not-found` changes nothing.
 */
export async function confirmDelivery(
  db: Database,
  where: { businessKey: string } | { id: string },
  status: DeliveryStatus,
): Promise<void> {
  if (status.state === 'not-found') return;
  const receipt = (status.receipt ?? { state: status.state }) as Prisma.InputJsonValue;
  if (status.state === 'failed') {
    await db.notification.update({
      where,
      data: {
        status: 'GIVEN_UP',
        receipt,
        lastError: `运营商回执：未送达 (${String(status.receipt?.ErrCode ?? status.receipt?.Description ?? 'FAIL')})`,
      },
    });
    return;
  }
  const row = await db.notification.findUniqueOrThrow({ where, select: { sentAt: true, status: true } });
  await db.notification.update({
    where,
    data: {
      status: 'SENT',
      lastError: null,
      receipt,
      ...(row.sentAt ? {} : { sentAt: new Date() }),
      ...(status.state === 'delivered' ? { deliveredAt: status.at ?? new Date() } : {}),
    },
  });
}

/** A notification that could not be planned onto any channel is still a row: the delivery log shows why. */
export async function recordUndeliverable(
  db: Database,
  input: { businessKey: string; event: string; userId: string; recipient: string; body: string; reason: string },
): Promise<void> {
  await db.notification.createMany({
    data: [
      {
        businessKey: input.businessKey,
        channel: 'none',
        event: input.event,
        userId: input.userId,
        recipient: input.recipient,
        body: input.body,
        status: 'GIVEN_UP',
        attempts: 0,
        lastError: input.reason,
      },
    ],
    skipDuplicates: true,
  });
}

export interface QueuedDigestRow {
  businessKey: string;
  userId: string;
  event: string;
  createdAt: Date;
}

/** Digest rows not yet folded into a sent digest, queued before the cut-off, oldest first. */
export async function pendingDigestRows(db: Database, cutoff: Date): Promise<QueuedDigestRow[]> {
  const rows = await db.notification.findMany({
    where: { channel: 'digest', status: 'QUEUED', createdAt: { lt: cutoff }, userId: { not: null } },
    select: { businessKey: true, userId: true, event: true, createdAt: true },
    orderBy: { createdAt: 'asc' },
  });
  return rows.map((r) => ({ ...r, userId: r.userId! }));
}

/**
 * Closes digest rows: SENT (folded into the digest sent under `digestKey`) or
 * GIVEN_UP with the reason. Only QUEUED rows change, so a second run is a no-op.
 */
export async function closeDigestRows(
  db: Database,
  keys: string[],
  outcome: { sent: true; digestKey: string; at: Date } | { sent: false; reason: string },
  channel: HeldChannel = 'digest',
): Promise<number> {
  if (keys.length === 0) return 0;
  const data: Prisma.NotificationUpdateManyMutationInput = outcome.sent
    ? { status: 'SENT', sentAt: outcome.at, providerResponse: { foldedInto: outcome.digestKey }, attempts: { increment: 1 } }
    : { status: 'GIVEN_UP', lastError: outcome.reason.slice(0, 1000), attempts: { increment: 1 } };
  const result = await db.notification.updateMany({ where: { businessKey: { in: keys }, channel, status: 'QUEUED' }, data });
  return result.count;
}

/** When each of these channels was last claimed for a send since `since` (robot rate gates). */
export async function recentSendTimes(db: Database, channels: string[], since: Date): Promise<Map<string, number[]>> {
  const rows = await db.notification.findMany({
    where: { channel: { in: channels }, createdAt: { gte: since } },
    select: { channel: true, createdAt: true },
  });
  const byChannel = new Map<string, number[]>();
  for (const r of rows) byChannel.set(r.channel, [...(byChannel.get(r.channel) ?? []), r.createdAt.getTime()]);
  return byChannel;
}

/** Rows held for a later message: the officials' daily digest, or a batch of one person's escalations. */
export type HeldChannel = 'digest' | 'escalation-batch';

/** Held for the batch of this person's escalations (see escalationBatch in notify/digest.ts). */
export async function holdForEscalationBatch(
  db: Database,
  input: { businessKey: string; event: string; userId: string; recipient: string; body: string },
): Promise<void> {
  await db.notification.createMany({
    data: [
      {
        businessKey: input.businessKey,
        channel: 'escalation-batch',
        event: input.event,
        userId: input.userId,
        recipient: input.recipient,
        body: input.body,
        status: 'QUEUED',
        attempts: 0,
      },
    ],
    skipDuplicates: true,
  });
}

/**
 * The delivery of the escalation row `ownKey` takes every row of `userId`
 * still held into the batch `batchKey`, but only while its own row is still
 * untaken. Rows thus enter a batch only when its owner (the one delivery that
 * sends it) takes them: a delivery whose row another batch took takes nothing,
 * so no row is stranded in a batch nobody sends, and a retry of the owner adds
 * nothing to a batch that may already have gone out. Serialised per person
 * (advisory lock) so two deliveries waking together cannot interleave.
 * Returns whether the own row is in this batch, i.e. whether this delivery sends it.
 */
export async function takeIntoEscalationBatch(
  db: Database,
  input: { userId: string; ownKey: string; batchKey: string; upTo: Date },
): Promise<boolean> {
  return db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`escalation-batch:${input.userId}`}, 0))`;
    const own = await tx.notification.findUnique({ where: { businessKey: input.ownKey }, select: { batchKey: true } });
    if (!own) return false;
    if (own.batchKey !== null) return own.batchKey === input.batchKey;
    await tx.notification.updateMany({
      where: { channel: 'escalation-batch', userId: input.userId, status: 'QUEUED', batchKey: null, createdAt: { lte: input.upTo } },
      data: { batchKey: input.batchKey },
    });
    return true;
  });
}

export async function heldRow(db: Database, businessKey: string) {
  return db.notification.findUnique({ where: { businessKey }, select: { status: true, batchKey: true, channel: true } });
}

/** The rows a batch took that are not closed yet, oldest first. */
export async function rowsOfEscalationBatch(db: Database, batchKey: string): Promise<QueuedDigestRow[]> {
  const rows = await db.notification.findMany({
    where: { channel: 'escalation-batch', batchKey, status: 'QUEUED', userId: { not: null } },
    select: { businessKey: true, userId: true, event: true, createdAt: true },
    orderBy: { createdAt: 'asc' },
  });
  return rows.map((r) => ({ ...r, userId: r.userId! }));
}

/** Held for the official's daily digest. */
export async function queueForDigest(
  db: Database,
  input: { businessKey: string; event: string; userId: string; recipient: string; body: string },
): Promise<void> {
  await db.notification.createMany({
    data: [
      {
        businessKey: input.businessKey,
        channel: 'digest',
        event: input.event,
        userId: input.userId,
        recipient: input.recipient,
        body: input.body,
        status: 'QUEUED',
        attempts: 0,
      },
    ],
    skipDuplicates: true,
  });
}

/** Channels that carry sends (not rows held for a digest or a batch, nor undeliverable ones). */
const HELD_OR_NONE = ['digest', 'escalation-batch', 'none'];

/**
 * Rows a send left behind: QUEUED ("sending") since before `staleBefore` is a
 * send whose worker died and whose workflow is gone; it becomes IN_DOUBT now.
 * Returns how many were marked.
 */
export async function markStaleSendsInDoubt(db: Database, staleBefore: Date): Promise<number> {
  const result = await db.notification.updateMany({
    where: { status: 'QUEUED', channel: { notIn: HELD_OR_NONE }, createdAt: { lt: staleBefore } },
    data: { status: 'IN_DOUBT', providerResponse: { inDoubtSince: new Date().toISOString() }, lastError: IN_DOUBT_INTERRUPTED },
  });
  return result.count;
}

export interface UnsettledRow {
  id: string;
  businessKey: string;
  channel: string;
  event: string;
  recipient: string;
  body: string;
  status: string;
  createdAt: Date;
  inDoubtSince: Date;
}

/** In-doubt rows, oldest first (at most `limit`). */
export async function inDoubtRows(db: Database, limit: number): Promise<UnsettledRow[]> {
  const rows = await db.notification.findMany({
    where: { status: 'IN_DOUBT', channel: { notIn: HELD_OR_NONE } },
    orderBy: { createdAt: 'asc' },
    take: limit,
    select: {
      id: true,
      businessKey: true,
      channel: true,
      event: true,
      recipient: true,
      body: true,
      status: true,
      createdAt: true,
      providerResponse: true,
    },
  });
  return rows.map(({ providerResponse, ...r }) => ({
    ...r,
    inDoubtSince: new Date(inDoubtSinceOf(providerResponse) ?? r.createdAt.toISOString()),
  }));
}

/** Sent on `channel` since `since` without a delivery receipt yet (receipts are read by status query). */
export async function sentWithoutReceipt(db: Database, channel: string, since: Date, limit: number): Promise<UnsettledRow[]> {
  const rows = await db.notification.findMany({
    where: { status: 'SENT', channel, deliveredAt: null, sentAt: { gte: since } },
    orderBy: { sentAt: 'asc' },
    take: limit,
    select: { id: true, businessKey: true, channel: true, event: true, recipient: true, body: true, status: true, createdAt: true },
  });
  return rows.map((r) => ({ ...r, inDoubtSince: r.createdAt }));
}
