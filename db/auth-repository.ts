// Accounts and sessions: what login, the session hook and password changes need.
import type { Database } from './client';
import { writeAudit, type Actor } from './audit-repository';

export const ROLES = ['STAFF', 'SECRETARY', 'AREA_LEADER', 'POLITICAL_LEGAL', 'ADMIN'] as const;
export type RoleName = (typeof ROLES)[number];

/** Roles that see every community of their township. */
export const TOWNSHIP_ROLES: readonly RoleName[] = ['POLITICAL_LEGAL', 'ADMIN'];

export interface LoginUser {
  id: string;
  passwordHash: string;
  active: boolean;
  lockedUntil: Date | null;
}

export interface SessionUser {
  id: string;
  username: string;
  displayName: string;
  role: RoleName;
  townshipId: string;
  /** communities the user may see and act on (all of the township for township roles) */
  scope: string[];
  /** communities the user is a member of */
  memberOf: string[];
}

export interface SessionRecord {
  id: string;
  csrfToken: string;
  expiresAt: Date;
  user: SessionUser;
}

export function authRepository(db: Database) {
  return {
    async findLoginUser(username: string): Promise<LoginUser | undefined> {
      const u = await db.user.findUnique({ where: { username }, select: { id: true, passwordHash: true, active: true, lockedUntil: true } });
      return u ?? undefined;
    },

    /** Counts a wrong password; at `threshold` the account locks until `now + lockMs` and the count restarts. */
    async recordFailedLogin(userId: string, now: Date, threshold: number, lockMs: number, ip?: string): Promise<{ lockedUntil: Date | null }> {
      return db.$transaction(async (tx) => {
        const u = await tx.user.update({ where: { id: userId }, data: { failedLogins: { increment: 1 } }, select: { failedLogins: true } });
        let lockedUntil: Date | null = null;
        if (u.failedLogins >= threshold) {
          lockedUntil = new Date(now.getTime() + lockMs);
          await tx.user.update({ where: { id: userId }, data: { failedLogins: 0, lockedUntil } });
          await writeAudit(tx, { userId, ip }, { action: 'auth.locked', entity: 'User', entityId: userId, details: { lockedUntil: lockedUntil.toISOString() } });
        } else {
          await writeAudit(tx, { userId, ip }, { action: 'auth.login_failed', entity: 'User', entityId: userId, details: { failedLogins: u.failedLogins } });
        }
        return { lockedUntil };
      });
    },

    async createSession(input: { userId: string; tokenHash: string; csrfToken: string; ip?: string; userAgent?: string; expiresAt: Date }): Promise<void> {
      await db.$transaction(async (tx) => {
        await tx.user.update({ where: { id: input.userId }, data: { failedLogins: 0, lockedUntil: null } });
        await tx.session.create({ data: input });
        await writeAudit(tx, { userId: input.userId, ip: input.ip }, { action: 'auth.login', entity: 'User', entityId: input.userId });
      });
    },

    async findSession(tokenHash: string): Promise<SessionRecord | undefined> {
      const s = await db.session.findUnique({
        where: { tokenHash },
        include: { user: { include: { memberships: { select: { communityId: true } } } } },
      });
      if (!s || !s.user.active) return undefined;
      const memberOf = s.user.memberships.map((m) => m.communityId);
      const scope = TOWNSHIP_ROLES.includes(s.user.role)
        ? (await db.community.findMany({ where: { townshipId: s.user.townshipId }, select: { id: true } })).map((c) => c.id)
        // Only communities of the user's own township count, whatever the membership table says.
        : (await db.community.findMany({ where: { id: { in: memberOf }, townshipId: s.user.townshipId }, select: { id: true } })).map((c) => c.id);
      return {
        id: s.id,
        csrfToken: s.csrfToken,
        expiresAt: s.expiresAt,
        user: { id: s.user.id, username: s.user.username, displayName: s.user.displayName, role: s.user.role, townshipId: s.user.townshipId, scope, memberOf },
      };
    },

    async extendSession(id: string, expiresAt: Date): Promise<void> {
      await db.session.update({ where: { id }, data: { expiresAt } });
    },

    async deleteSession(id: string, actor?: Actor): Promise<void> {
      await db.$transaction(async (tx) => {
        await tx.session.deleteMany({ where: { id } });
        if (actor) await writeAudit(tx, actor, { action: 'auth.logout', entity: 'User', entityId: actor.userId });
      });
    },

    async passwordHashOf(userId: string): Promise<string | undefined> {
      return (await db.user.findUnique({ where: { id: userId }, select: { passwordHash: true } }))?.passwordHash;
    },

    /** Sets a new password and ends every other session of the user. */
    async changePassword(userId: string, passwordHash: string, keepSessionId: string, actor: Actor): Promise<void> {
      await db.$transaction(async (tx) => {
        await tx.user.update({ where: { id: userId }, data: { passwordHash } });
        await tx.session.deleteMany({ where: { userId, id: { not: keepSessionId } } });
        await writeAudit(tx, actor, { action: 'auth.password_changed', entity: 'User', entityId: userId });
      });
    },

    async communitiesByIds(ids: string[]): Promise<Array<{ id: string; code: string; name: string }>> {
      return db.community.findMany({ where: { id: { in: ids } }, select: { id: true, code: true, name: true }, orderBy: { code: 'asc' } });
    },
  };
}

export type AuthRepository = ReturnType<typeof authRepository>;
