// Accounts, communities, rosters, the sensitive-date calendar, the audit log,
// notification channels and log, and my own settings.
import { z } from 'zod';
import { latLon, role } from './common';

export const user = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  role,
  mobile: z.string().nullable(),
  email: z.string().nullable(),
  active: z.boolean(),
  lockedUntil: z.date().nullable(),
  communityIds: z.array(z.string()),
});
/** POST and PATCH /api/users: pendingGrantId when a guarded role waits for approval. */
export const userSaved = user.extend({ pendingGrantId: z.string().nullable() });

/** GET /api/communities */
export const communityRow = z.object({
  id: z.string(),
  code: z.string(),
  name: z.string(),
  memberCount: z.number(),
  tags: z.array(z.string()),
  location: latLon.nullable(),
});
/** The closed list of community tags with their Chinese labels. */
export const communityTag = z.object({ code: z.string(), label: z.string() });

export const dutyShift = z.object({
  id: z.string(),
  communityId: z.string(),
  communityName: z.string(),
  dutyDate: z.string(),
  userId: z.string(),
  userName: z.string(),
  assessed: z.boolean(),
  checkIn: z.enum(['done', 'late', 'pending', 'missed', 'waived', 'not-planned', 'not-assessed']),
  checkedInAt: z.date().nullable(),
  taskId: z.string().nullable(),
});
export const dutyShifts = z.object({ month: z.string(), shifts: z.array(dutyShift) });
export const dutyShiftSaved = z.object({ shift: dutyShift, warning: z.string().optional() });
export const rosterImported = z.object({
  created: z.number(),
  replaced: z.number(),
  deleted: z.number(),
  unchanged: z.number(),
  warning: z.string().optional(),
});

export const sensitiveWindow = z.object({
  id: z.string(),
  source: z.enum(['rulebook', 'admin']),
  windowId: z.string(),
  periodKey: z.string(),
  name: z.string(),
  firstDay: z.string(),
  lastDay: z.string(),
  rules: z.array(z.object({ id: z.string(), title: z.string() })),
  deletable: z.boolean(),
});
/** GET /api/sensitive-windows */
export const calendarYear = z.object({ year: z.number(), rulebook: z.string().nullable(), windows: z.array(sensitiveWindow) });

export const auditRecord = z.object({
  id: z.string(),
  at: z.date(),
  actorId: z.string().nullable(),
  actorName: z.string().nullable(),
  action: z.string(),
  entity: z.string(),
  entityId: z.string().nullable(),
  ip: z.string().nullable(),
  details: z.unknown(),
});

export const medium = z.enum(['email', 'sms', 'robot']);
export const notificationChannel = z.object({
  channel: medium,
  configured: z.boolean(),
  provider: z.string().optional(),
  notice: z.string(),
  robots: z.array(z.object({ communityId: z.string(), kind: z.enum(['wecom', 'dingtalk', 'feishu']) })).optional(),
});
export const notificationChannels = z.object({ channels: z.array(notificationChannel), mailCapture: z.boolean() });
/** A message the local mail capture of npm start received. */
export const mailSummary = z.object({
  id: z.string(),
  receivedAt: z.string(),
  from: z.string(),
  to: z.string(),
  subject: z.string(),
  key: z.string().optional(),
});
export const capturedMail = z.object({ enabled: z.boolean(), mail: z.array(mailSummary) });
export const mailMessage = mailSummary.extend({ text: z.string() });
/** One row of the notification delivery log (never a secret: no body, no provider response). */
export const deliveryRow = z.object({
  id: z.string(),
  channel: z.string(),
  event: z.string(),
  recipient: z.string(),
  userName: z.string().nullable(),
  subject: z.string().nullable(),
  status: z.enum(['QUEUED', 'SENT', 'FAILED', 'GIVEN_UP', 'IN_DOUBT']),
  attempts: z.number(),
  lastError: z.string().nullable(),
  createdAt: z.date(),
  sentAt: z.date().nullable(),
  /** the carrier's delivery receipt arrived (SMS status query) */
  deliveredAt: z.date().nullable(),
});
/** GET /api/notifications */
export const deliveryLog = z.object({ notifications: z.array(deliveryRow) });

export const notifyPreferences = z.object({
  order: z.array(medium).max(3).optional(),
  disabled: z.array(medium).max(3).optional(),
  digest: z.boolean().optional(),
});
/** GET and PUT /api/me/settings */
export const settings = z.object({
  mobile: z.string().nullable(),
  email: z.string().nullable(),
  preferences: notifyPreferences,
  /** what applies when the user sets nothing: the role's default route */
  roleDefaults: z.object({ routine: z.array(medium), escalation: z.array(medium), digest: z.boolean() }),
  /** the media that would carry a reminder / an escalation to me today, in order: empty means nothing reaches me */
  reachToday: z.object({ routine: z.array(medium), escalation: z.array(medium) }),
});
