// Zod pieces shared by several route files.
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { BadRequestError } from '../errors';
import { isValidCivilDate } from '../../domain/time/shanghai';

import { appeal, appealFile, appealStatus, community, deduction, evidence, role, submission, task, taskStatus } from '../contract';

// Response shapes live in api/contract.ts (the web reads their types); these are re-exported for the routes.
export { appeal, appealFile, appealStatus, community, deduction, role, submission, task, taskStatus };
export const evidenceSchema = evidence;
export const id = z.string().uuid('必须是有效的 ID (must be a UUID)');
export const idParams = z.object({ id });
export const errorBody = z.object({ error: z.string(), message: z.string() });
export const ok = z.object({ ok: z.literal(true) });
const dateShape = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 YYYY-MM-DD (date must be YYYY-MM-DD)');
const dateExists = (d: string) => isValidCivilDate(Number(d.slice(0, 4)), Number(d.slice(5, 7)), Number(d.slice(8, 10)));
const NO_SUCH_DATE = '日期不存在，请检查月份（1-12）和日 (no such date)';
/** A civil date (yyyy-mm-dd, Asia/Shanghai) that exists, in years from..to: no 2026-02-30, no year 0000. */
export function civilDateIn(from: number, to: number) {
  return dateShape
    .refine(dateExists, NO_SUCH_DATE)
    .refine((d) => Number(d.slice(0, 4)) >= from && Number(d.slice(0, 4)) <= to, `年份应在 ${from}-${to} 之间 (year ${from}-${to})`);
}
/** Any date a record may carry (a ledger entry may start decades ago). */
export const civilDate = civilDateIn(1900, 2100);
/** Kept for the routes that asked for existence explicitly: every civilDate now exists. */
export const existingCivilDate = civilDate;
/** Dates of assessment work (incidents, duty shifts): within the years a rulebook can cover, like the year filters. */
export const workDate = civilDateIn(2000, 2100);
/** A month of assessment work (yyyy-mm), in the years a rulebook can cover: no month 13, no year 0000. */
export const workMonth = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, '月份格式应为 YYYY-MM (month must be YYYY-MM)')
  .refine((m) => Number(m.slice(0, 4)) >= 2000 && Number(m.slice(0, 4)) <= 2100, '年份应在 2000-2100 之间 (year 2000-2100)');
/** An ISO-8601 instant with offset that exists (no 30 February), in years 1900-2100. */
export const instant = z.iso
  .datetime({ offset: true, message: '时间格式应为 ISO 8601，如 2026-03-01T08:00:00+08:00 (ISO 8601 date-time with offset)' })
  .refine((s) => dateExists(s.slice(0, 10)), NO_SUCH_DATE)
  .refine((s) => Number(s.slice(0, 4)) >= 1900 && Number(s.slice(0, 4)) <= 2100, '年份应在 1900-2100 之间 (year 1900-2100)');
/** A bigint id used as a page cursor: digits within PostgreSQL's int8. */
export const int8Cursor = z
  .string()
  .regex(/^\d{1,19}$/, '翻页位置应为正整数，请使用上一页最后一条的 id (cursor must be the last id of the previous page)')
  // zod runs this even when the regex failed: BigInt('null') would throw (a 500 npm run fuzz found).
  .refine(
    (s) => !/^\d{1,19}$/.test(s) || BigInt(s) <= 9223372036854775807n,
    '翻页位置超出范围，请使用上一页最后一条的 id (cursor out of range)',
  );
/** Error responses every authenticated route may give; listed so they appear in /docs. */
export const authErrors = { 401: errorBody, 403: errorBody };

export const reason = z.string().trim().min(2, '请填写理由（至少2个字） (a reason of at least 2 characters is required)').max(1000);

/** NUL (PostgreSQL text cannot hold it) or half of a UTF-16 surrogate pair (not text at all). */
// eslint-disable-next-line no-control-regex -- NUL is exactly what this refuses
const UNSAFE_TEXT = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Where in a parsed JSON value (keys included) the first unsafe string is, e.g. "/details/notes"; undefined if none. */
export function unsafeTextAt(value: unknown): string | undefined {
  // Iterative: a deeply nested body must not overflow the stack.
  const pending: Array<[string, unknown]> = [['', value]];
  while (pending.length > 0) {
    const [path, v] = pending.pop()!;
    if (typeof v === 'string') {
      if (UNSAFE_TEXT.test(v)) return path;
    } else if (v !== null && typeof v === 'object' && !Buffer.isBuffer(v)) {
      for (const [key, child] of Object.entries(v)) {
        if (UNSAFE_TEXT.test(key)) return `${path}/${key.replace(UNSAFE_TEXT, '?')}`;
        pending.push([`${path}/${key}`, child]);
      }
    }
  }
  return undefined;
}

/**
 * preValidation hook of the whole app (login included): every string of the
 * body, query and path must be text PostgreSQL can store. One check here
 * instead of a refinement on each of the schemas' strings.
 */
export async function refuseUnsafeText(request: FastifyRequest): Promise<void> {
  for (const [where, value] of [
    ['请求内容', request.body],
    ['查询参数', request.query],
    ['路径', request.params],
  ] as const) {
    const at = unsafeTextAt(value);
    if (at !== undefined) {
      throw new BadRequestError(
        `${where}${at ? ` ${at} ` : ''}含有无法保存的字符（空字符或残缺的 Unicode 字符），请删除后重新输入 (text contains a NUL byte or a lone surrogate${at ? ` at ${at}` : ''})`,
        'invalid_text',
      );
    }
  }
}
