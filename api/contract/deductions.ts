// Deductions, reversals, appeals, incidents, data requests and uploaded evidence.
import { z } from 'zod';
import { latLon } from './common';

export const deduction = z.object({
  id: z.string(),
  businessKey: z.string(),
  kind: z.enum(['DEDUCTION', 'REVERSAL']),
  communityId: z.string(),
  ruleId: z.string(),
  section: z.string(),
  item: z.string(),
  periodKey: z.string().nullable(),
  subjectId: z.string().nullable(),
  obligationId: z.string().nullable(),
  points: z.number(),
  explanation: z.string(),
  recordedBy: z.string(),
  occurredAt: z.date(),
  createdAt: z.date(),
  reversesId: z.string().nullable(),
  reversedById: z.string().nullable(),
});

/**
 * GET /api/deductions: a deduction as listed, with what it counts for after its clause's cap as
 * the scoreboard counts it (0: 本项已扣满; null: reversed, itself a reversal, or a year without a rulebook).
 */
export const listedDeduction = deduction.extend({ counted: z.number().nullable() });

export const appealStatus = z.enum(['PENDING', 'ACCEPTED', 'REJECTED']);
export const appeal = z.object({
  id: z.string(),
  deductionId: z.string(),
  communityId: z.string(),
  filedById: z.string(),
  reason: z.string(),
  status: appealStatus,
  decidedById: z.string().nullable(),
  decisionReason: z.string().nullable(),
  decidedAt: z.date().nullable(),
  createdAt: z.date(),
});
/** A file filed with an appeal; url and thumbnailUrl lead to the evidence routes (scope-checked, audited). */
export const appealFile = z.object({
  id: z.string(),
  fileName: z.string(),
  mimeType: z.string(),
  sizeBytes: z.number().int(),
  url: z.string(),
  thumbnailUrl: z.string().nullable(),
  createdAt: z.date(),
});
/** GET /api/appeals: an appeal with the deduction's community, item, rule title and points, the filer and the files. */
export const appealListItem = appeal.extend({
  communityName: z.string(),
  item: z.string(),
  ruleTitle: z.string(),
  points: z.number(),
  filedByName: z.string().nullable(),
  files: z.array(appealFile),
});
/** POST /api/appeals/:id/decision */
export const appealDecision = z.object({ appeal, reversal: deduction.nullable() });

const named = deduction.extend({ recordedByName: z.string().nullable() });
/** GET /api/deductions/:id: a deduction with its evidence, reversal and appeals. */
export const deductionDetail = named.extend({
  evidence: z.array(
    z.object({
      id: z.string(),
      fileName: z.string(),
      mimeType: z.string(),
      sizeBytes: z.number(),
      sha256: z.string(),
      takenAt: z.date().nullable(),
      gps: latLon.nullable(),
      url: z.string(),
      thumbnailUrl: z.string().nullable(),
      createdAt: z.date(),
      uploadedById: z.string(),
      uploadedByName: z.string().nullable(),
      /** incident: attached by an official to this deduction; submission: submitted for the obligation that was missed */
      source: z.enum(['incident', 'submission']),
    }),
  ),
  reversal: named.nullable(),
  reverses: named.nullable(),
  appeals: z.array(appeal.extend({ filedByName: z.string().nullable(), decidedByName: z.string().nullable(), files: z.array(appealFile) })),
});

/** An incident rule offered to officials (GET /api/incidents/rules): points come from the rulebook. */
export const incidentRule = z.object({
  id: z.string(),
  section: z.number(),
  sectionTitle: z.string(),
  item: z.string(),
  title: z.string(),
  clause: z.string(),
  points: z.number(),
  subjects: z.string().nullable(),
});
export const incidentRules = z.object({ rules: z.array(incidentRule) });
export const incidentRow = deduction.extend({ communityName: z.string(), evidenceCount: z.number() });
/** GET /api/incidents */
export const incidentList = z.object({ incidents: z.array(incidentRow) });

/** A reporting rule a data request may enforce (GET /api/data-requests/rules). */
export const reportingRule = z.object({
  id: z.string(),
  section: z.number(),
  item: z.string(),
  title: z.string(),
  clause: z.string(),
  points: z.number(),
});
export const reportingRules = z.object({ rules: z.array(reportingRule) });
const dataRequestStatus = z.enum(['NOT_STARTED', 'SCHEDULED', 'OPEN', 'SUBMITTED', 'CLOSED', 'OVERDUE', 'CLOSED_LATE', 'WAIVED']);
export const dataRequest = z.object({
  id: z.string(),
  title: z.string(),
  ruleId: z.string(),
  ruleTitle: z.string(),
  item: z.string(),
  clause: z.string(),
  points: z.number(),
  note: z.string().nullable(),
  opensAt: z.date(),
  dueAt: z.date(),
  createdAt: z.date(),
  communities: z.array(
    z.object({
      communityId: z.string(),
      communityName: z.string(),
      taskId: z.string().nullable(),
      status: dataRequestStatus,
      closedAt: z.date().nullable(),
      deduction: z.object({ id: z.string(), points: z.number(), reversed: z.boolean() }).nullable(),
    }),
  ),
});
export const dataRequestList = z.object({ requests: z.array(dataRequest) });
/** POST /api/data-requests (notStarted > 0: retry with POST /:id/start) */
export const dataRequestCreated = z.object({ request: dataRequest, notStarted: z.number() });

const usedBefore = z.object({
  evidenceId: z.string(),
  communityId: z.string(),
  createdAt: z.date(),
  match: z.enum(['identical', 'near-duplicate']),
  distance: z.number().int(),
});
/** An uploaded evidence file as /api/evidence and the incident upload answer it. */
export const evidence = z.object({
  id: z.string(),
  communityId: z.string(),
  fileName: z.string(),
  mimeType: z.string(),
  sizeBytes: z.number().int(),
  sha256: z.string(),
  takenAt: z.date().nullable(),
  gps: latLon.nullable(),
  thumbnailUrl: z.string().nullable(),
  url: z.string(),
  createdAt: z.date(),
  /** earlier evidence with the same or a near-identical picture; empty when the photo is new */
  usedBefore: z.array(usedBefore),
});
