// Admin management of accounts: create with role and memberships, deactivate.
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

    async deactivate(admin: SessionUser, userId: string, actor: Actor) {
      if (userId === admin.id) throw new BadRequestError('不能停用自己的账号 (you cannot deactivate yourself)');
      const user = await users.deactivate(admin.townshipId, userId, actor);
      if (!user) throw new NotFoundError('用户');
      return user;
    },
  };
}
