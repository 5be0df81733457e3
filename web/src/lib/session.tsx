// Who is logged in, and what they may see. The server enforces scope on
// every request; the UI repeats the check only to show a clear message
// instead of an empty page.
import { createContext, useContext } from 'react';
import type { Me, Role } from '../api/types';

export interface Session {
  me: Me;
  logout(): Promise<void>;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside SessionContext');
  return s;
}

export const OFFICIAL_ROLES: readonly Role[] = ['AREA_LEADER', 'POLITICAL_LEGAL', 'ADMIN'];
export const isOfficial = (role: Role) => OFFICIAL_ROLES.includes(role);
export const isAdmin = (role: Role) => role === 'ADMIN';
/** Staff and secretaries work the tasks of their own community. */
export const isCommunityRole = (role: Role) => role === 'STAFF' || role === 'SECRETARY';

export function canSeeCommunity(me: Me, communityId: string): boolean {
  return me.communities.some((c) => c.id === communityId);
}

/** Where a user lands after login. */
export function homePath(role: Role): string {
  return isCommunityRole(role) ? '/tasks' : '/dashboard';
}
