import type { ErrorTreatment } from './error-codes';
import type { ProviderKind } from './types';

export interface SendErrorDetails {
  provider: ProviderKind;
  /** Provider error code (errcode, Code, SMTP reply code...), as a string. */
  code?: string;
  httpStatus?: number;
  /** Trimmed, redacted provider response. Never contains request secrets. */
  raw?: string;
}

/** Base class; `permanent` tells the router whether retrying can ever help. */
export abstract class SendError extends Error {
  abstract readonly permanent: boolean;
  readonly provider: ProviderKind;
  readonly code?: string;
  readonly httpStatus?: number;
  readonly raw?: string;

  constructor(message: string, details: SendErrorDetails) {
    super(message);
    this.provider = details.provider;
    this.code = details.code;
    this.httpStatus = details.httpStatus;
    this.raw = details.raw;
  }
}

/** Bad number, revoked webhook, wrong signature or credentials: do not retry, fall back. */
export class PermanentSendError extends SendError {
  readonly permanent = true;
  override readonly name = 'PermanentSendError';
}

/** Timeouts, 5xx, throttling: the same send may succeed later, retry with backoff. */
export class TransientSendError extends SendError {
  readonly permanent = false;
  override readonly name = 'TransientSendError';
  /** Provider hint for the earliest useful retry, when it gives one. */
  readonly retryAfterMs?: number;

  constructor(message: string, details: SendErrorDetails & { retryAfterMs?: number }) {
    super(message, details);
    this.retryAfterMs = details.retryAfterMs;
  }
}

/**
 * The request may have reached the provider and been accepted, but no answer
 * came back (a timeout after the request was sent, the provider's own timeout
 * towards the carrier). Sending again blindly could deliver twice: the row is
 * marked IN_DOUBT and the provider is asked first (see deliver()).
 */
export class InDoubtSendError extends SendError {
  readonly permanent = false;
  override readonly name = 'InDoubtSendError';
}

/** Builds the error a documented code calls for (see error-codes.ts). */
export function sendErrorFor(treatment: ErrorTreatment, message: string, details: SendErrorDetails & { retryAfterMs?: number }): SendError {
  switch (treatment.kind) {
    case 'permanent':
      return new PermanentSendError(message, details);
    case 'in-doubt':
      return new InDoubtSendError(message, details);
    case 'rate-limit':
      return new TransientSendError(message, { ...details, retryAfterMs: details.retryAfterMs ?? treatment.windowMs });
    case 'transient':
      return new TransientSendError(message, details);
  }
}

export function isSendError(e: unknown): e is SendError {
  return e instanceof SendError;
}

/** Anything that is not a SendError is an unknown failure: treat as transient so it is retried. */
export function asSendError(e: unknown, provider: ProviderKind): SendError {
  if (isSendError(e)) return e;
  const msg = e instanceof Error ? e.message : String(e);
  return new TransientSendError(`${provider}: unexpected failure: ${msg}`, { provider });
}
