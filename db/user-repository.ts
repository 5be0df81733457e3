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
  /** community tags (railway, waterlogging, ...) */
  tags: string[];
  /** where the community office is (set by an admin), or null */
  location: { lat: number; lon: number } | null;
}

const userSelect = {
  id: true,
  username: true,
  displayName: true,
  role: true,
  mobile: true,
  email: true,
  active: true,
  lockedUntil: true,
  memberships: { select: { communityId: true } },
} as const;

type UserRow = {
  id: string;
  username: string;
  displayName: string;
  role: RoleName;
  mobile: string | null;
  email: string | null;
  active: boolean;
  lockedUntil: Date | null;
  memberships: Array<{ communityId: string }>;
};

function toUser(u: UserRow): UserRecord {
  const { memberships, ...rest } = u;
  return { ...rest, communityIds: memberships.map((m) => m.communityId) };
}

export interface RoleGrantRecord {
  id: string;
  userId: string;
  username: string;
  displayName: string;
  role: RoleName;
  previousRole: RoleName | null;
  requestedById: string;
  requestedByUsername: string;
  status: 'PENDING' | 'APPROVED' | 'REJECTED';
  createdAt: Date;
}

type Tx = Parameters<Parameters<Database['$transaction']>[0]>[0];

async function usernameOf(tx: Tx, userId: string): Promise<string> {
  return (await tx.user.findUniqueOrThrow({ where: { id: userId }, select: { username: true } })).username;
}

/**
 * The request, its audit row (usernames, so the log reads without a join) and a
 * notice to each active political-legal official of the township, in one transaction.
 */
async function recordGrantRequest(
  tx: Tx,
  townshipId: string,
  user: { id: string; username: string; role: RoleName | null },
  role: RoleName,
  actor: Actor,
) {
  const requestedBy = await usernameOf(tx, actor.userId);
  const grant = await tx.roleGrant.create({
    data: { townshipId, userId: user.id, role, previousRole: user.role, requestedById: actor.userId },
  });
  await writeAudit(tx, actor, {
    action: 'user.role_grant.request',
    entity: 'User',
    entityId: user.id,
    details: { grantId: grant.id, username: user.username, role, previousRole: user.role, requestedBy },
  });
  const officials = await tx.user.findMany({
    where: { townshipId, role: 'POLITICAL_LEGAL', active: true, id: { not: actor.userId } },
    select: { id: true, username: true },
  });
  await tx.notification.createMany({
    data: officials.map((o) => ({
      businessKey: `role-grant:${grant.id}:${o.id}`,
      channel: 'inbox',
      event: 'role-grant',
      userId: o.id,
      recipient: o.username,
      status: 'QUEUED' as const,
      subject: '待审批：账号角色授权',
      body: `${requestedBy} 申请授予账号 ${user.username} ${ROLE_NAMES[role]}角色（可查看台账敏感信息），需您审批后生效。`,
    })),
    skipDuplicates: true,
  });
  return grant;
}

const ROLE_NAMES: Record<RoleName, string> = {
  STAFF: '社区干部',
  SECRETARY: '书记',
  AREA_LEADER: '挂片领导',
  POLITICAL_LEGAL: '政法委员',
  ADMIN: '管理员',
};

export function userRepository(db: Database) {
  return {
    /** A new account for a role that needs approval: created inactive, with its pending grant. */
    async createPendingGrant(townshipId: string, input: NewUser, actor: Actor): Promise<{ user: UserRecord; grantId: string }> {
      return db.$transaction(async (tx) => {
        const { communityIds, ...fields } = input;
        const u = await tx.user.create({
          data: { ...fields, active: false, townshipId, memberships: { create: communityIds.map((communityId) => ({ communityId })) } },
          select: userSelect,
        });
        await writeAudit(tx, actor, {
          action: 'user.create',
          entity: 'User',
          entityId: u.id,
          details: { username: u.username, role: u.role, communityIds, pendingApproval: true },
        });
        const grant = await recordGrantRequest(tx, townshipId, { id: u.id, username: u.username, role: null }, input.role, actor);
        return { user: toUser(u), grantId: grant.id };
      });
    },

    /** An existing user of the township asks for a role that needs approval; undefined when there is no such user. */
    async requestRole(townshipId: string, userId: string, role: RoleName, actor: Actor): Promise<{ grantId: string } | undefined> {
      return db.$transaction(async (tx) => {
        const u = await tx.user.findFirst({ where: { id: userId, townshipId }, select: { id: true, username: true, role: true } });
        if (!u) return undefined;
        return { grantId: (await recordGrantRequest(tx, townshipId, u, role, actor)).id };
      });
    },

    async roleGrants(townshipId: string, status?: RoleGrantRecord['status'], grantId?: string): Promise<RoleGrantRecord[]> {
      const rows = await db.roleGrant.findMany({
        where: { townshipId, ...(status ? { status } : {}), ...(grantId ? { id: grantId } : {}) },
        orderBy: { createdAt: 'asc' },
      });
      const people = new Map(
        (
          await db.user.findMany({
            where: { id: { in: rows.flatMap((r) => [r.userId, r.requestedById]) } },
            select: { id: true, username: true, displayName: true },
          })
        ).map((u) => [u.id, u]),
      );
      return rows.map((r) => ({
        id: r.id,
        userId: r.userId,
        username: people.get(r.userId)?.username ?? '',
        displayName: people.get(r.userId)?.displayName ?? '',
        role: r.role,
        previousRole: r.previousRole,
        requestedById: r.requestedById,
        requestedByUsername: people.get(r.requestedById)?.username ?? '',
        status: r.status,
        createdAt: r.createdAt,
      }));
    },

    /**
     * Approves or rejects a pending grant (only once: a second decision finds it decided and gets false).
     * Approval gives the role; an account created by the request becomes active.
     */
    async decideGrant(grant: RoleGrantRecord, approve: boolean, actor: Actor): Promise<boolean> {
      return db.$transaction(async (tx) => {
        const { count } = await tx.roleGrant.updateMany({
          where: { id: grant.id, status: 'PENDING' },
          data: { status: approve ? 'APPROVED' : 'REJECTED', decidedById: actor.userId, decidedAt: new Date() },
        });
        if (count === 0) return false;
        if (approve)
          await tx.user.update({
            where: { id: grant.userId },
            data: { role: grant.role, ...(grant.previousRole === null ? { active: true } : {}) },
          });
        await writeAudit(tx, actor, {
          action: approve ? 'user.role_grant.approve' : 'user.role_grant.reject',
          entity: 'User',
          entityId: grant.userId,
          details: {
            grantId: grant.id,
            username: grant.username,
            role: grant.role,
            requestedBy: grant.requestedByUsername,
            decidedBy: await usernameOf(tx, actor.userId),
          },
        });
        return true;
      });
    },

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
        await writeAudit(tx, actor, {
          action: 'user.create',
          entity: 'User',
          entityId: u.id,
          details: { username: u.username, role: u.role, communityIds },
        });
        return toUser(u);
      });
    },

    /** Lifts the login delay of a user of the township (every address); false when there is no such user. */
    async unlock(townshipId: string, userId: string, actor: Actor): Promise<UserRecord | undefined> {
      return db.$transaction(async (tx) => {
        const found = await tx.user.findFirst({ where: { id: userId, townshipId }, select: { username: true } });
        if (!found) return undefined;
        await tx.loginThrottle.deleteMany({
          where: { OR: [{ key: { startsWith: `login:${found.username}|` } }, { key: `password:${userId}` }] },
        });
        const u = await tx.user.update({ where: { id: userId }, data: { failedLogins: 0, lockedUntil: null }, select: userSelect });
        await writeAudit(tx, actor, { action: 'user.unlock', entity: 'User', entityId: userId, details: { username: found.username } });
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
    async update(
      townshipId: string,
      userId: string,
      change: {
        displayName?: string;
        role?: RoleName;
        mobile?: string | null;
        email?: string | null;
        communityIds?: string[];
        active?: boolean;
      },
      actor: Actor,
    ): Promise<UserRecord | undefined> {
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
        select: { id: true, code: true, name: true, tags: true, lat: true, lon: true, _count: { select: { members: true } } },
        orderBy: { code: 'asc' },
      });
      return rows.map((c) => ({
        id: c.id,
        code: c.code,
        name: c.name,
        memberCount: c._count.members,
        tags: c.tags,
        location: c.lat !== null && c.lon !== null ? { lat: c.lat, lon: c.lon } : null,
      }));
    },

    /** Replaces a community's tags; the audit row keeps both lists. Undefined when the community is not in scope. */
    async setCommunityTags(scope: string[], id: string, tags: string[], actor: Actor): Promise<string[] | undefined> {
      return db.$transaction(async (tx) => {
        const before = await tx.community.findFirst({ where: { AND: [{ id }, { id: { in: scope } }] }, select: { tags: true } });
        if (!before) return undefined;
        const after = await tx.community.update({ where: { id }, data: { tags }, select: { tags: true } });
        await writeAudit(tx, actor, {
          action: 'community.tags',
          entity: 'Community',
          entityId: id,
          details: { before: before.tags, after: after.tags },
        });
        return after.tags;
      });
    },

    /** Sets (or, with null, clears) where a community office is; audited with both values. Undefined when the community is not in scope. */
    async setCommunityLocation(
      scope: string[],
      id: string,
      location: { lat: number; lon: number } | null,
      actor: Actor,
    ): Promise<{ lat: number; lon: number } | null | undefined> {
      return db.$transaction(async (tx) => {
        const before = await tx.community.findFirst({ where: { AND: [{ id }, { id: { in: scope } }] }, select: { lat: true, lon: true } });
        if (!before) return undefined;
        await tx.community.update({ where: { id }, data: { lat: location?.lat ?? null, lon: location?.lon ?? null } });
        await writeAudit(tx, actor, {
          action: 'community.location',
          entity: 'Community',
          entityId: id,
          details: { before, after: location },
        });
        return location;
      });
    },

    /** Whether the user is an active member of the community (e.g. to be a ledger's responsible worker). */
    async isMember(userId: string, communityId: string): Promise<boolean> {
      return (await db.communityMembership.count({ where: { userId, communityId, user: { active: true } } })) > 0;
    },
  };
}

export type UserRepository = ReturnType<typeof userRepository>;
