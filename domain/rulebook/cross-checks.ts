/**
 * Checks that need more than one field: references between rules and
 * settings, what each kind of rule must and must not say, reminder offsets
 * before the deadline, unique ids, clauses read as their wording says and
 * rules that agree with the clause they point to.
 * Each problem is "<where>: <what>" where <where> is "rule <id>" or a settings path.
 */
import { parseMonthDay } from '../calendar/seasons';
import { resolveDayRef, sensitiveWindowInYear } from '../calendar/sensitive-windows';
import { durationMs } from '../time/duration';
import { daysInMonth } from '../time/shanghai';
import { readClauseWording } from './clause-wording';
import type { RuleInput, RulebookFileInput, SettingsInput } from './schema';
import type { RuleKind } from './types';

/** Fields that only make sense for some kinds. */
const KIND_FIELDS: Record<RuleKind, { required: Array<keyof RuleInput>; allowed: Array<keyof RuleInput> }> = {
  periodic: { required: ['cadence'], allowed: ['cadence'] },
  visit: { required: ['subjects'], allowed: ['subjects'] },
  ledger: { required: ['subjects', 'cadence'], allowed: ['subjects', 'cadence', 'ledger'] },
  'seasonal-duty': { required: ['season'], allowed: ['season', 'checkInBy'] },
  'sensitive-window': { required: ['windows'], allowed: ['windows', 'subjects'] },
  incident: { required: [], allowed: ['subjects'] },
  reporting: { required: [], allowed: [] },
  'one-off': { required: [], allowed: ['due'] },
};
const KIND_SPECIFIC_FIELDS: Array<keyof RuleInput> = ['cadence', 'subjects', 'ledger', 'season', 'windows', 'due', 'checkInBy'];

const BASES_BY_KIND: Record<RuleKind, ReadonlyArray<RuleInput['deduction']['basis']>> = {
  periodic: ['per-period'],
  visit: ['per-subject', 'per-period'],
  ledger: ['per-period'],
  'seasonal-duty': ['per-period'],
  'sensitive-window': ['per-period', 'per-subject'],
  incident: ['per-occurrence'],
  reporting: ['per-occurrence'],
  'one-off': ['per-period'],
};

/** Untimed kinds: no reminders or escalation, they are recorded by officials. */
const UNTIMED: ReadonlySet<RuleKind> = new Set(['incident']);

export interface IndexedRule {
  readonly index: number;
  readonly rule: RuleInput;
}

function isHalfPointMultiple(amount: number): boolean {
  return Math.abs(amount * 2 - Math.round(amount * 2)) < 1e-9;
}

export function checkSettings(settings: SettingsInput, year: number): string[] {
  const problems: string[] = [];
  if (!settings.escalationPolicies[settings.defaults.escalation]) {
    problems.push(`settings.defaults.escalation: no escalation policy named ${settings.defaults.escalation}`);
  }
  settings.defaults.reminders.forEach((offset, i) => {
    if (durationMs(offset) > 0) problems.push(`settings.defaults.reminders[${i}] must not be after the deadline (got ${offset})`);
  });
  for (const [name, policy] of Object.entries(settings.escalationPolicies)) {
    policy.steps.forEach((step, i) => {
      if (durationMs(step.wait) < 0) problems.push(`settings.escalationPolicies.${name}.steps[${i}].wait must not be negative`);
    });
    if (durationMs(policy.repeatEvery) <= 0) problems.push(`settings.escalationPolicies.${name}.repeatEvery must be longer than zero`);
  }
  const seen = new Set<string>();
  settings.seasons.forEach((season, i) => {
    if (seen.has(season.id)) problems.push(`settings.seasons[${i}].id ${season.id} is used twice`);
    seen.add(season.id);
    const start = parseMonthDay(season.start);
    const end = parseMonthDay(season.end);
    for (const [field, md] of [
      ['start', start],
      ['end', end],
    ] as const) {
      if (md.day > daysInMonth(year, md.month)) problems.push(`settings.seasons[${i}].${field} is not a day of ${year}`);
    }
    if (end.month * 100 + end.day < start.month * 100 + start.day) {
      problems.push(`settings.seasons[${i}].end must not be before start (a season may not cross the new year)`);
    }
  });
  settings.sensitiveWindows.forEach((window, i) => {
    if (seen.has(window.id)) problems.push(`settings.sensitiveWindows[${i}].id ${window.id} is used twice`);
    seen.add(window.id);
    try {
      const start = resolveDayRef(window.start, year);
      const end = resolveDayRef(window.end, year);
      if (start && end && end.year * 10000 + end.month * 100 + end.day < start.year * 10000 + start.month * 100 + start.day) {
        problems.push(`settings.sensitiveWindows[${i}].end must not be before start`);
      }
      if ((start === undefined) !== (end === undefined)) {
        problems.push(`settings.sensitiveWindows[${i}]: start and end must be in the same year`);
      } else if (start && end && end.year * 10000 + end.month * 100 + end.day >= start.year * 10000 + start.month * 100 + start.day) {
        // A window belongs to its year's rulebook; days before/after must not spill into another year.
        const span = sensitiveWindowInYear(window, year);
        if (span && (span.firstDay.year !== year || span.lastDay.year !== year)) {
          problems.push(`settings.sensitiveWindows[${i}]: with daysBefore/daysAfter the window leaves ${year}`);
        }
      }
    } catch (error) {
      problems.push(`settings.sensitiveWindows[${i}]: ${(error as Error).message}`);
    }
  });
  return problems;
}

/** `referenced`: clause ids named by any rule, also those that failed validation (so one bad rule is one message). */
export function checkRules(
  top: RulebookFileInput,
  settings: SettingsInput,
  rules: readonly IndexedRule[],
  referenced: ReadonlySet<string>,
): string[] {
  const problems: string[] = [];
  if (!top.effectiveFrom.startsWith(`${top.year}-`)) problems.push(`effectiveFrom must be a day of ${top.year}`);
  const sectionNumbers = new Set(top.sections.map((s) => s.number));
  top.sections.forEach((section, i) => {
    if (top.sections.findIndex((s) => s.number === section.number) !== i) {
      problems.push(`sections[${i}].number ${section.number} is used twice`);
    }
  });

  const firstIndexById = new Map<string, number>();
  const clauses = new Map(top.clauses.map((c) => [c.id, c]));
  const usedClauses = new Set<string>();
  problems.push(...checkClauses(top));
  const regularRuleIds = new Set<string>();

  for (const { index, rule } of rules) {
    const where = `rule ${rule.id}`;
    const say = (message: string) => problems.push(`${where}: ${message}`);

    const earlier = firstIndexById.get(rule.id);
    if (earlier !== undefined) say(`id is used twice (rules[${earlier}] and rules[${index}])`);
    else firstIndexById.set(rule.id, index);

    if (!sectionNumbers.has(rule.section)) say(`section ${rule.section} is not listed in sections`);

    const fields = KIND_FIELDS[rule.kind];
    for (const field of fields.required) {
      if (rule[field] === undefined) say(`${field} is required for kind ${rule.kind}`);
    }
    for (const field of KIND_SPECIFIC_FIELDS) {
      if (rule[field] !== undefined && !fields.allowed.includes(field)) say(`${field} is not allowed for kind ${rule.kind}`);
    }
    if (!BASES_BY_KIND[rule.kind].includes(rule.deduction.basis)) {
      say(`deduction.basis must be one of ${BASES_BY_KIND[rule.kind].join('|')} for kind ${rule.kind}`);
    }
    if (rule.deduction.basis === 'per-subject' && rule.subjects === undefined && rule.kind !== 'visit') {
      say('deduction.basis per-subject needs subjects');
    }
    if (!isHalfPointMultiple(rule.deduction.amount)) say('deduction.amount must be a multiple of 0.5');

    if (rule.subjects !== undefined) {
      const category = settings.subjectCategories[rule.subjects];
      if (!category) say(`subjects: no subject category ${rule.subjects} in settings.subjectCategories`);
      else if (rule.kind === 'visit' && !category.visits) {
        say(`subjects: settings.subjectCategories.${rule.subjects}.visits is required for kind visit`);
      }
    }
    if (rule.season !== undefined && !settings.seasons.some((s) => s.id === rule.season)) {
      say(`season: no season ${rule.season} in settings.seasons`);
    }
    if (Array.isArray(rule.windows)) {
      rule.windows.forEach((id, i) => {
        if (!settings.sensitiveWindows.some((w) => w.id === id))
          say(`windows[${i}]: no sensitive window ${id} in settings.sensitiveWindows`);
      });
    }
    if (rule.due?.startsWith('season-start:')) {
      const season = rule.due.slice('season-start:'.length);
      if (!settings.seasons.some((s) => s.id === season)) say(`due: no season ${season} in settings.seasons`);
    }
    if (rule.cadence === 'regular') regularRuleIds.add(rule.id);

    if (UNTIMED.has(rule.kind)) {
      if (rule.reminders !== undefined) say(`reminders is not allowed for kind ${rule.kind}`);
      if (rule.escalation !== undefined) say(`escalation is not allowed for kind ${rule.kind}`);
    }
    rule.reminders?.forEach((offset, i) => {
      if (durationMs(offset) > 0) say(`reminders[${i}] must not be after the deadline (got ${offset})`);
    });
    if (rule.escalation !== undefined && !settings.escalationPolicies[rule.escalation]) {
      say(`escalation: no escalation policy named ${rule.escalation}`);
    }

    if (rule.deduction.amount > 0 && rule.clause === undefined)
      say('clause is required when deduction.amount is above 0 (the id of the clause in clauses)');
    if (rule.deduction.amount === 0 && rule.clause !== undefined)
      say('clause must be left out when deduction.amount is 0 (the rule deducts nothing)');
    if (rule.clause !== undefined) {
      const clause = clauses.get(rule.clause);
      usedClauses.add(rule.clause);
      if (!clause) say(`clause: no clause ${rule.clause} in clauses`);
      else {
        if (clause.amount !== rule.deduction.amount)
          say(`deduction.amount ${rule.deduction.amount} differs from amount ${clause.amount} of clause ${clause.id} (${clause.text})`);
        if (clause.section !== rule.section || clause.item !== rule.item) {
          say(
            `section ${rule.section} / item ${rule.item} differ from clause ${clause.id} (section ${clause.section} / item ${clause.item})`,
          );
        }
      }
    }
  }
  for (const clause of top.clauses) {
    if (!usedClauses.has(clause.id) && !referenced.has(clause.id))
      problems.push(`clause ${clause.id}: no rule enforces it (give a rule clause: ${clause.id}, or remove the clause)`);
  }

  for (const ruleId of Object.keys(settings.regularCadence.rules)) {
    if (!regularRuleIds.has(ruleId)) {
      problems.push(`settings.regularCadence.rules.${ruleId}: no rule ${ruleId} with cadence: regular`);
    }
  }
  return problems;
}

/** Each clause: unique id, a listed section, an amount equal to its 扣N分, counting as worded or with a reason. */
function checkClauses(top: RulebookFileInput): string[] {
  const problems: string[] = [];
  const sectionNumbers = new Set(top.sections.map((s) => s.number));
  const seen = new Set<string>();
  for (const clause of top.clauses) {
    const say = (message: string) => problems.push(`clause ${clause.id}: ${message}`);
    if (seen.has(clause.id)) say('id is used twice');
    seen.add(clause.id);
    if (!sectionNumbers.has(clause.section)) say(`section ${clause.section} is not listed in sections`);
    if (!isHalfPointMultiple(clause.amount)) say('amount must be a multiple of 0.5');
    const wording = readClauseWording(clause.text);
    if (wording.amount === undefined) say(`text must end in 扣N分, as in the rubric (got ${clause.text})`);
    else if (wording.amount !== clause.amount)
      say(`amount ${clause.amount} differs from the ${wording.amount} its text says (${clause.text})`);
    if (clause.counting !== wording.counting && clause.countingReason === undefined) {
      say(`counting ${clause.counting} differs from the wording, which reads ${wording.counting}; add countingReason to read it otherwise`);
    }
    if (clause.counting === wording.counting && clause.countingReason !== undefined) {
      say(`countingReason is only for a counting other than the wording's (${wording.counting})`);
    }
  }
  return problems;
}
