// Maps account roles to the notification roles whose default routes apply.
import type { RoleName } from '../../db/auth-repository';
import type { Role } from '../../notify/types';

const NOTIFY_ROLE: Record<RoleName, Role> = {
  STAFF: 'staff', SECRETARY: 'secretary', AREA_LEADER: 'area_leader', POLITICAL_LEGAL: 'political_legal', ADMIN: 'admin',
};
export const notifyRoleOf = (role: RoleName): Role => NOTIFY_ROLE[role];
