// Entry point the worker bundles. Only deterministic code may be reachable
// from here: no Node built-ins, no I/O, activities by type only.
export { selfCheckWorkflow } from './self-check-workflow';
