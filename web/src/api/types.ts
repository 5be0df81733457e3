// Response shapes of the API, as the browser receives them: each one is the
// route's own zod schema in api/contract.ts, through JSON (Wire: a Date
// arrives as an ISO string). Types only (`import type`), so no zod reaches the
// bundle. A shape the web starts reading goes into api/contract.ts first;
// declaring one here by hand fails api/contract.test.ts.
import type * as api from '../../../api/contract';
import type { Wire } from '../../../api/contract';

export type { Role, Action } from '../../../domain/policy';

export type Me = Wire<typeof api.me>;
export type LoggedIn = Wire<typeof api.loggedIn>;
export type Community = Wire<typeof api.community>;
export type CellStatus = Wire<typeof api.cellStatus>;
export type Heatmap = Wire<typeof api.heatmap>;

export type TaskStatus = Wire<typeof api.taskStatus>;
export type Task = Wire<typeof api.task>;
export type TaskList = Wire<typeof api.taskList>;
export type EvidenceFile = Wire<typeof api.submittedFile>;
export type Submission = Wire<typeof api.submission>;
export type TaskDetail = Wire<typeof api.taskDetail>;
export type Assignees = Wire<typeof api.assignees>;
export type UploadedEvidence = Wire<typeof api.evidence>;
export type PendingReviews = Wire<typeof api.pendingReviews>;
export type PendingReview = Wire<typeof api.pendingReview>;
export type Escalations = Wire<typeof api.escalations>;
export type Escalation = Wire<typeof api.escalation>;

export type CommunityScore = Wire<typeof api.communityScore>;
export type Scoreboard = Wire<typeof api.scoreboard>;
export type CommunityBoard = Wire<typeof api.communityBoard>;
export type CountedDeduction = Wire<typeof api.countedDeduction>;
export type Overview = Wire<typeof api.overview>;
export type TrendSeries = Wire<typeof api.trendSeries>;

export type Deduction = Wire<typeof api.deduction>;
export type ListedDeduction = Wire<typeof api.listedDeduction>;
export type DeductionDetail = Wire<typeof api.deductionDetail>;
export type Appeal = Wire<typeof api.appealListItem>;
export type AppealFile = Wire<typeof api.appealFile>;
export type IncidentRules = Wire<typeof api.incidentRules>;
export type IncidentRule = Wire<typeof api.incidentRule>;
export type IncidentList = Wire<typeof api.incidentList>;
export type IncidentRow = Wire<typeof api.incidentRow>;
export type ReportingRules = Wire<typeof api.reportingRules>;
export type ReportingRule = Wire<typeof api.reportingRule>;
export type DataRequestList = Wire<typeof api.dataRequestList>;
export type DataRequest = Wire<typeof api.dataRequest>;
export type DataRequestCreated = Wire<typeof api.dataRequestCreated>;

export type UserRow = Wire<typeof api.user>;
export type UserSaved = Wire<typeof api.userSaved>;
export type CommunityRow = Wire<typeof api.communityRow>;
export type CommunityTag = Wire<typeof api.communityTag>;
export type Member = Wire<typeof api.member>;
export type DutyShifts = Wire<typeof api.dutyShifts>;
export type DutyShift = Wire<typeof api.dutyShift>;
export type DutyShiftSaved = Wire<typeof api.dutyShiftSaved>;
export type RosterImported = Wire<typeof api.rosterImported>;
export type CalendarYear = Wire<typeof api.calendarYear>;
export type SensitiveWindow = Wire<typeof api.sensitiveWindow>;
export type AuditRecord = Wire<typeof api.auditRecord>;
export type NotificationChannels = Wire<typeof api.notificationChannels>;
export type CapturedMail = Wire<typeof api.capturedMail>;
export type MailMessage = Wire<typeof api.mailMessage>;
export type DeliveryLog = Wire<typeof api.deliveryLog>;
export type NotificationRow = Wire<typeof api.deliveryRow>;
export type Medium = Wire<typeof api.medium>;
export type Settings = Wire<typeof api.settings>;

export type LedgerSubject = Wire<typeof api.ledgerSubject>;
export type LedgerSubjectFull = Wire<typeof api.ledgerSubjectFull>;
export type LedgerCategory = Wire<typeof api.ledgerCategory>;
export type LedgerDeclaration = Wire<typeof api.ledgerDeclaration>;
export type LedgerImportCheck = Wire<typeof api.ledgerImportCheck>;
export type LedgerImported = Wire<typeof api.ledgerImported>;
