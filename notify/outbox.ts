import type { DeliveryStatus, SendResult } from './types';

// The outbox records every notification under its business key. The lead
// implements it on PostgreSQL (one row per key, unique index on key); tests use
// testing/memory-outbox.ts. Required semantics, per key:
//
//   claim        no row               -> insert state "sending"        -> {state: 'claimed', ref, since, attempts}
//                row "failed" (transient) -> set "sending"             -> {state: 'claimed', ...}
//                row "sending" / "in doubt" -> set "in doubt"          -> {state: 'in-flight', ref, since, inDoubtSince}
//                row "sent"                                            -> {state: 'sent', ...}
//                row "failed" (permanent)                              -> {state: 'failed', ...}
//   markSent     set "sent" with the provider response (idempotent)
//   markFailed   set "failed" with the error and whether it is permanent
//   markInDoubt  set "in doubt": the send may have been accepted, the answer was lost
//   confirm      the provider's status query answered for an in-doubt or sent row:
//                accepted/delivered -> "sent" (+ receipt), failed -> "failed" permanent (+ receipt)
//   reclaim      "in doubt" and the provider says it never got it -> "sending" again (same ref)
//
// `ref` is the row's own id: the per-message id given to the provider (OutId,
// SessionContext, Message-ID), so a status query can find exactly this message.
// claim must be atomic (INSERT ... ON CONFLICT / SELECT ... FOR UPDATE), so two
// concurrent executions cannot both get 'claimed'. A row left in "sending" means
// a send may or may not have reached the provider (crash between send and
// markSent): deliver() asks the provider when it can (SMS status query) and
// otherwise sends nothing, preferring a visible in-doubt row over a duplicate.

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
  /** since: when this key was first claimed (the fallback bound counts from it); attempts: sends tried, this one included. */
  | { state: 'claimed'; ref: string; since: string; attempts: number }
  | { state: 'sent'; response: SendResult }
  | { state: 'failed'; error: OutboxFailure }
  /** A send may have reached the provider (answer lost, worker killed): ask before sending again. */
  | { state: 'in-flight'; ref: string; since: string; inDoubtSince: string };

export interface NotificationOutbox {
  claim(key: string, meta: ClaimMeta): Promise<ClaimResult>;
  markSent(key: string, response: SendResult): Promise<void>;
  markFailed(key: string, error: OutboxFailure, permanent: boolean): Promise<void>;
  markInDoubt(key: string, error: OutboxFailure): Promise<void>;
  confirm(key: string, status: DeliveryStatus): Promise<void>;
  reclaim(key: string): Promise<ClaimResult>;
}
