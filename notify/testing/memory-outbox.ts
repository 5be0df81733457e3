import type { ClaimMeta, ClaimResult, NotificationOutbox, OutboxFailure } from '../outbox';
import type { SendResult } from '../types';

// In-memory NotificationOutbox with the semantics documented in outbox.ts, for
// tests only (production uses PostgreSQL). `failMarkSent` simulates the store
// failing right after a provider accepted a message.

type Row =
  | { state: 'sending'; since: string; meta: ClaimMeta }
  | { state: 'sent'; response: SendResult; meta: ClaimMeta }
  | { state: 'failed'; permanent: boolean; error: OutboxFailure; meta: ClaimMeta };

export class MemoryOutbox implements NotificationOutbox {
  readonly rows = new Map<string, Row>();
  failMarkSent = 0;

  async claim(key: string, meta: ClaimMeta): Promise<ClaimResult> {
    const row = this.rows.get(key);
    if (!row || (row.state === 'failed' && !row.permanent)) {
      this.rows.set(key, { state: 'sending', since: meta.attemptAt, meta });
      return { state: 'claimed' };
    }
    if (row.state === 'sending') return { state: 'in-flight', since: row.since };
    if (row.state === 'sent') return { state: 'sent', response: row.response };
    return { state: 'failed', error: row.error };
  }

  async markSent(key: string, response: SendResult): Promise<void> {
    if (this.failMarkSent > 0) {
      this.failMarkSent--;
      throw new Error('outbox unavailable');
    }
    const row = this.rows.get(key);
    if (!row) throw new Error(`markSent without claim: ${key}`);
    this.rows.set(key, { state: 'sent', response, meta: row.meta });
  }

  async markFailed(key: string, error: OutboxFailure, permanent: boolean): Promise<void> {
    const row = this.rows.get(key);
    if (!row) throw new Error(`markFailed without claim: ${key}`);
    this.rows.set(key, { state: 'failed', permanent, error, meta: row.meta });
  }
}
