import { randomUUID } from 'node:crypto';
import type { ClaimMeta, ClaimResult, NotificationOutbox, OutboxFailure } from '../outbox';
import type { DeliveryStatus, SendResult } from '../types';

// In-memory NotificationOutbox with the semantics documented in outbox.ts, for
// tests only (production uses PostgreSQL). `failMarkSent` simulates the store
// failing right after a provider accepted a message.

interface Common {
  ref: string;
  since: string;
  attempts: number;
  meta: ClaimMeta;
  receipt?: DeliveryStatus;
}
type Row = Common &
  (
    | { state: 'sending' }
    | { state: 'in-doubt'; inDoubtSince: string; error: OutboxFailure }
    | { state: 'sent'; response?: SendResult }
    | { state: 'failed'; permanent: boolean; error: OutboxFailure }
  );

export class MemoryOutbox implements NotificationOutbox {
  readonly rows = new Map<string, Row>();
  failMarkSent = 0;
  constructor(private readonly clock: () => Date = () => new Date()) {}

  async claim(key: string, meta: ClaimMeta): Promise<ClaimResult> {
    const row = this.rows.get(key);
    if (!row) {
      const fresh: Row = { state: 'sending', ref: randomUUID(), since: meta.attemptAt, attempts: 1, meta };
      this.rows.set(key, fresh);
      return { state: 'claimed', ref: fresh.ref, since: fresh.since, attempts: 1 };
    }
    if (row.state === 'failed' && !row.permanent) return this.reclaimRow(key, row);
    if (row.state === 'sending') {
      const inDoubtSince = this.clock().toISOString();
      this.rows.set(key, { ...row, state: 'in-doubt', inDoubtSince, error: { message: 'interrupted' } });
      return { state: 'in-flight', ref: row.ref, since: row.since, inDoubtSince };
    }
    if (row.state === 'in-doubt') return { state: 'in-flight', ref: row.ref, since: row.since, inDoubtSince: row.inDoubtSince };
    if (row.state === 'sent') return { state: 'sent', response: row.response! };
    return { state: 'failed', error: row.error };
  }

  private reclaimRow(key: string, row: Row): ClaimResult {
    this.rows.set(key, { ...row, state: 'sending', attempts: row.attempts + 1 });
    return { state: 'claimed', ref: row.ref, since: row.since, attempts: row.attempts + 1 };
  }

  async reclaim(key: string): Promise<ClaimResult> {
    const row = this.rows.get(key);
    if (!row || row.state !== 'in-doubt')
      return this.claim(
        key,
        row?.meta ?? { eventId: '', eventType: '', recipientId: '', channelId: '', attemptAt: this.clock().toISOString() },
      );
    return this.reclaimRow(key, row);
  }

  async markSent(key: string, response: SendResult): Promise<void> {
    if (this.failMarkSent > 0) {
      this.failMarkSent--;
      throw new Error('outbox unavailable');
    }
    const row = this.rows.get(key);
    if (!row) throw new Error(`markSent without claim: ${key}`);
    this.rows.set(key, { ...row, state: 'sent', response });
  }

  async markFailed(key: string, error: OutboxFailure, permanent: boolean): Promise<void> {
    const row = this.rows.get(key);
    if (!row) throw new Error(`markFailed without claim: ${key}`);
    this.rows.set(key, { ...row, state: 'failed', permanent, error });
  }

  async markInDoubt(key: string, error: OutboxFailure): Promise<void> {
    const row = this.rows.get(key);
    if (!row) throw new Error(`markInDoubt without claim: ${key}`);
    this.rows.set(key, { ...row, state: 'in-doubt', inDoubtSince: this.clock().toISOString(), error });
  }

  async confirm(key: string, status: DeliveryStatus): Promise<void> {
    const row = this.rows.get(key);
    if (!row) throw new Error(`confirm without claim: ${key}`);
    if (status.state === 'failed')
      this.rows.set(key, { ...row, state: 'failed', permanent: true, error: { message: 'delivery failed' }, receipt: status });
    else if (status.state !== 'not-found')
      this.rows.set(key, { ...row, state: 'sent', receipt: status, ...(row.state === 'sent' ? { response: row.response } : {}) });
  }
}
