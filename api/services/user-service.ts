// Admin management of accounts: create with role and memberships, change
// them, deactivate and re-enable, reset a password. Roles that read sensitive
// ledgers (diagnoses, criminal records) need a second person: an admin asks,
// and the township's political-legal official (or another admin) approves.
// Every path that gives a role goes through grantRole here.
import type { Actor } from '../../db/audit-repository';
import type { RoleName, SessionUser } from '../../db/auth-repository';
import { may } from '../../domain/policy';
import { hashPassword } from '../../db/passwords';
import type { RoleGrantRecord, UserRepository } from '../../db/user-repository';
import { BadRequestError, ConflictError, ForbiddenError, NotFoundError } from '../errors';
import { MIN_PASSWORD_LENGTH } from './auth-service';

export function userService(users: UserRepository) {
  return {
    list: (admin: SessionUser) => users.list(admin.townshipId),

    async create(
      admin: SessionUser,
      input: {
        username: string;
        displayName: string;
        role: RoleName;
        password: string;
        mobile?: string;
        email?: string;
        communityIds: string[];
      },
      actor: Actor,
    ) {
      if (input.password.length < MIN_PASSWORD_LENGTH) {
        throw new BadRequestError(
          `初始密码至少 ${MIN_PASSWORD_LENGTH} 个字符 (password needs at least ${MIN_PASSWORD_LENGTH} characters)`,
          'weak_password',
        );
      }
      const communityIds = [...new Set(input.communityIds)];
      if (may(input.role, 'role.needsMembership') && communityIds.length === 0) {
        throw new BadRequestError('该角色至少需要所属一个社区（村） (this role needs at least one community in communityIds)');
      }
      const known = await users.communitiesOfTownship(admin.townshipId, communityIds);
      const unknown = communityIds.filter((id) => !known.includes(id));
      if (unknown.length > 0) throw new BadRequestError(`社区不存在: ${unknown.join(', ')} (unknown communityIds)`);
      if (await users.usernameTaken(input.username))
        throw new ConflictError(`用户名 ${input.username} 已被使用 (username taken)`, 'username_taken');
      const { password, ...rest } = input;
      const user = { ...rest, communityIds, passwordHash: await hashPassword(password) };
      if (!may(input.role, 'role.needsApproval')) return { ...(await users.create(admin.townshipId, user, actor)), pendingGrantId: null };
      // Inactive until approved: the asking admin cannot log in as it meanwhile.
      const { user: created, grantId } = await users.createPendingGrant(admin.townshipId, user, actor);
      return { ...created, pendingGrantId: grantId };
    },

    /** The one way to change an existing user's role: guarded roles wait for approval, others apply through the caller's update. */
    async grantRole(admin: SessionUser, userId: string, role: RoleName, actor: Actor): Promise<{ pendingGrantId: string | null }> {
      if (!may(role, 'role.needsApproval')) return { pendingGrantId: null };
      if (userId === admin.id) throw new BadRequestError('不能为自己申请角色 (you cannot ask for a role for yourself)');
      const requested = await users.requestRole(admin.townshipId, userId, role, actor);
      if (!requested) throw new NotFoundError('用户');
      return { pendingGrantId: requested.grantId };
    },

    pendingGrants: (official: SessionUser) => users.roleGrants(official.townshipId, 'PENDING'),

    async decideGrant(official: SessionUser, grantId: string, approve: boolean, actor: Actor): Promise<RoleGrantRecord> {
      const [grant] = await users.roleGrants(official.townshipId, undefined, grantId);
      if (!grant) throw new NotFoundError('角色授权申请');
      if (!may(official.role, 'roleGrants.decide'))
        throw new ForbiddenError(
          '只有政法委员或另一位管理员可以审批角色授权 (only the political-legal official or a second admin may decide)',
        );
      if (grant.requestedById === official.id)
        throw new ForbiddenError('申请人不能审批自己的申请，请由政法委员或另一位管理员审批 (the admin who asked cannot decide)');
      if (grant.userId === official.id) throw new ForbiddenError('不能审批授予自己的角色 (you cannot decide a grant to yourself)');
      if (grant.status !== 'PENDING' || !(await users.decideGrant(grant, approve, actor)))
        throw new ConflictError('该申请已处理 (already decided)', 'already_decided');
      return { ...grant, status: approve ? 'APPROVED' : 'REJECTED' };
    },

    async unlock(admin: SessionUser, userId: string, actor: Actor) {
      const user = await users.unlock(admin.townshipId, userId, actor);
      if (!user) throw new NotFoundError('用户');
      return user;
    },

    async update(
      admin: SessionUser,
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
    ) {
      if (userId === admin.id && (change.role !== undefined || change.active === false)) {
        throw new BadRequestError('不能修改自己的角色或停用自己的账号', 'own_account');
      }
      const communityIds = change.communityIds ? [...new Set(change.communityIds)] : undefined;
      if (communityIds) {
        const known = await users.communitiesOfTownship(admin.townshipId, communityIds);
        const unknown = communityIds.filter((id) => !known.includes(id));
        if (unknown.length > 0) throw new BadRequestError('所选社区不存在，请刷新页面后重选', 'unknown_community');
      }
      const current = (await users.list(admin.townshipId)).find((u) => u.id === userId);
      if (!current) throw new NotFoundError('用户');
      const role = change.role ?? current.role;
      if (may(role, 'role.needsMembership') && (communityIds ?? current.communityIds).length === 0) {
        throw new BadRequestError('该角色至少需要所属一个社区（村）');
      }
      const pending = (await users.roleGrants(admin.townshipId, 'PENDING')).some((g) => g.userId === userId);
      if (change.active === true && pending) {
        throw new ConflictError('该账号的角色授权正在等待政法委员审批，审批通过后自动启用', 'grant_pending');
      }
      // A role that reads sensitive ledgers waits for a second person (grantRole); any other change applies now.
      const guarded = change.role !== undefined && change.role !== current.role && may(change.role, 'role.needsApproval');
      const { role: _asked, ...rest } = change;
      const applied = {
        ...rest,
        ...(change.role !== undefined && !guarded ? { role: change.role } : {}),
        ...(communityIds ? { communityIds } : {}),
      };
      const user = await users.update(admin.townshipId, userId, applied, actor);
      if (!user) throw new NotFoundError('用户');
      const { pendingGrantId } = guarded ? await this.grantRole(admin, userId, change.role!, actor) : { pendingGrantId: null };
      return { ...user, pendingGrantId };
    },

    async resetPassword(admin: SessionUser, userId: string, password: string, actor: Actor) {
      if (password.length < MIN_PASSWORD_LENGTH) throw new BadRequestError(`新密码至少 ${MIN_PASSWORD_LENGTH} 个字符`, 'weak_password');
      if (!(await users.resetPassword(admin.townshipId, userId, await hashPassword(password), actor))) throw new NotFoundError('用户');
    },

    async deactivate(admin: SessionUser, userId: string, actor: Actor) {
      if (userId === admin.id) throw new BadRequestError('不能停用自己的账号 (you cannot deactivate yourself)');
      const user = await users.deactivate(admin.townshipId, userId, actor);
      if (!user) throw new NotFoundError('用户');
      return user;
    },
  };
}

export type UserService = ReturnType<typeof userService>;
