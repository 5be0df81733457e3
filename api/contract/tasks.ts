// Tasks (one obligation each), their submissions, the review queue, escalations and the heatmap.
import { z } from 'zod';
import { CELL_STATUSES } from '../../domain/heatmap-cell';
import { latLon, role } from './common';

export const taskStatus = z.enum(['SCHEDULED', 'OPEN', 'SUBMITTED', 'CLOSED', 'OVERDUE', 'CLOSED_LATE', 'WAIVED']);
/** A task as /api/tasks, the review queue and escalations answer it. */
export const task = z.object({
  id: z.string(),
  ruleId: z.string(),
  title: z.string(),
  clause: z.string(),
  communityId: z.string(),
  communityName: z.string(),
  periodKey: z.string(),
  periodLabel: z.string(),
  subjectId: z.string().nullable(),
  kind: z.string(),
  status: taskStatus,
  opensAt: z.date(),
  dueAt: z.date(),
  points: z.number(),
  requiredCount: z.number(),
  acceptedCount: z.number(),
  assigneeId: z.string().nullable(),
  closedAt: z.date().nullable(),
  waiverReason: z.string().nullable(),
  evidence: z.object({ minCount: z.number(), types: z.array(z.string()) }),
  requiresReview: z.boolean(),
  /** units handed in and awaiting review */
  pendingUnits: z.number(),
  /** set when the latest submission was sent back and nothing was handed in since */
  rejectedReason: z.string().nullable(),
  /** the person or site a visit is about (masked for township roles) */
  subjectName: z.string().nullable(),
  assigneeName: z.string().nullable(),
});
/** A file of a submission, with what a reviewer checks. */
export const submittedFile = z.object({
  id: z.string(),
  fileName: z.string(),
  mimeType: z.string(),
  takenAt: z.date().nullable(),
  gps: latLon.nullable(),
  /** metres from the community's location (rounded), when both the photo and the community have one */
  distanceM: z.number().nullable(),
  url: z.string(),
  thumbnailUrl: z.string(),
  usedBefore: z.boolean(),
});
export const submission = z.object({
  id: z.string(),
  status: z.enum(['PENDING_REVIEW', 'ACCEPTED', 'REJECTED']),
  late: z.boolean(),
  units: z.number(),
  note: z.string().nullable(),
  createdAt: z.date(),
  submittedById: z.string(),
  files: z.array(submittedFile),
  review: z.object({ decision: z.enum(['APPROVED', 'REJECTED']), reason: z.string().nullable(), at: z.date() }).nullable(),
});
/** GET /api/tasks/:id */
export const taskDetail = task.extend({
  submissions: z.array(submission),
  /** a data request's note from the official who sent it */
  requestNote: z.string().nullable(),
});
/** POST /api/tasks/:id/assign: the task as it is now. */
export const assignedTask = task.extend({ submissions: z.array(submission) });
export const taskList = z.object({ tasks: z.array(task) });
/** GET /api/tasks/:id/assignees */
export const assignees = z.object({ users: z.array(z.object({ id: z.string(), displayName: z.string(), role: z.string() })) });
/** What the workflow says after a change (its state), trimmed to what a client needs. */
export const workflowState = z.object({
  status: taskStatus,
  dueAt: z.string(),
  acceptedUnits: z.number(),
  requiredUnits: z.number(),
  deducted: z.boolean(),
  escalationLevel: z.number(),
  acknowledged: z.boolean(),
  closedAt: z.string().optional(),
  waiverReason: z.string().optional(),
});

export const pendingReview = z.object({ task, submission });
/** GET /api/reviews/pending */
export const pendingReviews = z.object({ reviews: z.array(pendingReview) });

export const escalation = z.object({
  id: z.string(),
  /** deadline: the task is overdue; review: on-time evidence waits too long for a reviewer */
  kind: z.enum(['deadline', 'review']),
  level: z.number(),
  /** who was alerted at this level */
  targetRole: role,
  notifiedAt: z.date(),
  acknowledgedAt: z.null(),
  taskId: z.string(),
  title: z.string(),
  communityId: z.string(),
  communityName: z.string(),
  dueAt: z.date(),
  points: z.number(),
  periodLabel: z.string(),
});
/** GET /api/escalations */
export const escalations = z.object({ escalations: z.array(escalation) });
export const acknowledged = z.object({ acknowledged: z.boolean() });

/** One heatmap cell's state (domain/heatmap-cell.ts: one letter each on the wire). */
export const cellStatus = z.enum(CELL_STATUSES);
export const heatmap = z.object({
  month: z.string(),
  section: z.number().nullable(),
  page: z.object({ number: z.number(), size: z.number(), communities: z.number().describe('communities in scope, all pages') }),
  communities: z.array(z.object({ id: z.string(), name: z.string() })),
  items: z.array(z.object({ ruleId: z.string(), title: z.string() })),
  statuses: z
    .array(z.string())
    .describe('one string per community of the page, one letter per item: o on track, s due soon, x overdue, d deducted, - no task'),
});
