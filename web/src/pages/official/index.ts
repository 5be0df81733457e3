// Pages for area leaders and the township office: one lazily loaded chunk.
export { DashboardPage } from './dashboard';
export { EscalationsPage } from './escalations';
export { ReviewsPage } from './reviews';
export { DeductionsPage, DeductionDetailPage } from './deductions';
export { IncidentsPage } from './incidents';
export { DataRequestsPage } from './data-requests';
export { AppealsPage } from './appeals';
