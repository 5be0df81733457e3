// Accounts and sessions: what login, the session hook and password changes need.
import type { AuditAction } from '../domain/audit-actions';
import type { Database } from './client';
import { writeAudit, type Actor } from './audit-repository';
import { communityDirectory, type CommunityDirectory } from './community-directory';

import { may, type Role } from '../domain/policy';

export type RoleName = Role;

export interface LoginUser {
  id: string;
  passwordHash: string;
  active: boolean;
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

export function authRepository(db: Database, directory: CommunityDirectory = communityDirectory(db)) {
  return {
    async findLoginUser(username: string): Promise<LoginUser | undefined> {
      const u = await db.user.findUnique({ where: { username }, select: { id: true, passwordHash: true, active: true } });
      return u ?? undefined;
    },

    /** Wrong guesses so far under a throttle key (see LoginThrottle); undefined when none. */
    async throttle(key: string): Promise<{ failures: number; lastFailureAt: Date } | undefined> {
      return (await db.loginThrottle.findUnique({ where: { key }, select: { failures: true, lastFailureAt: true } })) ?? undefined;
    },

    /**
     * Counts one wrong guess under the key (atomically: parallel guesses all count). For a known
     * user, also writes the audit row and shows the delay on the account (User.lockedUntil).
     */
    async recordFailure(
      key: string,
      now: Date,
      delayedUntil: (failures: number) => Date | null,
      user?: { id: string; ip?: string; action: Extract<AuditAction, 'auth.login_failed' | 'auth.password_wrong'> },
    ): Promise<number> {
      return db.$transaction(async (tx) => {
        const { failures } = await tx.loginThrottle.upsert({
          where: { key },
          create: { key, failures: 1, lastFailureAt: now },
          update: { failures: { increment: 1 }, lastFailureAt: now },
          select: { failures: true },
        });
        if (user) {
          // The account page shows the login delay (of the latest address), not a password-change delay.
          const until = key.startsWith('login:') ? delayedUntil(failures) : null;
          await tx.user.update({
            where: { id: user.id },
            data: { failedLogins: { increment: 1 }, ...(until ? { lockedUntil: until } : {}) },
          });
          await writeAudit(
            tx,
            { userId: user.id, ip: user.ip },
            {
              action: user.action,
              entity: 'User',
              entityId: user.id,
              details: { failures, ...(until ? { delayedUntil: until.toISOString() } : {}) },
            },
          );
        }
        return failures;
      });
    },

    async clearThrottle(key: string): Promise<void> {
      await db.loginThrottle.deleteMany({ where: { key } });
    },

    async createSession(input: {
      userId: string;
      tokenHash: string;
      csrfToken: string;
      ip?: string;
      userAgent?: string;
      expiresAt: Date;
    }): Promise<void> {
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
      const township = await directory.township(s.user.townshipId);
      const member = new Set(memberOf);
      // Only communities of the user's own township count, whatever the membership table says.
      const scope = may(s.user.role, 'township.scope')
        ? township.map((c) => c.id)
        : township.filter((c) => member.has(c.id)).map((c) => c.id);
      return {
        id: s.id,
        csrfToken: s.csrfToken,
        expiresAt: s.expiresAt,
        user: {
          id: s.user.id,
          username: s.user.username,
          displayName: s.user.displayName,
          role: s.user.role,
          townshipId: s.user.townshipId,
          scope,
          memberOf,
        },
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
