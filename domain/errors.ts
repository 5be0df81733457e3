// Why a request cannot be done, in words for the person who asked. Services
// and repositories throw these; the API's one error handler (api/app.ts) maps
// the kind to an HTTP status, so nothing below the routes speaks HTTP.
export type FailureKind =
  | 'invalid'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  /** a file or archive larger than the limit (HTTP 413) */
  | 'too_large'
  /** a file of a type that is not accepted (HTTP 415) */
  | 'unsupported_type'
  /** too many tries in a short time: wait, then try again (HTTP 429) */
  | 'rate_limited'
  | 'unavailable'
  /** the server's disk is full: nothing was saved, and trying again only helps once an administrator frees space (HTTP 507) */
  | 'insufficient_storage';

export class DomainError extends Error {
  constructor(
    readonly kind: FailureKind,
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A part the request needs is not there right now (the scheduler, the ledger key): try again later or ask an admin. */
export class UnavailableError extends DomainError {
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super('unavailable', code, message, options);
  }
}
