// Entry point the worker bundles. Only deterministic code may be reachable
// from here: no Node built-ins, no I/O, activities by type only.
export { selfCheckWorkflow } from './self-check-workflow';
export { obligationWorkflow } from './obligation/obligation-workflow';
export { notificationWorkflow } from './notification/notification-workflow';
export { planObligationsWorkflow } from './planner/plan-obligations-workflow';
export { digestWorkflow } from './digest/digest-workflow';
export { reconcileWorkflow } from './reconcile/reconcile-workflow';
