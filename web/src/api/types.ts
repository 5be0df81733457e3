// Response shapes of the documented API (see /docs for the OpenAPI schemas).
// Dates arrive as ISO strings. The shapes in api/contract.ts are the API's own
// (the routes answer with them): import those, do not copy them here. The
// interfaces below are older hand copies, to move into api/contract.ts one by one.
import type { Community } from '../../../api/contract';
import type { Role } from '../../../domain/policy';

export type { Role, Action } from '../../../domain/policy';
export type { CellStatus, Community, Heatmap, Me } from '../../../api/contract';

export type TaskStatus = 'OPEN' | 'SUBMITTED' | 'CLOSED' | 'OVERDUE' | 'CLOSED_LATE' | 'WAIVED';

export interface Task {
  id: string;
  title: string;
  clause: string;
  communityId: string;
  communityName: string;
  periodLabel: string;
  dueAt: string;
  status: TaskStatus;
  points: number;
  requiredCount: number;
  acceptedCount: number;
  evidence: { minCount: number; types: string[] };
  /** units handed in and awaiting review */
  pendingUnits: number;
  /** set when the latest submission was sent back and nothing was handed in since */
  rejectedReason: string | null;
  /** the person or site a visit is about (masked for township roles) */
  subjectName: string | null;
  assigneeId: string | null;
  assigneeName: string | null;
  closedAt?: string | null;
  waiverReason?: string | null;
}

export interface EvidenceFile {
  id: string;
  fileName: string;
  mimeType: string;
  url: string;
  thumbnailUrl?: string | null;
  takenAt: string | null;
  gps: { lat: number; lon: number } | null;
  usedBefore: boolean;
  /** metres from the community's location (rounded); null when the photo or the community has no location */
  distanceM?: number | null;
}

export interface Submission {
  id: string;
  status: 'PENDING_REVIEW' | 'ACCEPTED' | 'REJECTED';
  late: boolean;
  createdAt: string;
  note?: string | null;
  files: EvidenceFile[];
  review?: { decision: string; reason?: string | null } | null;
}

export interface TaskDetail extends Task {
  submissions: Submission[];
  /** a data request's note from the official who sent it */
  requestNote: string | null;
}

export interface UploadedEvidence {
  /** usedBefore: earlier evidence with the same or a near-identical picture; empty when the photo is new */
  id: string;
  fileName: string;
  sha256: string;
  takenAt: string | null;
  gps: { lat: number; lon: number } | null;
  usedBefore: unknown[];
}

export interface PendingReview {
  task: Task;
  submission: Submission;
}

export interface Escalation {
  id?: string;
  taskId: string;
  title: string;
  communityId: string;
  communityName: string;
  dueAt: string;
  level: number;
  targetRole: Role;
  notifiedAt: string;
  acknowledgedAt: string | null;
  points?: number;
  /** deadline: the task is overdue; review: on-time evidence waits too long for a reviewer */
  kind?: 'deadline' | 'review';
}

export interface ScoreAmounts {
  ytdDeducted: number;
  monthDeducted: number;
}
export interface CommunityScore extends ScoreAmounts {
  id: string;
  code: string;
  name: string;
  rank: number;
  total: number;
  openObligationsThisMonth: number;
  pointsAtRiskThisMonth: number;
  /** the total at the end of each month, January to the month */
  totalByMonth: number[];
}
/** GET /api/scoreboard: one page of the ranking of the caller's communities. */
export interface Scoreboard {
  year: number;
  month: number;
  baseScore: number;
  rankOutOf: number;
  inScope: number;
  offset: number;
  communities: CommunityScore[];
}
/** GET /api/scoreboard/communities/:id: one community with its breakdown by rubric item. */
export interface CommunityBoard {
  year: number;
  month: number;
  baseScore: number;
  rankOutOf: number;
  community: CommunityScore & {
    sections: Array<{ section: string } & ScoreAmounts>;
    items: Array<{ section: string; item: string; full: boolean } & ScoreAmounts>;
  };
}

/** GET /api/scoreboard/deductions: a deduction and what it counts for after its clause's cap (0: 本项已扣满; null: reversed). */
export interface CountedDeduction {
  id: string;
  communityName: string;
  item: string;
  ruleTitle: string;
  explanation: string;
  occurredAt: string;
  counted: number | null;
  reversed: boolean;
}

export interface Deduction {
  id: string;
  businessKey: string;
  kind: 'DEDUCTION' | 'REVERSAL';
  communityId: string;
  ruleId: string;
  section: string;
  item: string;
  periodKey: string | null;
  subjectId: string | null;
  obligationId: string | null;
  points: number;
  explanation: string;
  recordedBy: string;
  occurredAt: string;
  createdAt: string;
  reversesId: string | null;
  reversedById: string | null;
}

/** An incident rule offered to officials (GET /api/incidents/rules): points come from the rulebook. */
export interface IncidentRule {
  id: string;
  section: number;
  sectionTitle: string;
  item: string;
  title: string;
  clause: string;
  points: number;
  subjects: string | null;
}
export interface IncidentRow extends Deduction {
  communityName: string;
  evidenceCount: number;
}

/** A reporting rule a data request may enforce (GET /api/data-requests/rules). */
export interface ReportingRule {
  id: string;
  section: number;
  item: string;
  title: string;
  clause: string;
  points: number;
}
export interface DataRequest {
  id: string;
  title: string;
  ruleId: string;
  ruleTitle: string;
  item: string;
  clause: string;
  points: number;
  note: string | null;
  opensAt: string;
  dueAt: string;
  createdAt: string;
  communities: Array<{
    communityId: string;
    communityName: string;
    taskId: string | null;
    closedAt: string | null;
    status: 'NOT_STARTED' | 'SCHEDULED' | 'OPEN' | 'SUBMITTED' | 'CLOSED' | 'OVERDUE' | 'CLOSED_LATE' | 'WAIVED';
    deduction: { id: string; points: number; reversed: boolean } | null;
  }>;
}

export interface Appeal {
  id: string;
  deductionId: string;
  communityId: string;
  filedById: string;
  reason: string;
  status: 'PENDING' | 'ACCEPTED' | 'REJECTED';
  decidedById: string | null;
  decisionReason: string | null;
  decidedAt: string | null;
  createdAt: string;
  filedByName?: string | null;
  decidedByName?: string | null;
  /** in the appeals list: the deduction's community, item, rule title and points */
  communityName?: string;
  item?: string;
  ruleTitle?: string;
  points?: number;
  /** the files filed with the appeal (links to the evidence routes) */
  files?: AppealFile[];
}

export interface AppealFile {
  id: string;
  fileName: string;
  mimeType: string;
  sizeBytes: number;
  url: string;
  thumbnailUrl: string | null;
  createdAt: string;
}

export interface DeductionDetail extends Deduction {
  recordedByName: string | null;
  evidence: Array<{
    id: string;
    fileName: string;
    mimeType: string;
    sizeBytes: number;
    sha256: string;
    uploadedById: string;
    uploadedByName: string | null;
    createdAt: string;
    takenAt: string | null;
    gps: { lat: number; lon: number } | null;
    url: string;
    thumbnailUrl: string | null;
    source: 'incident' | 'submission';
  }>;
  reversal: (Deduction & { recordedByName: string | null }) | null;
  reverses: (Deduction & { recordedByName: string | null }) | null;
  appeals: Appeal[];
}

export interface UserRow {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  mobile: string | null;
  email: string | null;
  active: boolean;
  lockedUntil: string | null;
  communityIds: string[];
}

export interface CommunityRow extends Community {
  memberCount: number;
  tags?: string[];
  location?: { lat: number; lon: number } | null;
}

export interface LedgerSubject {
  id: string;
  communityId: string;
  category: string;
  kind: 'PERSON' | 'SITE';
  displayName: string;
  riskLevel: string | null;
  responsibleUserId: string | null;
  guardianLetter: boolean;
  responsibilityLetter: boolean;
  startDate: string;
  endDate: string | null;
  idNumberMasked: string | null;
  hasDetails: boolean;
  /** the ID number or details do not decrypt (wrong key, damaged data) */
  unreadable: boolean;
  /** the rulebook's ledger fields (住址, 信访诉求, ...) and markers (incident-prone) */
  fields: Record<string, string>;
  flags: string[];
}

export interface LedgerSubjectFull extends LedgerSubject {
  idNumber: string | null;
  details: { diagnosis?: string; drugHistory?: string; notes?: string } | null;
}

/** GET /api/ledgers/categories: what each category's checks require, with Chinese labels. */
export interface LedgerCategory {
  code: string;
  name: string;
  kind: 'PERSON' | 'SITE';
  requiresResponsibleWorker: boolean;
  visitedByRisk: boolean;
  requiredFields: Array<{ key: string; label: string }>;
}

export interface LedgerDeclaration {
  id: string;
  communityId: string;
  category: string;
  year: number;
  evidenceId: string;
  note: string | null;
  createdAt: string;
}
export interface LedgerImportCheck {
  rows: Array<{ row: number; category: string; displayName: string }>;
  problems: Array<{ row: number; column: string; message: string }>;
}

export interface NotificationRow {
  id: string;
  channel: string;
  recipient: string;
  userName?: string | null;
  event: string;
  subject?: string | null;
  status: string;
  attempts: number;
  lastError?: string | null;
  createdAt: string;
  sentAt?: string | null;
  /** The carrier's delivery receipt arrived (SMS status query). */
  deliveredAt?: string | null;
}
