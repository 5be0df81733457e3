// Communities in the caller's scope (ADMIN and POLITICAL_LEGAL: the whole
// township), their tags (特征) and where their office is; another township's
// community is "not found".
import type { Actor } from '../../db/audit-repository';
import type { SessionUser } from '../../db/auth-repository';
import type { UserRepository } from '../../db/user-repository';
import { COMMUNITY_TAGS, type LatLon } from '../../domain';
import { NotFoundError } from '../errors';

export function communityService(users: UserRepository) {
  return {
    list: (user: SessionUser) => users.communities(user.scope),

    /** The tags a community may carry, with their Chinese labels. */
    tags: () => Object.entries(COMMUNITY_TAGS).map(([code, label]) => ({ code, label })),

    /** Replaces the tags (duplicates dropped, sorted); audited. */
    async setTags(user: SessionUser, communityId: string, tags: readonly string[], actor: Actor) {
      const saved = await users.setCommunityTags(user.scope, communityId, [...new Set(tags)].sort(), actor);
      if (!saved) throw new NotFoundError('社区（村）');
      return { tags: saved };
    },

    /** null clears it; audited. */
    async setLocation(user: SessionUser, communityId: string, location: LatLon | null, actor: Actor) {
      const saved = await users.setCommunityLocation(user.scope, communityId, location, actor);
      if (saved === undefined) throw new NotFoundError('社区（村）');
      return { location: saved };
    },
  };
}

export type CommunityService = ReturnType<typeof communityService>;
