// Ledgers (台账): entries, categories, the yearly declarations, the Excel import's answers.
import { z } from 'zod';

const kind = z.enum(['PERSON', 'SITE']);
/** A ledger entry, sensitive fields masked. */
export const ledgerSubject = z.object({
  id: z.string(),
  communityId: z.string(),
  category: z.string(),
  kind,
  displayName: z.string(),
  riskLevel: z.string().nullable(),
  responsibleUserId: z.string().nullable(),
  guardianLetter: z.boolean(),
  responsibilityLetter: z.boolean(),
  startDate: z.string(),
  endDate: z.string().nullable(),
  idNumberMasked: z.string().nullable(),
  hasDetails: z.boolean(),
  /** the ID number or details do not decrypt (wrong key, damaged data) */
  unreadable: z.boolean(),
  /** the rulebook's ledger fields (住址, 信访诉求, ...) and markers (incident-prone) */
  fields: z.record(z.string(), z.string()),
  flags: z.array(z.string()),
  createdAt: z.date(),
  updatedAt: z.date(),
});
/** GET /api/ledgers/:id/sensitive (audited): full ID number and details. */
export const ledgerSubjectFull = ledgerSubject.extend({
  idNumber: z.string().nullable(),
  details: z.object({ diagnosis: z.string().optional(), drugHistory: z.string().optional(), notes: z.string().optional() }).nullable(),
});
/** GET /api/ledgers/categories: what each category's checks require, with Chinese labels. */
export const ledgerCategory = z.object({
  code: z.string(),
  name: z.string(),
  kind,
  requiresResponsibleWorker: z.boolean(),
  visitedByRisk: z.boolean(),
  requiredFields: z.array(z.object({ key: z.string(), label: z.string() })),
});
/** 本社区无此类人员/场所 for a category and year. */
export const ledgerDeclaration = z.object({
  id: z.string(),
  communityId: z.string(),
  category: z.string(),
  year: z.number(),
  evidenceId: z.string(),
  note: z.string().nullable(),
  declaredById: z.string(),
  createdAt: z.date(),
});
/** POST /api/ledgers/import?dryRun=true: every row and every problem, nothing saved. */
export const ledgerImportCheck = z.object({
  rows: z.array(z.object({ row: z.number(), category: z.string(), displayName: z.string() })),
  problems: z.array(z.object({ row: z.number(), column: z.string(), message: z.string() })),
});
/** POST /api/ledgers/import: all rows saved. */
export const ledgerImported = z.object({ created: z.number(), ids: z.array(z.string()) });
