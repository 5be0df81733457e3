// Who is logged in, and what they may see. The server enforces scope and
// permissions on every request; the UI asks can() (the permissions the API
// served in /api/auth/me, from domain/policy.ts) only to show what will work
// and a clear message instead of an empty page. No role lists here.
import { createContext, useContext } from 'react';
import type { Action, Me } from '../api/types';

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

/** Does the logged-in user's role allow the action? */
export const can = (me: Pick<Me, 'permissions'>, action: Action): boolean => me.permissions.includes(action);

export function canSeeCommunity(me: Me, communityId: string): boolean {
  return me.communities.some((c) => c.id === communityId);
}

/** Where a user lands after login. */
export function homePath(me: Pick<Me, 'permissions'>): string {
  return can(me, 'tasks.work') ? '/tasks' : '/dashboard';
}
