/**
 * Server-side entry: everything in ./index plus the file loader. Activities,
 * the API and scripts may import this; Temporal workflow code must import
 * ./index instead (no Node built-ins there).
 */
export * from './index';
export { loadRulebook } from './rulebook/load-file';
