// Who receives a notification: the assignee or the community's staff, and up
// the chain for escalations. Township roles reach every community.
import type { Recipient } from '../notify';
import { parseStoredPreferences } from '../notify/preferences';
import type { Database } from './client';
import type { Role } from './generated/prisma/client';
import { rolesFor } from '../domain/policy';

import { notifyRoleOf } from '../notify/account-role';

export function recipientDirectory(db: Database) {
  const toRecipient = (
    u: { id: string; displayName: string; role: Role; mobile: string | null; email: string | null; notifyPrefs: unknown },
    communityId: string,
  ): Recipient => ({
    userId: u.id,
    name: u.displayName,
    role: notifyRoleOf(u.role),
    communityId,
    ...(u.mobile ? { mobile: u.mobile } : {}),
    ...(u.email ? { email: u.email } : {}),
    // Stored JSON may predate validation: only its well-formed parts are used.
    ...(u.notifyPrefs && typeof u.notifyPrefs === 'object' ? { preferences: parseStoredPreferences(u.notifyPrefs) } : {}),
  });

  return {
    async byRoles(communityId: string, roles: Role[]): Promise<Recipient[]> {
      const community = await db.community.findUniqueOrThrow({ where: { id: communityId }, select: { townshipId: true } });
      const users = await db.user.findMany({
        where: {
          active: true,
          role: { in: roles },
          OR: [
            { memberships: { some: { communityId } } },
            { role: { in: rolesFor('township.scope').filter((r) => roles.includes(r)) }, townshipId: community.townshipId },
          ],
        },
        orderBy: { username: 'asc' },
      });
      return users.map((u) => toRecipient(u, communityId));
    },

    async byId(userId: string, communityId: string): Promise<Recipient | undefined> {
      const user = await db.user.findFirst({ where: { id: userId, active: true } });
      return user ? toRecipient(user, communityId) : undefined;
    },
  };
}

export type RecipientDirectory = ReturnType<typeof recipientDirectory>;
