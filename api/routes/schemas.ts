// Zod pieces shared by several route files.
import { z } from 'zod';
import { ROLES } from '../../db/auth-repository';
import { isValidCivilDate } from '../../domain/time/shanghai';

export const role = z.enum(ROLES);
export const id = z.string().uuid('必须是有效的 ID (must be a UUID)');
export const idParams = z.object({ id });
export const errorBody = z.object({ error: z.string(), message: z.string() });
export const ok = z.object({ ok: z.literal(true) });
export const community = z.object({ id: z.string(), code: z.string(), name: z.string() });
/** yyyy-mm-dd (a civil date in Asia/Shanghai) */
export const civilDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 YYYY-MM-DD (date must be YYYY-MM-DD)');
/** a civil date that exists (no 2026-02-30) */
export const existingCivilDate = civilDate.refine((d) => isValidCivilDate(Number(d.slice(0, 4)), Number(d.slice(5, 7)), Number(d.slice(8, 10))), '日期不存在，请检查月份和日 (no such date)');
/** Error responses every authenticated route may give; listed so they appear in /docs. */
export const authErrors = { 401: errorBody, 403: errorBody };

export const deduction = z.object({
  id: z.string(), businessKey: z.string(), kind: z.enum(['DEDUCTION', 'REVERSAL']), communityId: z.string(), ruleId: z.string(),
  section: z.string(), item: z.string(), periodKey: z.string().nullable(), subjectId: z.string().nullable(), obligationId: z.string().nullable(),
  points: z.number(), explanation: z.string(), recordedBy: z.string(), occurredAt: z.date(), createdAt: z.date(),
  reversesId: z.string().nullable(), reversedById: z.string().nullable(),
});

export const appealStatus = z.enum(['PENDING', 'ACCEPTED', 'REJECTED']);
export const appeal = z.object({
  id: z.string(), deductionId: z.string(), communityId: z.string(), filedById: z.string(), reason: z.string(), status: appealStatus,
  decidedById: z.string().nullable(), decisionReason: z.string().nullable(), decidedAt: z.date().nullable(), createdAt: z.date(),
});
export const reason = z.string().trim().min(2, '请填写理由（至少2个字） (a reason of at least 2 characters is required)').max(1000);
