// The notification outbox on PostgreSQL (semantics in notify/outbox.ts): one
// row per business key, claimed atomically, so a retried activity never
// sends the same message twice.
import type { ClaimMeta, ClaimResult, NotificationOutbox, OutboxFailure } from '../notify';
import type { SendResult } from '../notify';
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
      if (inserted.count === 1) return { state: 'claimed' };
      return db.$transaction(async (tx) => {
        const [row] = await tx.$queryRaw<Array<{ status: string; providerResponse: unknown; lastError: string | null; createdAt: Date }>>`
          SELECT status, "providerResponse", "lastError", "createdAt" FROM "Notification" WHERE "businessKey" = ${key} FOR UPDATE`;
        if (!row) throw new Error(`notification ${key} vanished`);
        if (row.status === 'SENT') return { state: 'sent', response: row.providerResponse as SendResult };
        if (row.status === 'GIVEN_UP') return { state: 'failed', error: { message: row.lastError ?? 'failed' } };
        if (row.status === 'QUEUED') return { state: 'in-flight', since: row.createdAt.toISOString() };
        await tx.notification.update({ where: { businessKey: key }, data: { status: 'QUEUED', attempts: { increment: 1 } } });
        return { state: 'claimed' };
      });
    },
    async markSent(key: string, response: SendResult) {
      await db.notification.update({
        where: { businessKey: key },
        data: { status: 'SENT', sentAt: response.acceptedAt, providerResponse: response as unknown as Prisma.InputJsonValue, lastError: null },
      });
    },
    async markFailed(key: string, error: OutboxFailure, permanent: boolean) {
      await db.notification.update({
        where: { businessKey: key },
        data: { status: permanent ? 'GIVEN_UP' : 'FAILED', lastError: [error.code, error.message].filter(Boolean).join(': ').slice(0, 1000) },
      });
    },
  };
}

/** A notification that could not be planned onto any channel is still a row: the delivery log shows why. */
export async function recordUndeliverable(db: Database, input: { businessKey: string; event: string; userId: string; recipient: string; body: string; reason: string }): Promise<void> {
  await db.notification.createMany({
    data: [{ businessKey: input.businessKey, channel: 'none', event: input.event, userId: input.userId, recipient: input.recipient, body: input.body, status: 'GIVEN_UP', attempts: 0, lastError: input.reason }],
    skipDuplicates: true,
  });
}

/** Held for the official's daily digest. */
export async function queueForDigest(db: Database, input: { businessKey: string; event: string; userId: string; recipient: string; body: string }): Promise<void> {
  await db.notification.createMany({
    data: [{ businessKey: input.businessKey, channel: 'digest', event: input.event, userId: input.userId, recipient: input.recipient, body: input.body, status: 'QUEUED', attempts: 0 }],
    skipDuplicates: true,
  });
}
