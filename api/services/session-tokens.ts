// Session tokens, shared by the login (auth-service) and the per-request
// session check (plugins/auth): the cookie holds a random token, the database
// only its SHA-256, so a leaked sessions table opens no session.
import { createHash } from 'node:crypto';

/** Sessions slide: each use pushes the expiry to 12 hours from now. */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
