/**
 * What a rubric clause's own words say about its arithmetic: the amount in
 * 扣N分 and how often it may be deducted. The rulebook's cross-checks hold
 * every clause to this reading unless it states a `countingReason`.
 */
import type { ClauseCounting } from './types';

export interface ClauseWording {
  /** N of the final 扣N分, undefined when the text does not end so */
  readonly amount: number | undefined;
  readonly counting: ClauseCounting;
}

export function readClauseWording(text: string): ClauseWording {
  const match = /扣(\d+(?:\.\d+)?)分$/.exec(text.trim());
  // 每月…: once per month named; 每次 / 出现一起 / 发生一起: every occurrence; otherwise one amount for the year.
  const counting: ClauseCounting = text.includes('每月') ? 'per-month' : /每次|一起/.test(text) ? 'per-occurrence' : 'per-year';
  return { amount: match ? Number(match[1]) : undefined, counting };
}
