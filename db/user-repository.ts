// Users and communities as the admin pages see them. Users are deactivated, never deleted.
import type { Database } from './client';
import { writeAudit, type Actor } from './audit-repository';
import type { RoleName } from './auth-repository';

export interface UserRecord {
  id: string;
  username: string;
  displayName: string;
  role: RoleName;
  mobile: string | null;
  email: string | null;
  active: boolean;
  lockedUntil: Date | null;
  communityIds: string[];
}

export interface NewUser {
  username: string;
  displayName: string;
  role: RoleName;
  passwordHash: string;
  mobile?: string;
  email?: string;
  communityIds: string[];
}

export interface CommunityRecord {
  id: string;
  code: string;
  name: string;
  memberCount: number;
}

const userSelect = {
  id: true, username: true, displayName: true, role: true, mobile: true, email: true, active: true, lockedUntil: true,
  memberships: { select: { communityId: true } },
} as const;

type UserRow = { id: string; username: string; displayName: string; role: RoleName; mobile: string | null; email: string | null; active: boolean; lockedUntil: Date | null; memberships: Array<{ communityId: string }> };

function toUser(u: UserRow): UserRecord {
  const { memberships, ...rest } = u;
  return { ...rest, communityIds: memberships.map((m) => m.communityId) };
}

export function userRepository(db: Database) {
  return {
    async list(townshipId: string): Promise<UserRecord[]> {
      return (await db.user.findMany({ where: { townshipId }, select: userSelect, orderBy: { username: 'asc' } })).map(toUser);
    },

    async usernameTaken(username: string): Promise<boolean> {
      return (await db.user.count({ where: { username } })) > 0;
    },

    /** The ids among `ids` that are communities of the township. */
    async communitiesOfTownship(townshipId: string, ids: string[]): Promise<string[]> {
      return (await db.community.findMany({ where: { townshipId, id: { in: ids } }, select: { id: true } })).map((c) => c.id);
    },

    async create(townshipId: string, input: NewUser, actor: Actor): Promise<UserRecord> {
      return db.$transaction(async (tx) => {
        const { communityIds, ...fields } = input;
        const u = await tx.user.create({
          data: { ...fields, townshipId, memberships: { create: communityIds.map((communityId) => ({ communityId })) } },
          select: userSelect,
        });
        await writeAudit(tx, actor, { action: 'user.create', entity: 'User', entityId: u.id, details: { username: u.username, role: u.role, communityIds } });
        return toUser(u);
      });
    },

    /** Deactivates a user of the township and ends their sessions; undefined when there is no such user. */
    async deactivate(townshipId: string, userId: string, actor: Actor): Promise<UserRecord | undefined> {
      return db.$transaction(async (tx) => {
        const found = await tx.user.findFirst({ where: { id: userId, townshipId }, select: { id: true } });
        if (!found) return undefined;
        const u = await tx.user.update({ where: { id: userId }, data: { active: false }, select: userSelect });
        await tx.session.deleteMany({ where: { userId } });
        await writeAudit(tx, actor, { action: 'user.deactivate', entity: 'User', entityId: userId });
        return toUser(u);
      });
    },

    /** Changes a user of the township (name, role, contact, memberships, active); audited with what changed. Undefined when there is no such user. */
    async update(townshipId: string, userId: string, change: { displayName?: string; role?: RoleName; mobile?: string | null; email?: string | null; communityIds?: string[]; active?: boolean }, actor: Actor): Promise<UserRecord | undefined> {
      return db.$transaction(async (tx) => {
        const found = await tx.user.findFirst({ where: { id: userId, townshipId }, select: { id: true } });
        if (!found) return undefined;
        const { communityIds, ...fields } = change;
        if (communityIds) {
          await tx.communityMembership.deleteMany({ where: { userId } });
          await tx.communityMembership.createMany({ data: communityIds.map((communityId) => ({ userId, communityId })) });
        }
        const u = await tx.user.update({ where: { id: userId }, data: fields, select: userSelect });
        // A role change or a re-enable starts from a fresh login.
        if (change.role !== undefined || change.active === false) await tx.session.deleteMany({ where: { userId } });
        const action = change.active === true && Object.keys(change).length === 1 ? 'user.reactivate' : 'user.update';
        await writeAudit(tx, actor, { action, entity: 'User', entityId: userId, details: { ...change } });
        return toUser(u);
      });
    },

    /** Sets a new password (an admin's reset), unlocks the account and ends its sessions; audited without the password. */
    async resetPassword(townshipId: string, userId: string, passwordHash: string, actor: Actor): Promise<boolean> {
      return db.$transaction(async (tx) => {
        const found = await tx.user.findFirst({ where: { id: userId, townshipId }, select: { id: true } });
        if (!found) return false;
        await tx.user.update({ where: { id: userId }, data: { passwordHash, failedLogins: 0, lockedUntil: null } });
        await tx.session.deleteMany({ where: { userId } });
        await writeAudit(tx, actor, { action: 'user.reset_password', entity: 'User', entityId: userId });
        return true;
      });
    },

    async communities(scope: string[]): Promise<CommunityRecord[]> {
      const rows = await db.community.findMany({
        where: { id: { in: scope } },
        select: { id: true, code: true, name: true, _count: { select: { members: true } } },
        orderBy: { code: 'asc' },
      });
      return rows.map((c) => ({ id: c.id, code: c.code, name: c.name, memberCount: c._count.members }));
    },

    /** Whether the user is an active member of the community (e.g. to be a ledger's responsible worker). */
    async isMember(userId: string, communityId: string): Promise<boolean> {
      return (await db.communityMembership.count({ where: { userId, communityId, user: { active: true } } })) > 0;
    },
  };
}

export type UserRepository = ReturnType<typeof userRepository>;
