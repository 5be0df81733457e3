import type { SendResult } from './types';

// The outbox records every notification under its business key. The lead
// implements it on PostgreSQL (one row per key, unique index on key); tests use
// testing/memory-outbox.ts. Required semantics, per key:
//
//   claim        no row               -> insert state "sending"        -> {state: 'claimed'}
//                row "failed" (transient) -> set "sending"             -> {state: 'claimed'}
//                row "sending"                                         -> {state: 'in-flight'}
//                row "sent"                                            -> {state: 'sent', ...}
//                row "failed" (permanent)                              -> {state: 'failed', ...}
//   markSent     set "sent" with the provider response (idempotent)
//   markFailed   set "failed" with the error and whether it is permanent
//
// claim must be atomic (INSERT ... ON CONFLICT / SELECT ... FOR UPDATE), so two
// concurrent executions cannot both get 'claimed'. A row left in "sending" means
// a send may or may not have reached the provider (crash between send and
// markSent): deliver() then sends nothing, preferring a possibly-missed message
// over a duplicate, and reports it as in-doubt for an operator to look at.

export interface ClaimMeta {
  eventId: string;
  eventType: string;
  recipientId: string;
  channelId: string;
  /** ISO instant of this attempt. */
  attemptAt: string;
}

export interface OutboxFailure {
  message: string;
  code?: string;
  provider?: string;
  raw?: string;
}

export type ClaimResult =
  | { state: 'claimed' }
  | { state: 'sent'; response: SendResult }
  | { state: 'failed'; error: OutboxFailure }
  | { state: 'in-flight'; since: string };

export interface NotificationOutbox {
  claim(key: string, meta: ClaimMeta): Promise<ClaimResult>;
  markSent(key: string, response: SendResult): Promise<void>;
  markFailed(key: string, error: OutboxFailure, permanent: boolean): Promise<void>;
}
