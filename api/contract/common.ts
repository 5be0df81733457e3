// Shapes several parts of the contract share: who is logged in, communities, places.
import { z } from 'zod';
import { ACTIONS, ROLES, type Action } from '../../domain/policy';

/**
 * What a response is once it went through JSON: a Date arrives as its ISO
 * string. The web types every response as Wire<typeof schema>.
 */
export type Json<T> = T extends Date
  ? string
  : T extends ReadonlyArray<infer U>
    ? Array<Json<U>>
    : T extends object
      ? { [K in keyof T]: Json<T[K]> }
      : T;
export type Wire<S extends z.ZodType> = Json<z.output<S>>;

export const role = z.enum(ROLES);
export const action = z.enum(ACTIONS as [Action, ...Action[]]);
export const community = z.object({ id: z.string(), code: z.string(), name: z.string() });
/** A place (WGS-84 degrees): a photo's GPS or a community's location. */
export const latLon = z.object({ lat: z.number(), lon: z.number() });

/** GET /api/auth/me: who is logged in, what they may do (domain/policy.ts), where. */
export const me = z.object({
  user: z.object({ id: z.string(), username: z.string(), displayName: z.string(), role }),
  /** every action the caller's role allows: the web shows or hides by these, never by role */
  permissions: z.array(action),
  communities: z.array(community),
  csrfToken: z.string(),
});
/** POST /api/auth/login */
export const loggedIn = z.object({ csrfToken: z.string() });

/** A person of a community, as the roster and ledger forms offer them. */
export const member = z.object({ id: z.string(), username: z.string(), displayName: z.string() });
