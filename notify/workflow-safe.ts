// The pure part of notify/: no Node built-ins, no I/O, deterministic. Workflow
// code imports from here (never from notify/index, which pulls in nodemailer
// and node:crypto).
export * from './types';
export * from './events';
export { notificationKey } from './key';
export { DEFAULT_ROLE_ROUTES, endOfQuietHours, planDelivery, planFor, robotChannelId } from './routing';
export type { DeliveryPlan, PlannedAttempt, QuietHours, RoleRoute, RoutingPolicy } from './routing';
export { buildDigests, digestEventId, digestWindow, escalationBatch, escalationWindowEnd } from './digest';
export type { DigestBundle, DigestOptions } from './digest';
export { earliestAllowedSend, ROBOT_RATE_LIMITS } from './rate-limit';
export type { RateLimit } from './rate-limit';
export { formatDeadline, shanghaiDay } from './templates/format';
