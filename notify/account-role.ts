// Which notification role (its default routes, docs/notifications.md) an account role gets.
import type { Role } from '../domain/policy';
import type { Recipient } from './events';

const NOTIFY_ROLE: Record<Role, Recipient['role']> = {
  STAFF: 'staff',
  SECRETARY: 'secretary',
  AREA_LEADER: 'area_leader',
  POLITICAL_LEGAL: 'political_legal',
  ADMIN: 'admin',
};

/** The notification role whose default routes apply to an account role. */
export const notifyRoleOf = (role: Role): Recipient['role'] => NOTIFY_ROLE[role];
