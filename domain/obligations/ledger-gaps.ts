/**
 * The automatic ledger check (台账信息不全): what is missing from a ledger on
 * a given day. Runs at each ledger rule's assessment points, so a deduction
 * for an incomplete ledger is never only someone's impression.
 */
import type { Rule } from '../rulebook/types';
import { addDays, type CivilDate, parseCivilDate, startOfDay } from '../time/shanghai';
import { ledgerFieldLabel } from './ledger-fields';
import type { LedgerSubject } from './types';

export type LedgerGap =
  | { readonly kind: 'empty-ledger'; readonly description: string }
  | { readonly kind: 'missing-field'; readonly subjectId: string; readonly field: string; readonly description: string }
  | { readonly kind: 'no-responsible-worker'; readonly subjectId: string; readonly description: string }
  | { readonly kind: 'missing-document'; readonly subjectId: string; readonly document: string; readonly description: string };

function isBlank(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

function onLedgerOn(subject: LedgerSubject, day: CivilDate): boolean {
  const at = startOfDay(day);
  const joined = startOfDay(parseCivilDate(subject.startDate));
  const left = subject.endDate ? startOfDay(addDays(parseCivilDate(subject.endDate), 1)) : undefined;
  return joined <= at && (left === undefined || at < left);
}

export interface LedgerCheckOptions {
  /** the community declared this year, with a file, that it has no one of this category (本社区无此类人员/场所) */
  readonly declaredEmpty?: boolean;
}

/**
 * Whether the rule asks for the ledger itself (its fields), so that an empty
 * one is 未建立. Rules about each person or venue (一盯一 controllers, signed
 * letters) owe nothing where there is no one.
 */
function asksForLedger(rule: Rule): boolean {
  return rule.ledger!.requiredFields.length > 0 && !rule.ledger!.requiredDocument;
}

/** Gaps for one ledger rule, in subject order. An empty list means the ledger passes. */
export function findLedgerGaps(
  rule: Rule,
  subjects: readonly LedgerSubject[],
  day: CivilDate,
  options: LedgerCheckOptions = {},
): LedgerGap[] {
  if (rule.kind !== 'ledger' || !rule.ledger) throw new RangeError(`rule ${rule.id} is not a ledger rule`);
  const requirement = rule.ledger;
  const onLedger = subjects.filter((s) => s.category === rule.subjects && onLedgerOn(s, day));
  const label = (s: LedgerSubject) => s.name ?? s.id;

  if (onLedger.length === 0) {
    // 未建立, unless the community declared this year that there is truly no one (本社区无此类人员/场所).
    if (!asksForLedger(rule) || options.declaredEmpty) return [];
    return [{ kind: 'empty-ledger', description: '台账为空：未建立台账，或需声明“本社区（村）无此类人员/场所”并上传说明' }];
  }
  const gaps: LedgerGap[] = [];
  for (const subject of onLedger) {
    for (const field of requirement.requiredFields) {
      if (isBlank(subject.fields?.[field])) {
        gaps.push({
          kind: 'missing-field',
          subjectId: subject.id,
          field,
          description: `${label(subject)}：缺少“${ledgerFieldLabel(field)}”`,
        });
      }
    }
    if (requirement.requireResponsibleWorker && isBlank(subject.responsibleUserId)) {
      gaps.push({ kind: 'no-responsible-worker', subjectId: subject.id, description: `${label(subject)}：未落实责任人（网格员/管控人）` });
    }
    const document = requirement.requiredDocument;
    const needsDocument = document && (!document.forFlag || subject.flags?.includes(document.forFlag));
    if (document && needsDocument && !subject.documents?.includes(document.type)) {
      gaps.push({
        kind: 'missing-document',
        subjectId: subject.id,
        document: document.type,
        description: `${label(subject)}：未签订${document.name}`,
      });
    }
  }
  return gaps;
}
