/**
 * Reads the 2022 rubric itself and proves the rulebook encodes it: every
 * sentence of every 扣分标准 cell that ends in 扣N分 is a clause of the
 * rulebook, verbatim, under its section and item, with that amount and a
 * counting its wording allows, enforced by at least one rule of that amount.
 * The expectations come from the rubric text, not from a copy of it here.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseRulebook } from './parse';
import type { ClauseCounting } from './types';

const rubric = readFileSync(new URL('../../rulebooks/source/rubric-2022.zh.txt', import.meta.url), 'utf8');

interface RubricClause {
  section: number;
  item: string;
  text: string;
  amount: number;
  counting: ClauseCounting;
}

/**
 * The rubric as exported from the Word table: one tab-indented line per cell.
 * A row starts with its number (序号) and section title; a sub-item (安全生产,
 * 涉毒人员, …) is a short line without punctuation; the 扣分标准 cell is the
 * line that says 扣N分. A cell holds several clauses: each one ends in 扣N分.
 */
function readRubric(text: string): RubricClause[] {
  const clauses: RubricClause[] = [];
  let section = 0;
  let title = '';
  let item = '';
  for (const raw of text.split('\n')) {
    if (!raw.startsWith('\t')) continue;
    const cell = raw.trim();
    if (/^\d+$/.test(cell)) {
      section = Number(cell);
      title = '';
      item = '';
    } else if (section > 0 && /扣\d+(\.\d+)?分/.test(cell)) {
      for (const match of cell.matchAll(/[^，。,]*?(?:，[^，。,]*?)?扣(\d+(?:\.\d+)?)分/g)) {
        const sentence = match[0].replace(/^[，。,\s]+/, '');
        // 每月…每次 / 每月…: per month; 每次 or 一起 (出现一起, 发生一起): every occurrence; else once a year.
        const counting: ClauseCounting = sentence.includes('每月')
          ? 'per-month'
          : /每次|一起/.test(sentence)
            ? 'per-occurrence'
            : 'per-year';
        clauses.push({ section, item: item || title, text: sentence, amount: Number(match[1]), counting });
      }
    } else if (section > 0 && cell !== '' && !/[。，、.；：]/.test(cell)) {
      if (title === '') title = cell;
      else item = cell;
    }
  }
  return clauses;
}

const clauses = readRubric(rubric);

describe('the rubric file', () => {
  it('is the seed rubric, unchanged', () => {
    const seed = new URL('file:///work/shared/seed/rubric-2022.zh.txt');
    let original: string | undefined;
    try {
      original = readFileSync(seed, 'utf8');
    } catch {
      original = undefined; // outside the shared workspace the repo copy is the source
    }
    if (original !== undefined) expect(rubric).toBe(original);
  });

  it('reads as 64 clauses in 7 sections and 21 items', () => {
    expect(clauses).toHaveLength(64);
    expect(new Set(clauses.map((c) => c.section)).size).toBe(7);
    expect(new Set(clauses.map((c) => `${c.section} ${c.item}`)).size).toBe(21);
    // Spot checks of the reading: a clause with a comma inside, a half point, the 每月 clauses.
    expect(clauses).toContainEqual({
      section: 2,
      item: '防电信诈骗',
      text: '每月未开展宣传、摸排相关工作，每次扣1分',
      amount: 1,
      counting: 'per-month',
    });
    expect(clauses).toContainEqual({
      section: 7,
      item: '综合',
      text: '资料报送不及时每次扣0.5分',
      amount: 0.5,
      counting: 'per-occurrence',
    });
    expect(clauses).toContainEqual({ section: 6, item: '防汛', text: '未落实值班值守扣2分', amount: 2, counting: 'per-year' });
  });
});

describe.each(['2022', '2026'])('the %s rulebook encodes the 2022 rubric', (year) => {
  const rulebook = parseRulebook(readFileSync(new URL(`../../rulebooks/${year}.yaml`, import.meta.url), 'utf8'), `rulebooks/${year}.yaml`);

  it.each(clauses.map((c) => [`§${c.section} ${c.item}：${c.text}`, c] as const))('%s', (_name, expected) => {
    const clause = rulebook.clauses.find((c) => c.section === expected.section && c.item === expected.item && c.text === expected.text);
    expect(clause, 'a clause with this section, item and text').toBeDefined();
    expect(clause!.amount, 'amount').toBe(expected.amount);
    // The wording's counting, or an explicit, explained reading.
    if (clause!.counting !== expected.counting)
      expect(clause!.countingReason, `counting ${clause!.counting} without a reason, the wording reads ${expected.counting}`).toBeTruthy();
    const rules = rulebook.rules.filter((r) => r.clauseId === clause!.id);
    expect(rules.length, 'rules enforcing it').toBeGreaterThan(0);
    for (const rule of rules) expect({ rule: rule.id, amount: rule.deduction.amount }).toEqual({ rule: rule.id, amount: expected.amount });
  });

  it('has no clause the rubric does not say, and every rule that deducts points enforces one', () => {
    const said = new Set(clauses.map((c) => `${c.section}|${c.item}|${c.text}`));
    expect(rulebook.clauses.filter((c) => !said.has(`${c.section}|${c.item}|${c.text}`)).map((c) => c.id)).toEqual([]);
    expect(rulebook.rules.filter((r) => r.deduction.amount > 0 && r.clauseId === undefined).map((r) => r.id)).toEqual([]);
  });

  it('is read in docs/rulebook.md exactly as the rulebook counts it (id, counting, reason)', () => {
    const docs = readFileSync(new URL('../../docs/rulebook.md', import.meta.url), 'utf8');
    const table = docs.slice(docs.indexOf('<!-- clause-table'), docs.indexOf('<!-- /clause-table -->'));
    const listed = [...table.matchAll(/^\| `([^`]+)`\s*\|(.*)$/gm)].map((m) => {
      const cells = m[2]!.split('|').map((c) => c.trim());
      return { id: m[1], counting: cells[4], why: cells[6] };
    });
    expect(listed.map((r) => [r.id, r.counting])).toEqual(rulebook.clauses.map((c) => [c.id, c.counting]));
    for (const clause of rulebook.clauses.filter((c) => c.countingReason !== undefined)) {
      expect(listed.find((r) => r.id === clause.id)?.why, `reason of ${clause.id}`).toBe(clause.countingReason);
    }
  });

  it('quotes the rubric verbatim in every requirement', () => {
    const source = rubric.replace(/\s+/g, '');
    expect(
      rulebook.rules.filter((r) => r.requirement !== undefined && !source.includes(r.requirement.replace(/\s+/g, ''))).map((r) => r.id),
    ).toEqual([]);
  });
});
