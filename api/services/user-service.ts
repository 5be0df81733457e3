// Admin management of accounts: create with role and memberships, change
// them (role changes go through here, so role rules live in one place),
// deactivate and re-enable, reset a password.
import type { Actor } from '../../db/audit-repository';
import type { RoleName, SessionUser } from '../../db/auth-repository';
import { hashPassword } from '../../db/passwords';
import type { UserRepository } from '../../db/user-repository';
import { BadRequestError, ConflictError, NotFoundError } from '../errors';
import { MIN_PASSWORD_LENGTH } from './auth-service';

/** Community roles act through memberships; without one they could see nothing. */
const NEEDS_MEMBERSHIP: readonly RoleName[] = ['STAFF', 'SECRETARY', 'AREA_LEADER'];

export function userService(users: UserRepository) {
  return {
    list: (admin: SessionUser) => users.list(admin.townshipId),

    async create(admin: SessionUser, input: { username: string; displayName: string; role: RoleName; password: string; mobile?: string; email?: string; communityIds: string[] }, actor: Actor) {
      if (input.password.length < MIN_PASSWORD_LENGTH) {
        throw new BadRequestError(`初始密码至少 ${MIN_PASSWORD_LENGTH} 个字符 (password needs at least ${MIN_PASSWORD_LENGTH} characters)`, 'weak_password');
      }
      const communityIds = [...new Set(input.communityIds)];
      if (NEEDS_MEMBERSHIP.includes(input.role) && communityIds.length === 0) {
        throw new BadRequestError('该角色至少需要所属一个社区（村） (this role needs at least one community in communityIds)');
      }
      const known = await users.communitiesOfTownship(admin.townshipId, communityIds);
      const unknown = communityIds.filter((id) => !known.includes(id));
      if (unknown.length > 0) throw new BadRequestError(`社区不存在: ${unknown.join(', ')} (unknown communityIds)`);
      if (await users.usernameTaken(input.username)) throw new ConflictError(`用户名 ${input.username} 已被使用 (username taken)`, 'username_taken');
      const { password, ...rest } = input;
      return users.create(admin.townshipId, { ...rest, communityIds, passwordHash: await hashPassword(password) }, actor);
    },

    async update(admin: SessionUser, userId: string, change: { displayName?: string; role?: RoleName; mobile?: string | null; email?: string | null; communityIds?: string[]; active?: boolean }, actor: Actor) {
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
      if (NEEDS_MEMBERSHIP.includes(role) && (communityIds ?? current.communityIds).length === 0) {
        throw new BadRequestError('该角色至少需要所属一个社区（村）');
      }
      const user = await users.update(admin.townshipId, userId, { ...change, ...(communityIds ? { communityIds } : {}) }, actor);
      if (!user) throw new NotFoundError('用户');
      return user;
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
