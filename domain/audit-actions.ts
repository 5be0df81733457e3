// Every action the audit log records, in the order an auditor looks for them.
// The one list: the audit repository accepts only these (a new action is a
// compile error until it is added here), the audit page offers them as its
// filter, and each has a Chinese label (web/src/i18n/zh-CN.ts, checked by test).
export const AUDIT_ACTIONS = [
  'deduction.record_incident',
  'deduction.reverse',
  'appeal.file',
  'appeal.decide',
  'obligation.extend',
  'obligation.waive',
  'task.assign',
  'escalation.acknowledge',
  'evidence.upload',
  'evidence.read',
  'ledger.create',
  'ledger.update',
  'ledger.close',
  'ledger.declare_empty',
  'ledger.import',
  'ledger.read_sensitive',
  'data_request.create',
  'user.create',
  'user.update',
  'user.deactivate',
  'user.reactivate',
  'user.reset_password',
  'user.unlock',
  'user.role_grant.request',
  'user.role_grant.approve',
  'user.role_grant.reject',
  'auth.login',
  'auth.login_failed',
  'auth.logout',
  'auth.password_changed',
  'auth.password_wrong',
  'settings.update',
  'duty_shift.create',
  'duty_shift.replace',
  'duty_shift.import',
  'duty_shift.delete',
  'sensitive_window.create',
  'sensitive_window.delete',
  'community.tags',
  'community.location',
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** The system actors that write audit rows (a user id otherwise), with the name people see. */
export const SYSTEM_ACTORS: Readonly<Record<string, string>> = {
  'system:ledger': '系统（台账自动核对）',
};
