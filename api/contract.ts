// Response shapes the web reads, as zod schemas: the routes answer with them
// and web/src/api/types.ts imports their inferred types (type-only, so no zod
// in the browser bundle). Add a shape here when the web starts reading it,
// instead of copying it by hand into web/. Imports zod and domain/ only.
import { z } from 'zod';
import { ACTIONS, ROLES, type Action } from '../domain/policy';
import { CELL_STATUSES } from '../domain/heatmap-cell';

export const role = z.enum(ROLES);
export const action = z.enum(ACTIONS as [Action, ...Action[]]);
export const community = z.object({ id: z.string(), code: z.string(), name: z.string() });

/** GET /api/auth/me: who is logged in, what they may do (domain/policy.ts), where. */
export const me = z.object({
  user: z.object({ id: z.string(), username: z.string(), displayName: z.string(), role }),
  /** every action the caller's role allows: the web shows or hides by these, never by role */
  permissions: z.array(action),
  communities: z.array(community),
  csrfToken: z.string(),
});
export type Me = z.infer<typeof me>;

/** One heatmap cell's state (domain/heatmap-cell.ts: one letter each on the wire). */
export const cellStatus = z.enum(CELL_STATUSES);
export type CellStatus = z.infer<typeof cellStatus>;
export const heatmap = z.object({
  month: z.string(),
  section: z.number().nullable(),
  page: z.object({ number: z.number(), size: z.number(), communities: z.number().describe('communities in scope, all pages') }),
  communities: z.array(z.object({ id: z.string(), name: z.string() })),
  items: z.array(z.object({ ruleId: z.string(), title: z.string() })),
  statuses: z
    .array(z.string())
    .describe('one string per community of the page, one letter per item: o on track, s due soon, x overdue, d deducted, - no task'),
});
export type Heatmap = z.infer<typeof heatmap>;
export type Community = z.infer<typeof community>;
