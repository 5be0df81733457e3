// Admin and reference pages: one lazily loaded chunk.
export { UsersPage } from './users';
export { LedgersPage } from './ledgers';
export { RostersPage } from './rosters';
export { CalendarPage } from './calendar';
export { RulebookPage } from './rulebook';
export { NotificationsPage } from './notifications';
export { CommunityTagsPage } from './community-tags';
export { AuditPage } from './audit';
