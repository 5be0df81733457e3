// Ledger spreadsheets in one Chinese template (列名、类别、风险等级 in Chinese),
// the same for import and export, so an exported file can be edited and sent
// back. Import is all-or-nothing: every row is checked first and each problem
// names its row and column; nothing is saved if any fails (a dry run returns
// the problems for the page to show). Export is a report: ID numbers masked,
// sensitive details left out.
import ExcelJS from 'exceljs';
import type { LedgerSubjectView, NewLedgerSubject } from '../../db/ledger-repository';
import { DISPUTE_STATUSES, LEDGER_DATE_FIELDS, LEDGER_TEXT_FIELDS, type LedgerCategory, type LedgerTextField } from '../../domain';
import { BadRequestError } from '../errors';
import { idNumberProblem } from './id-number';
import type { ZipLimits } from './evidence/zip-guard';

/** The media type of an .xlsx file (the import's request body, the export's answer). */
export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
export const MAX_IMPORT_ROWS = 2000;
/** Measured: 2,000 filled rows of the template are about 95 KB as .xlsx, 1 MB unpacked (ratio 11); these leave ample room. */
export const IMPORT_BODY_LIMIT = 2 * 1024 * 1024;
export const IMPORT_ZIP_LIMITS: ZipLimits = { maxUncompressedBytes: 32 * 1024 * 1024, maxRatio: 100, maxEntries: 200 };

/** Column header -> field, in template order. The first row of the sheet must hold these headers (unknown ones are ignored). */
export const LEDGER_COLUMNS = {
  类别: 'category',
  类型: 'kind',
  姓名或名称: 'displayName',
  风险等级: 'riskLevel',
  身份证号: 'idNumber',
  责任网格员: 'responsible',
  // The rulebook's fields under their names in LEDGER_FIELD_LABELS (test/api/ledgers.test.ts keeps the two equal).
  住址: 'address',
  监护人: 'guardian',
  释放日期: 'releaseDate',
  具体情况: 'situation',
  信访诉求: 'grievance',
  当事人: 'parties',
  纠纷简要情况: 'summary',
  排查日期: 'reportedOn',
  化解状态: 'status',
  位置: 'location',
  隐患情况: 'description',
  发现日期: 'foundOn',
  整改措施: 'measures',
  经营者: 'operator',
  最近检查日期: 'lastCheckedOn',
  易肇事肇祸: 'incidentProne',
  监护责任书: 'guardianLetter',
  责任书: 'responsibilityLetter',
  开始日期: 'startDate',
  诊断: 'diagnosis',
  吸毒史: 'drugHistory',
  备注: 'notes',
} as const;
type Field = (typeof LEDGER_COLUMNS)[keyof typeof LEDGER_COLUMNS];
const TEXT_FIELDS = LEDGER_TEXT_FIELDS;
const REQUIRED: Field[] = ['category', 'displayName', 'startDate'];
const KINDS: Record<string, 'PERSON' | 'SITE'> = { 人员: 'PERSON', 场所: 'SITE', PERSON: 'PERSON', SITE: 'SITE' };
const RISK: Record<string, string> = {
  低: 'low',
  中: 'medium',
  高: 'high',
  轻度: 'low',
  中度: 'medium',
  重度: 'high',
  low: 'low',
  medium: 'medium',
  high: 'high',
};
const RISK_NAME: Record<string, string> = { low: '轻度', medium: '中度', high: '重度' };
const STATUS_CODE = new Map<string, string>(
  Object.entries(DISPUTE_STATUSES).flatMap(([code, name]) => [
    [name, code],
    [code, code],
  ]),
);
const YES = new Set(['是', 'Y', 'YES', 'TRUE', '1']);
const NO = new Set(['否', 'N', 'NO', 'FALSE', '0', '']);

export interface ImportProblem {
  row: number;
  column: string;
  message: string;
}
export interface ImportCheck {
  rows: NewLedgerSubject[];
  problems: ImportProblem[];
}

function cellText(cell: ExcelJS.Cell): string {
  const v = cell.value;
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  return (cell.text ?? '').trim();
}

/** Every row checked; the problems listed by row and column (Chinese). Throws only when the file itself is unusable. */
export async function checkLedgerWorkbook(
  data: Buffer,
  communityId: string,
  categories: readonly LedgerCategory[],
  membersByUsername: (usernames: string[]) => Promise<Map<string, string>>,
): Promise<ImportCheck> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(data as unknown as ExcelJS.Buffer);
  } catch {
    throw new BadRequestError('无法读取文件：请上传 .xlsx 格式的 Excel 文件 (not a readable .xlsx file)', 'bad_file');
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) throw new BadRequestError('文件中没有工作表，请使用导出的台账模板', 'bad_file');
  const columns = new Map<number, { header: string; field: Field }>();
  sheet.getRow(1).eachCell((cell, col) => {
    const header = cellText(cell) as keyof typeof LEDGER_COLUMNS;
    if (LEDGER_COLUMNS[header]) columns.set(col, { header, field: LEDGER_COLUMNS[header] });
  });
  const missing = REQUIRED.filter((f) => ![...columns.values()].some((c) => c.field === f));
  if (missing.length > 0) {
    const names = Object.entries(LEDGER_COLUMNS)
      .filter(([, f]) => missing.includes(f))
      .map(([h]) => h);
    throw new BadRequestError(`第1行缺少表头：${names.join('、')}（请使用导出的台账模板）`, 'import_invalid');
  }

  const raw: Array<{ row: number; values: Partial<Record<Field, string>> }> = [];
  sheet.eachRow((row, rowNumber) => {
    if (rowNumber === 1) return;
    const values: Partial<Record<Field, string>> = {};
    for (const [col, { field }] of columns) values[field] = cellText(row.getCell(col));
    if (Object.values(values).some((v) => v)) raw.push({ row: rowNumber, values });
  });
  if (raw.length === 0) throw new BadRequestError('表中没有数据行：请从第2行起每行填写一人（一处）', 'import_invalid');
  if (raw.length > MAX_IMPORT_ROWS) throw new BadRequestError(`一次最多导入 ${MAX_IMPORT_ROWS} 行，请分成几个文件`, 'import_invalid');

  const usernames = [...new Set(raw.map((r) => r.values.responsible).filter((u): u is string => !!u))];
  const members = await membersByUsername(usernames);
  const headerOf = (f: Field) => Object.entries(LEDGER_COLUMNS).find(([, x]) => x === f)![0];
  // A category by its Chinese name (涉毒人员) or its code (drug-user).
  const categoryByText = new Map(
    categories.flatMap(
      (c) =>
        [
          [c.name, c],
          [c.code, c],
        ] as const,
    ),
  );
  const problems: ImportProblem[] = [];
  const rows: NewLedgerSubject[] = [];
  for (const { row, values: v } of raw) {
    const bad = (f: Field, message: string) => problems.push({ row, column: headerOf(f), message });
    for (const f of REQUIRED) if (!v[f]) bad(f, '必填');
    const category = v.category ? categoryByText.get(v.category) : undefined;
    if (v.category && !category) bad('category', `应为以下类别之一：${categories.map((c) => c.name).join('、')}`);
    const kind = v.kind ? (KINDS[v.kind.toUpperCase()] ?? KINDS[v.kind]) : category?.kind;
    if (v.kind && !kind) bad('kind', '应为“人员”或“场所”');
    const riskLevel = v.riskLevel ? (RISK[v.riskLevel] ?? null) : null;
    if (v.riskLevel && !riskLevel) bad('riskLevel', '应为 轻度/中度/重度');
    const idNumber = v.idNumber ? v.idNumber.toUpperCase() : null;
    const idProblem = idNumber?.includes('*')
      ? '这是脱敏后的号码，请填写完整身份证号或留空'
      : idNumber
        ? idNumberProblem(idNumber)
        : undefined;
    if (idProblem) bad('idNumber', idProblem);
    const responsibleUserId = v.responsible ? (members.get(v.responsible) ?? null) : null;
    if (v.responsible && !responsibleUserId) bad('responsible', `用户 ${v.responsible} 不是本社区（村）的在岗人员（请填写登录用户名）`);
    const flag = (f: 'guardianLetter' | 'responsibilityLetter' | 'incidentProne') => {
      const s = (v[f] ?? '').toUpperCase();
      if (YES.has(s)) return true;
      if (!NO.has(s)) bad(f, '应为“是”或“否”');
      return false;
    };
    const guardianLetter = flag('guardianLetter');
    const responsibilityLetter = flag('responsibilityLetter');
    const incidentProne = flag('incidentProne');
    const isDate = (s: string) => /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(s));
    if (v.startDate && !isDate(v.startDate)) bad('startDate', '日期格式应为 YYYY-MM-DD，如 2026-03-01');
    if (v.displayName && v.displayName.length > 100) bad('displayName', '不超过100字');
    const fields: Record<string, string> = {};
    for (const f of TEXT_FIELDS) {
      const value = v[f];
      if (!value) continue;
      if (LEDGER_DATE_FIELDS.includes(f) && !isDate(value)) bad(f, '日期格式应为 YYYY-MM-DD，如 2026-03-01');
      else if (value.length > 2000) bad(f, '不超过2000字');
      if (f === 'status') {
        const code = STATUS_CODE.get(value);
        if (!code) bad(f, `应为 ${Object.values(DISPUTE_STATUSES).join('/')}`);
        fields[f] = code ?? value;
      } else {
        fields[f] = value;
      }
    }
    const details =
      v.diagnosis || v.drugHistory || v.notes
        ? { diagnosis: v.diagnosis || undefined, drugHistory: v.drugHistory || undefined, notes: v.notes || undefined }
        : null;
    rows.push({
      communityId,
      category: category?.code ?? '',
      kind: kind ?? 'PERSON',
      displayName: v.displayName ?? '',
      riskLevel,
      responsibleUserId,
      guardianLetter,
      responsibilityLetter,
      startDate: v.startDate ?? '',
      idNumber,
      details,
      fields,
      flags: incidentProne ? ['incident-prone'] : [],
    });
  }
  return { rows, problems };
}

/** The rows to save, or one 400 listing every problem (at most 50 shown) when any row is wrong. */
export async function parseLedgerWorkbook(...args: Parameters<typeof checkLedgerWorkbook>): Promise<NewLedgerSubject[]> {
  const { rows, problems } = await checkLedgerWorkbook(...args);
  if (problems.length > 0) {
    const shown = problems
      .slice(0, 50)
      .map((p) => `第${p.row}行「${p.column}」：${p.message}`)
      .join('；');
    const more = problems.length > 50 ? `；另有 ${problems.length - 50} 处问题` : '';
    throw new BadRequestError(`导入失败，未保存任何数据：${shown}${more}`, 'import_invalid');
  }
  return rows;
}

/** The import template's columns first (so the file can be edited and imported again), then 社区（村） and 结束日期. */
export async function buildLedgerWorkbook(
  subjects: LedgerSubjectView[],
  names: { communityNames: Map<string, string>; categories: readonly LedgerCategory[]; usernames: Map<string, string> },
): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('台账');
  sheet.addRow([...Object.keys(LEDGER_COLUMNS), '社区（村）', '结束日期']);
  sheet.getRow(1).font = { bold: true };
  const categoryName = new Map(names.categories.map((c) => [c.code, c.name]));
  const yesNo = (b: boolean) => (b ? '是' : '否');
  for (const s of subjects) {
    const value: Record<Field, string> = {
      category: categoryName.get(s.category) ?? s.category,
      kind: s.kind === 'PERSON' ? '人员' : '场所',
      displayName: s.displayName,
      riskLevel: s.riskLevel ? (RISK_NAME[s.riskLevel] ?? s.riskLevel) : '',
      idNumber: s.idNumberMasked ?? '',
      responsible: s.responsibleUserId ? (names.usernames.get(s.responsibleUserId) ?? '') : '',
      ...(Object.fromEntries(TEXT_FIELDS.map((f) => [f, s.fields[f] ?? ''])) as Record<LedgerTextField, string>),
      status: s.fields.status ? (DISPUTE_STATUSES[s.fields.status as keyof typeof DISPUTE_STATUSES] ?? s.fields.status) : '',
      incidentProne: yesNo(s.flags.includes('incident-prone')),
      guardianLetter: yesNo(s.guardianLetter),
      responsibilityLetter: yesNo(s.responsibilityLetter),
      startDate: s.startDate,
      diagnosis: '',
      drugHistory: '',
      notes: '',
    };
    sheet.addRow([...Object.values(LEDGER_COLUMNS).map((f) => value[f]), names.communityNames.get(s.communityId) ?? '', s.endDate ?? '']);
  }
  sheet.columns.forEach((c) => {
    c.width = 16;
  });
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
