// Ledger spreadsheets. Import is all-or-nothing: every row is checked first
// and each problem names its row and column; nothing is saved if any fails.
// Export is a report: ID numbers masked, sensitive details left out.
import ExcelJS from 'exceljs';
import type { LedgerSubjectView, NewLedgerSubject } from '../../db/ledger-repository';
import { BadRequestError } from '../errors';
import { idNumberProblem } from './id-number';
import type { ZipLimits } from './evidence/zip-guard';

export const MAX_IMPORT_ROWS = 2000;
/** Measured: 2,000 filled rows of the template are about 95 KB as .xlsx, 1 MB unpacked (ratio 11); these leave ample room. */
export const IMPORT_BODY_LIMIT = 2 * 1024 * 1024;
export const IMPORT_ZIP_LIMITS: ZipLimits = { maxUncompressedBytes: 32 * 1024 * 1024, maxRatio: 100, maxEntries: 200 };

/** Column header (as people type it) -> field. The first row of the sheet must hold these headers. */
export const LEDGER_COLUMNS = {
  类别: 'category', 类型: 'kind', 姓名或名称: 'displayName', 风险等级: 'riskLevel', 身份证号: 'idNumber',
  责任网格员: 'responsible', 监护责任书: 'guardianLetter', 责任书: 'responsibilityLetter', 开始日期: 'startDate',
  诊断: 'diagnosis', 吸毒史: 'drugHistory', 备注: 'notes',
} as const;
type Field = (typeof LEDGER_COLUMNS)[keyof typeof LEDGER_COLUMNS];
const REQUIRED: Field[] = ['category', 'kind', 'displayName', 'startDate'];
const KINDS: Record<string, 'PERSON' | 'SITE'> = { 人员: 'PERSON', 场所: 'SITE', PERSON: 'PERSON', SITE: 'SITE' };
const RISK: Record<string, string> = { 低: 'low', 中: 'medium', 高: 'high', 轻度: 'low', 中度: 'medium', 重度: 'high', low: 'low', medium: 'medium', high: 'high' };
const YES = new Set(['是', 'Y', 'YES', 'TRUE', '1']);
const NO = new Set(['否', 'N', 'NO', 'FALSE', '0', '']);

export interface ImportProblem { row: number; column: string; message: string }

function cellText(cell: ExcelJS.Cell): string {
  const v = cell.value;
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  return (cell.text ?? '').trim();
}

/** Parses and checks every row; throws one 400 listing all problems. */
export async function parseLedgerWorkbook(
  data: Buffer,
  communityId: string,
  membersByUsername: (usernames: string[]) => Promise<Map<string, string>>,
): Promise<NewLedgerSubject[]> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(data as unknown as ExcelJS.Buffer);
  } catch {
    throw new BadRequestError('无法读取文件：请上传 .xlsx 格式的 Excel 文件 (not a readable .xlsx file)', 'bad_file');
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) throw new BadRequestError('文件中没有工作表 (the workbook has no sheet)', 'bad_file');
  const columns = new Map<number, { header: string; field: Field }>();
  sheet.getRow(1).eachCell((cell, col) => {
    const header = cellText(cell) as keyof typeof LEDGER_COLUMNS;
    if (LEDGER_COLUMNS[header]) columns.set(col, { header, field: LEDGER_COLUMNS[header] });
  });
  const missing = REQUIRED.filter((f) => ![...columns.values()].some((c) => c.field === f));
  if (missing.length > 0) {
    const names = Object.entries(LEDGER_COLUMNS).filter(([, f]) => missing.includes(f)).map(([h]) => h);
    throw new BadRequestError(`第1行缺少表头: ${names.join('、')} (missing header columns)`, 'import_invalid');
  }

  const raw: Array<{ row: number; values: Partial<Record<Field, string>> }> = [];
  sheet.eachRow((row, rowNumber) => {
    if (rowNumber === 1) return;
    const values: Partial<Record<Field, string>> = {};
    for (const [col, { field }] of columns) values[field] = cellText(row.getCell(col));
    if (Object.values(values).some((v) => v)) raw.push({ row: rowNumber, values });
  });
  if (raw.length === 0) throw new BadRequestError('表中没有数据行 (no data rows)', 'import_invalid');
  if (raw.length > MAX_IMPORT_ROWS) throw new BadRequestError(`一次最多导入 ${MAX_IMPORT_ROWS} 行 (at most ${MAX_IMPORT_ROWS} rows per file)`, 'import_invalid');

  const usernames = [...new Set(raw.map((r) => r.values.responsible).filter((u): u is string => !!u))];
  const members = await membersByUsername(usernames);
  const headerOf = (f: Field) => Object.entries(LEDGER_COLUMNS).find(([, x]) => x === f)![0];
  const problems: ImportProblem[] = [];
  const result: NewLedgerSubject[] = [];
  for (const { row, values: v } of raw) {
    const bad = (f: Field, message: string) => problems.push({ row, column: headerOf(f), message });
    for (const f of REQUIRED) if (!v[f]) bad(f, '必填 (required)');
    const kind = KINDS[(v.kind ?? '').toUpperCase()] ?? KINDS[v.kind ?? ''];
    if (v.kind && !kind) bad('kind', '应为“人员”或“场所” (must be 人员 or 场所)');
    if (v.category && !/^[a-z0-9-]{2,40}$/.test(v.category)) bad('category', '应为台账类别代码，如 drug-user (must be a category code like drug-user)');
    const riskLevel = v.riskLevel ? RISK[v.riskLevel] ?? null : null;
    if (v.riskLevel && !riskLevel) bad('riskLevel', '应为 低/中/高 (must be 低, 中 or 高)');
    const idNumber = v.idNumber ? v.idNumber.toUpperCase() : null;
    const idProblem = idNumber ? idNumberProblem(idNumber) : undefined;
    if (idProblem) bad('idNumber', idProblem);
    const responsibleUserId = v.responsible ? members.get(v.responsible) ?? null : null;
    if (v.responsible && !responsibleUserId) bad('responsible', `用户 ${v.responsible} 不是本社区（村）的在岗人员 (not an active member of the community)`);
    const flag = (f: 'guardianLetter' | 'responsibilityLetter') => {
      const s = (v[f] ?? '').toUpperCase();
      if (YES.has(s)) return true;
      if (!NO.has(s)) bad(f, '应为“是”或“否” (must be 是 or 否)');
      return false;
    };
    const guardianLetter = flag('guardianLetter');
    const responsibilityLetter = flag('responsibilityLetter');
    if (v.startDate && (!/^\d{4}-\d{2}-\d{2}$/.test(v.startDate) || Number.isNaN(Date.parse(v.startDate)))) bad('startDate', '日期格式应为 YYYY-MM-DD (date must be YYYY-MM-DD)');
    if (v.displayName && v.displayName.length > 100) bad('displayName', '不超过100字 (at most 100 characters)');
    const details = v.diagnosis || v.drugHistory || v.notes ? { diagnosis: v.diagnosis || undefined, drugHistory: v.drugHistory || undefined, notes: v.notes || undefined } : null;
    result.push({
      communityId, category: v.category ?? '', kind: kind ?? 'PERSON', displayName: v.displayName ?? '', riskLevel, responsibleUserId,
      guardianLetter, responsibilityLetter, startDate: v.startDate ?? '', idNumber, details,
    });
  }
  if (problems.length > 0) {
    const shown = problems.slice(0, 50).map((p) => `第${p.row}行「${p.column}」: ${p.message}`).join('; ');
    const more = problems.length > 50 ? `; 另有 ${problems.length - 50} 处问题` : '';
    throw new BadRequestError(`导入失败，未保存任何数据 (import rejected, nothing saved): ${shown}${more}`, 'import_invalid');
  }
  return result;
}

export async function buildLedgerWorkbook(subjects: LedgerSubjectView[], communityNames: Map<string, string>): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('台账');
  sheet.addRow(['社区（村）', '类别', '类型', '姓名或名称', '风险等级', '身份证号（脱敏）', '监护责任书', '责任书', '开始日期', '结束日期']);
  sheet.getRow(1).font = { bold: true };
  const riskName: Record<string, string> = { low: '低', medium: '中', high: '高' };
  for (const s of subjects) {
    sheet.addRow([
      communityNames.get(s.communityId) ?? s.communityId, s.category, s.kind === 'PERSON' ? '人员' : '场所', s.displayName,
      s.riskLevel ? riskName[s.riskLevel] ?? s.riskLevel : '', s.idNumberMasked ?? '', s.guardianLetter ? '是' : '否',
      s.responsibilityLetter ? '是' : '否', s.startDate, s.endDate ?? '',
    ]);
  }
  sheet.columns.forEach((c) => { c.width = 16; });
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
