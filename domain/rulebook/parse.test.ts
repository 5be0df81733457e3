import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MINIMAL_RULEBOOK_YAML, rulebookYaml } from '../testing/minimal-rulebook';
import { RulebookError } from './errors';
import { parseRulebook } from './parse';
import { effectiveRulebook, versionSpans } from './versions';

const FILE = 'rulebooks/2022.yaml';

/** The problems parseRulebook reports for this text (fails the test if it parses). */
function problemsOf(text: string): readonly string[] {
  try {
    parseRulebook(text, FILE);
  } catch (error) {
    expect(error).toBeInstanceOf(RulebookError);
    return (error as RulebookError).problems;
  }
  throw new Error('expected the rulebook to be rejected');
}

type Rule = Record<string, unknown>;
const withRule = (index: number, edit: (rule: Rule) => void) => rulebookYaml((doc) => edit(doc.rules[index]!));

describe('parseRulebook accepts valid rulebooks', () => {
  it('parses the minimal rulebook and applies defaults', () => {
    const rulebook = parseRulebook(MINIMAL_RULEBOOK_YAML, 'min.yaml');
    const rule = rulebook.rules[0]!;
    expect(rule.reminders).toEqual(['-P7D', '-P1D', 'PT0S']);
    expect(rule.escalation.name).toBe('standard');
    expect(rule.clauseId).toBe('fraud.monthly-work');
    expect(rule.clause).toBe('每月未开展宣传、摸排相关工作，每次扣1分');
    expect(rule.sectionTitle).toBe('防电信诈骗');
    expect(rule.cadence).toEqual({ every: 'month', count: 1, regular: false });
  });

  it('parses the real 2022 rulebook', () => {
    const text = readFileSync(new URL('../../rulebooks/2022.yaml', import.meta.url), 'utf8');
    const rulebook = parseRulebook(text, FILE);
    expect(rulebook.year).toBe(2022);
    expect(new Set(rulebook.rules.map((r) => r.section))).toEqual(new Set([1, 2, 3, 4, 5, 6, 7]));
    expect(rulebook.rules.find((r) => r.id === 'fire.drill')?.cadence).toEqual({ every: 'quarter', count: 1, regular: true });
    expect(rulebook.rules.find((r) => r.id === 'road.app-entry')?.cadence).toEqual({ every: 'month', count: 1, regular: true });
    expect(rulebook.rules.find((r) => r.id === 'stability.window-control')?.windows).toEqual([
      'national-day',
      'spring-festival',
      'two-sessions',
      'party-congress-20',
    ]);
  });
});

describe('parseRulebook rejects malformed rulebooks with precise messages', () => {
  it('names file, rule and field for a bad enum value', () => {
    const text = withRule(0, (r) => (r.cadence = { every: 'week', count: 1 }));
    expect(problemsOf(text)).toEqual([
      'rulebooks/2022.yaml: rule fraud.publicity: cadence.every must be one of month|half-month|quarter|year',
    ]);
  });

  it('reports a missing field, an unknown field and a wrong type', () => {
    const text = withRule(0, (r) => {
      delete r.deduction;
      r.cadance = 'month';
      r.section = 'two';
    });
    expect(problemsOf(text)).toEqual([
      'rulebooks/2022.yaml: rule fraud.publicity: section must be a number',
      'rulebooks/2022.yaml: rule fraud.publicity: deduction is required',
      'rulebooks/2022.yaml: rule fraud.publicity: cadance is not a known field',
    ]);
  });

  it('collects every problem of every rule and of the settings in one error', () => {
    const text = rulebookYaml((doc) => {
      doc.rules[0]!.deduction = { amount: -1, basis: 'per-month' };
      doc.rules[1]!.evidence = { minCount: 1, types: ['selfie'] };
      (doc.settings.seasons as Rule[])[0]!.start = '5-1';
      doc.timezone = 'UTC';
    });
    expect(problemsOf(text)).toEqual([
      'rulebooks/2022.yaml: timezone must be Asia/Shanghai',
      'rulebooks/2022.yaml: settings.seasons[0].start must be a month-day like 06-01',
      'rulebooks/2022.yaml: rule fraud.publicity: deduction.amount must be at least 0',
      'rulebooks/2022.yaml: rule fraud.publicity: deduction.basis must be one of per-period|per-subject|per-occurrence',
      'rulebooks/2022.yaml: rule drugs.visit: evidence.types[0] must be one of photo|document|sign-in-sheet|visit-record|signed-letter|app-record|check-in|report',
    ]);
  });

  it('rejects duplicate rule ids', () => {
    const text = rulebookYaml((doc) => doc.rules.push({ ...doc.rules[0]! }));
    expect(problemsOf(text)).toEqual(['rulebooks/2022.yaml: rule fraud.publicity: id is used twice (rules[0] and rules[3])']);
  });

  it('rejects reminders after the deadline and bad durations', () => {
    const text = withRule(0, (r) => (r.reminders = ['P1D', '-P1M', '-PT2H']));
    expect(problemsOf(text)).toEqual([
      'rulebooks/2022.yaml: rule fraud.publicity: reminders[1] must be an ISO 8601 duration like -P7D, -PT2H or PT0S',
    ]);
    const after = withRule(0, (r) => (r.reminders = ['-P1D', 'P1D']));
    expect(problemsOf(after)).toEqual(['rulebooks/2022.yaml: rule fraud.publicity: reminders[1] must not be after the deadline (got P1D)']);
  });

  it('checks what each kind needs and forbids', () => {
    const text = rulebookYaml((doc) => {
      delete doc.rules[0]!.cadence;
      doc.rules[0]!.season = 'flood';
      doc.rules[1]!.cadence = { every: 'month' };
      doc.rules[2]!.season = 'rainy';
    });
    expect(problemsOf(text)).toEqual([
      'rulebooks/2022.yaml: rule fraud.publicity: cadence is required for kind periodic',
      'rulebooks/2022.yaml: rule fraud.publicity: season is not allowed for kind periodic',
      'rulebooks/2022.yaml: rule drugs.visit: cadence is not allowed for kind visit',
      'rulebooks/2022.yaml: rule flood.duty: season: no season rainy in settings.seasons',
    ]);
  });

  it('checks references, bases and half-point amounts', () => {
    const text = rulebookYaml((doc) => {
      doc.rules[0]!.deduction = { amount: 0.3, basis: 'per-occurrence' };
      doc.rules[0]!.escalation = 'loud';
      doc.rules[0]!.section = 9;
      doc.rules[1]!.subjects = 'alien';
    });
    expect(problemsOf(text)).toEqual([
      'rulebooks/2022.yaml: rule fraud.publicity: section 9 is not listed in sections',
      'rulebooks/2022.yaml: rule fraud.publicity: deduction.basis must be one of per-period for kind periodic',
      'rulebooks/2022.yaml: rule fraud.publicity: deduction.amount must be a multiple of 0.5',
      'rulebooks/2022.yaml: rule fraud.publicity: escalation: no escalation policy named loud',
      'rulebooks/2022.yaml: rule fraud.publicity: deduction.amount 0.3 differs from amount 1 of clause fraud.monthly-work (每月未开展宣传、摸排相关工作，每次扣1分)',
      'rulebooks/2022.yaml: rule fraud.publicity: section 9 / item 防电信诈骗 differ from clause fraud.monthly-work (section 2 / item 防电信诈骗)',
      'rulebooks/2022.yaml: rule drugs.visit: subjects: no subject category alien in settings.subjectCategories',
    ]);
  });

  it('holds each clause to its wording and each rule to its clause', () => {
    const text = rulebookYaml((doc) => {
      const clauses = doc.clauses as Rule[];
      clauses[0]!.counting = 'per-year'; // the wording says 每月
      clauses[1]!.amount = 2; // the text says 扣1分
      clauses[2]!.counting = 'per-occurrence';
      clauses[2]!.countingReason = '按日值守，每日单独计分';
      clauses.push({ id: 'orphan', section: 6, item: '防汛', amount: 1, counting: 'per-year', text: '未建立防汛救援队伍扣1分' });
      doc.rules[0]!.clause = 'nowhere';
      doc.rules[2]!.item = '铁路安全';
    });
    expect(problemsOf(text)).toEqual([
      'rulebooks/2022.yaml: clause fraud.monthly-work: counting per-year differs from the wording, which reads per-month; add countingReason to read it otherwise',
      'rulebooks/2022.yaml: clause drugs.visit: amount 2 differs from the 1 its text says (不按期开展走访每次扣1分)',
      'rulebooks/2022.yaml: rule fraud.publicity: clause: no clause nowhere in clauses',
      'rulebooks/2022.yaml: rule drugs.visit: deduction.amount 1 differs from amount 2 of clause drugs.visit (不按期开展走访每次扣1分)',
      'rulebooks/2022.yaml: rule flood.duty: section 6 / item 铁路安全 differ from clause flood.duty (section 6 / item 防汛)',
      'rulebooks/2022.yaml: clause fraud.monthly-work: no rule enforces it (give a rule clause: fraud.monthly-work, or remove the clause)',
      'rulebooks/2022.yaml: clause orphan: no rule enforces it (give a rule clause: orphan, or remove the clause)',
    ]);
  });

  it('wants a clause exactly on the rules that deduct', () => {
    const text = rulebookYaml((doc) => {
      delete doc.rules[0]!.clause;
      doc.rules[1]!.deduction = { amount: 0, basis: 'per-subject' };
    });
    expect(problemsOf(text)).toEqual([
      'rulebooks/2022.yaml: rule fraud.publicity: clause is required when deduction.amount is above 0 (the id of the clause in clauses)',
      'rulebooks/2022.yaml: rule drugs.visit: clause must be left out when deduction.amount is 0 (the rule deducts nothing)',
      'rulebooks/2022.yaml: rule drugs.visit: deduction.amount 0 differs from amount 1 of clause drugs.visit (不按期开展走访每次扣1分)',
      'rulebooks/2022.yaml: clause fraud.monthly-work: no rule enforces it (give a rule clause: fraud.monthly-work, or remove the clause)',
    ]);
  });

  it('names a rule without an id by its position', () => {
    const text = withRule(1, (r) => delete r.id);
    expect(problemsOf(text)).toEqual(['rulebooks/2022.yaml: rules[1]: id is required']);
  });

  it('reports YAML syntax errors with their line', () => {
    const problems = problemsOf('year: 2022\nrules: [\n  - a\n');
    expect(problems[0]).toMatch(/^rulebooks\/2022\.yaml: line \d+, column \d+: YAML syntax error: /);
    expect(problemsOf('')).toEqual(['rulebooks/2022.yaml: the file is empty']);
  });

  it('rejects an effectiveFrom outside the rulebook year', () => {
    const text = rulebookYaml((doc) => (doc.effectiveFrom = '2021-12-31'));
    expect(problemsOf(text)).toEqual(['rulebooks/2022.yaml: effectiveFrom must be a day of 2022']);
  });
});

describe('rulebook versions', () => {
  const v1 = parseRulebook(MINIMAL_RULEBOOK_YAML, 'v1.yaml');
  const v2 = parseRulebook(
    rulebookYaml((doc) => {
      doc.version = 2;
      doc.effectiveFrom = '2022-07-15';
    }),
    'v2.yaml',
  );

  it('picks the latest version in force at the instant, in Shanghai time', () => {
    expect(effectiveRulebook([v2, v1], new Date('2022-07-14T15:59:59Z'))?.version).toBe(1);
    // 2022-07-14T16:00Z is 00:00 on July 15 in Shanghai.
    expect(effectiveRulebook([v2, v1], new Date('2022-07-14T16:00:00Z'))?.version).toBe(2);
    expect(effectiveRulebook([v1, v2], new Date('2023-01-05T00:00:00Z'))).toBeUndefined();
  });

  it('gives each version the span until the next one takes effect', () => {
    const spans = versionSpans([v2, v1]);
    expect(spans.map((s) => [s.rulebook.version, s.from.toISOString(), s.until.toISOString()])).toEqual([
      [1, '2021-12-31T16:00:00.000Z', '2022-07-14T16:00:00.000Z'],
      [2, '2022-07-14T16:00:00.000Z', '2022-12-31T16:00:00.000Z'],
    ]);
  });
});

describe('messages for values of the wrong shape', () => {
  it('says what a cadence may be when it is neither "regular" nor a mapping', () => {
    const text = withRule(0, (r) => (r.cadence = 'weekly'));
    expect(problemsOf(text)).toEqual(['rulebooks/2022.yaml: rule fraud.publicity: cadence must be regular or a mapping']);
  });

  it('explains a sensitive window day given in the wrong form', () => {
    const text = rulebookYaml((doc) => {
      (doc.settings.sensitiveWindows as Rule[])[0]!.start = { solar: '10-1' };
    });
    expect(problemsOf(text)).toEqual(['rulebooks/2022.yaml: settings.sensitiveWindows[0].start.solar must be a month-day like 06-01']);
  });
});

describe('sensitive windows stay inside their rulebook year', () => {
  it('rejects days after that push a window into the next year', () => {
    const text = rulebookYaml((doc) => {
      (doc.settings.sensitiveWindows as Rule[])[0]!.end = { solar: '12-30' };
      (doc.settings.sensitiveWindows as Rule[])[0]!.daysAfter = 5;
    });
    expect(problemsOf(text)).toEqual([
      'rulebooks/2022.yaml: settings.sensitiveWindows[0]: with daysBefore/daysAfter the window leaves 2022',
    ]);
  });
});
