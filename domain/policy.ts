// Who may do what: the one map from actions to account roles. Routes guard
// with allow(action) (api/plugins/auth.ts), services and db/ ask may() or
// rolesFor(), and GET /api/auth/me serves the caller's actions to the web,
// which shows or hides by action, never by role. domain/policy.test.ts
// fails when a role list appears anywhere else.
export const ROLES = ['STAFF', 'SECRETARY', 'AREA_LEADER', 'POLITICAL_LEGAL', 'ADMIN'] as const;
export type Role = (typeof ROLES)[number];

const COMMUNITY: readonly Role[] = ['STAFF', 'SECRETARY'];
const OFFICIALS: readonly Role[] = ['AREA_LEADER', 'POLITICAL_LEGAL', 'ADMIN'];
const TOWNSHIP: readonly Role[] = ['POLITICAL_LEGAL', 'ADMIN'];
const REVIEWERS: readonly Role[] = ['SECRETARY', ...OFFICIALS];
const ADMIN: readonly Role[] = ['ADMIN'];

export const POLICY = {
  /** sees every community of the township (others: their memberships) */
  'township.scope': TOWNSHIP,
  /** works the tasks of their own communities (the phone task list is their home page) */
  'tasks.work': COMMUNITY,
  /** may be assigned a task */
  'tasks.beAssigned': COMMUNITY,
  /** sees the full name of the person a visit is about (others see it masked) */
  'tasks.seeSubjectNames': COMMUNITY,
  'tasks.review': REVIEWERS,
  'tasks.assign': REVIEWERS,
  'tasks.extend': OFFICIALS,
  'tasks.waive': TOWNSHIP,
  'escalations.read': REVIEWERS,
  'escalations.acknowledge': REVIEWERS,
  /** the township-wide dashboard, scoreboard pages and heatmap */
  'oversight.read': OFFICIALS,
  'deductions.reverse': OFFICIALS,
  'appeals.file': COMMUNITY,
  'appeals.decide': OFFICIALS,
  'incidents.manage': OFFICIALS,
  /**
   * Full ID numbers and diagnoses: the township's political-legal office and the
   * community's secretary (scope limits a secretary to their own communities).
   * ADMIN (IT) is deliberately excluded: running the system needs no diagnoses.
   */
  'ledgers.readSensitive': ['POLITICAL_LEGAL', 'SECRETARY'],
  /** Closing takes a person out of supervision, so grid workers cannot do it alone. */
  'ledgers.close': ['SECRETARY', ...OFFICIALS],
  'ledgers.declareNone': ['SECRETARY', ...OFFICIALS],
  'dutyShifts.edit': ['SECRETARY', ...TOWNSHIP],
  'sensitiveWindows.edit': TOWNSHIP,
  'dataRequests.read': OFFICIALS,
  'dataRequests.send': TOWNSHIP,
  'audit.read': TOWNSHIP,
  'notifications.read': OFFICIALS,
  'notifications.deliveryLog': TOWNSHIP,
  'notifications.manage': ADMIN,
  'users.manage': ADMIN,
  'communities.manage': ADMIN,
  'system.manage': ADMIN,
  /** approve a guarded grant: the political-legal official, or an admin other than the one who asked */
  'roleGrants.decide': TOWNSHIP,
  /** offered the daily digest of the township's work */
  'notify.digest': OFFICIALS,
  /** who hears that evidence waits for review: the community's area leaders (their daily digest by default) */
  'notify.reviewRequested': ['AREA_LEADER'],
  /** who is reminded of a task nobody is assigned to */
  'notify.unassignedReminder': ['STAFF'],
  /** a role that acts through community memberships: without one it could see nothing */
  'role.needsMembership': ['STAFF', 'SECRETARY', 'AREA_LEADER'],
  /** a role that reads full ledger data: granting it takes effect only after a second person approves */
  'role.needsApproval': ['POLITICAL_LEGAL', 'SECRETARY'],
} as const satisfies Record<string, readonly Role[]>;

export type Action = keyof typeof POLICY;
export const ACTIONS = Object.keys(POLICY) as Action[];

/** Does the role allow the action? */
export function may(role: Role, action: Action): boolean {
  return (POLICY[action] as readonly Role[]).includes(role);
}

/** The roles that allow the action (for a database filter or a recipient lookup). */
export function rolesFor(action: Action): Role[] {
  return [...POLICY[action]];
}

/** Every action the role allows: what /api/auth/me serves to the web. */
export function permissionsOf(role: Role): Action[] {
  return ACTIONS.filter((a) => may(role, a));
}

/** Chinese names of the roles, for messages a person reads. */
export const ROLE_LABELS: Record<Role, string> = {
  STAFF: '社区（村）干部',
  SECRETARY: '书记',
  AREA_LEADER: '挂片领导',
  POLITICAL_LEGAL: '政法委员',
  ADMIN: '管理员',
};
