/**
 * Business keys. One function per key so the format lives in one place:
 * they end up in database unique constraints and Temporal workflow ids.
 */

const SEPARATOR = '|';

function checkPart(name: string, value: string): string {
  if (value === '' || value.includes(SEPARATOR)) {
    throw new RangeError(`${name} must be non-empty and must not contain "${SEPARATOR}": "${value}"`);
  }
  return value;
}

/** ruleId|communityId|periodKey[|subjectId] */
export function obligationKey(ruleId: string, communityId: string, periodKey: string, subjectId?: string): string {
  const parts = [checkPart('ruleId', ruleId), checkPart('communityId', communityId), checkPart('periodKey', periodKey)];
  if (subjectId !== undefined) parts.push(checkPart('subjectId', subjectId));
  return parts.join(SEPARATOR);
}

/** ruleId|communityId|occurrenceId, for incidents recorded by officials. */
export function occurrenceKey(ruleId: string, communityId: string, occurrenceId: string): string {
  return [checkPart('ruleId', ruleId), checkPart('communityId', communityId), checkPart('occurrenceId', occurrenceId)].join(SEPARATOR);
}

export interface ParsedObligationKey {
  readonly ruleId: string;
  readonly communityId: string;
  readonly periodKey: string;
  readonly subjectId?: string;
}

export function parseObligationKey(key: string): ParsedObligationKey | undefined {
  const parts = key.split(SEPARATOR);
  if (parts.length < 3 || parts.length > 4 || parts.some((p) => p === '')) return undefined;
  const [ruleId, communityId, periodKey, subjectId] = parts as [string, string, string, string | undefined];
  return { ruleId, communityId, periodKey, ...(subjectId !== undefined ? { subjectId } : {}) };
}
