/**
 * The ledger fields rules may require (rulebook `ledger.requiredFields`), with
 * the Chinese names people read in check results, forms and spreadsheets.
 * One list for the completeness check, the API, the Excel template and the UI.
 */
import type { Rulebook } from '../rulebook/types';

/** Field key -> Chinese name. `name`, `idNumber` and `severity` are the entry's own columns; the rest are free-text ledger fields. */
export const LEDGER_FIELD_LABELS: Readonly<Record<string, string>> = {
  name: '姓名/名称',
  idNumber: '身份证号',
  severity: '轻重程度（风险等级）',
  address: '住址',
  guardian: '监护人',
  releaseDate: '释放日期',
  situation: '具体情况',
  grievance: '信访诉求',
  parties: '当事人',
  summary: '纠纷简要情况',
  reportedOn: '排查日期',
  status: '化解状态',
  location: '位置',
  description: '隐患情况',
  foundOn: '发现日期',
  measures: '整改措施',
  operator: '经营者',
  lastCheckedOn: '最近检查日期',
};

/** The free-text fields an entry can carry (stored unencrypted in LedgerSubject.fields; the ID number and diagnoses stay encrypted). */
export const LEDGER_TEXT_FIELDS = [
  'address',
  'guardian',
  'releaseDate',
  'situation',
  'grievance',
  'parties',
  'summary',
  'reportedOn',
  'status',
  'location',
  'description',
  'foundOn',
  'measures',
  'operator',
  'lastCheckedOn',
] as const;
export type LedgerTextField = (typeof LEDGER_TEXT_FIELDS)[number];

/** Fields holding a civil date ('YYYY-MM-DD'). */
export const LEDGER_DATE_FIELDS: readonly LedgerTextField[] = ['releaseDate', 'reportedOn', 'foundOn', 'lastCheckedOn'];

/** A dispute's state (矛盾纠纷化解状态): follow-up is owed while it is not resolved. */
export const DISPUTE_STATUSES = { unresolved: '未化解', resolving: '化解中', resolved: '已化解' } as const;
export type DisputeStatus = keyof typeof DISPUTE_STATUSES;

/** Markers the rulebook reads from an entry. */
export const LEDGER_FLAGS = { 'incident-prone': '易肇事肇祸' } as const;
export type LedgerFlag = keyof typeof LEDGER_FLAGS;

export function ledgerFieldLabel(field: string): string {
  return LEDGER_FIELD_LABELS[field] ?? field;
}

/** Whether an entry is settled for good (a resolved dispute): no more follow-up visits are owed for it. */
export function isResolved(fields: Readonly<Record<string, unknown>> | undefined): boolean {
  return fields?.status === 'resolved';
}

/** Ledgers of places rather than people: their empty declaration reads 本社区无此类场所. */
const SITE_CATEGORIES: readonly string[] = ['key-venue', 'work-safety-hazard', 'food-workshop', 'fire-hazard'];

export interface LedgerCategory {
  readonly code: string;
  /** e.g. 信访重点人员 */
  readonly name: string;
  readonly kind: 'PERSON' | 'SITE';
  /** every field some ledger rule of the category requires, in rulebook order */
  readonly requiredFields: readonly string[];
  /** whether the rulebook checks a responsible worker (网格员 / 一盯一管控人) */
  readonly requiresResponsibleWorker: boolean;
  /** visits depend on the risk level (轻度/中度/重度) */
  readonly visitedByRisk: boolean;
}

/** The ledger categories of a rulebook with what its ledger rules ask of each entry. */
export function ledgerCategories(rulebook: Rulebook): LedgerCategory[] {
  return Object.entries(rulebook.settings.subjectCategories).map(([code, category]) => {
    const rules = rulebook.rules.filter((r) => r.kind === 'ledger' && r.subjects === code && r.ledger);
    return {
      code,
      name: category.name,
      kind: SITE_CATEGORIES.includes(code) ? 'SITE' : 'PERSON',
      requiredFields: [...new Set(rules.flatMap((r) => r.ledger!.requiredFields))],
      requiresResponsibleWorker: rules.some((r) => r.ledger!.requireResponsibleWorker),
      visitedByRisk: category.visits !== undefined,
    };
  });
}
