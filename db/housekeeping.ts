import type { Database } from './client';

/** Sessions past their expiry are dead weight: logins already refuse them. */
export async function deleteExpiredSessions(db: Database, now: Date): Promise<number> {
  return (await db.session.deleteMany({ where: { expiresAt: { lt: now } } })).count;
}
