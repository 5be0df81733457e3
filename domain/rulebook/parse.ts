/**
 * parseRulebook: YAML text -> validated, resolved Rulebook, or a RulebookError
 * listing every problem. No file system access here (see load-file.ts), so
 * Temporal workflow code may import it.
 */
import { parseDocument } from 'yaml';
import type { SeasonDefinition } from '../calendar/seasons';
import type { SensitiveWindowDefinition } from '../calendar/sensitive-windows';
import { checkRules, checkSettings, type IndexedRule } from './cross-checks';
import { RulebookError } from './errors';
import { describeIssues } from './format-issues';
import { type RuleInput, ruleSchema, rulebookFileSchema, type RulebookFileInput, settingsSchema, type SettingsInput } from './schema';
import type { Cadence, DueSpec, EscalationPolicy, Rule, Rulebook, RulebookSettings, SubjectCategory } from './types';

export function parseRulebook(text: string, fileName: string): Rulebook {
  const problems: string[] = [];
  const fail = (): never => {
    throw new RulebookError(
      fileName,
      problems.map((p) => `${fileName}: ${p}`),
    );
  };

  const document = parseDocument(text, { uniqueKeys: true });
  for (const error of document.errors) {
    const at = error.linePos?.[0];
    const position = at ? `line ${at.line}, column ${at.col}: ` : '';
    // The first line of yaml's message is the sentence; the rest is a code frame.
    const sentence = (error.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
    problems.push(`${position}YAML syntax error: ${sentence}`);
  }
  if (problems.length === 0 && document.contents === null) problems.push('the file is empty');
  if (problems.length > 0) fail();
  const raw: unknown = document.toJS();

  const top = rulebookFileSchema.safeParse(raw);
  if (!top.success) problems.push(...describeIssues(top.error.issues, raw));

  const rawSettings = isRecord(raw) ? raw.settings : undefined;
  const settings = rawSettings === undefined ? undefined : settingsSchema.safeParse(rawSettings);
  if (isRecord(raw) && rawSettings === undefined) problems.push('settings is required');
  if (settings && !settings.success) problems.push(...describeIssues(settings.error.issues, raw, ['settings']));

  const rules: IndexedRule[] = [];
  const rawRules = isRecord(raw) && Array.isArray(raw.rules) ? raw.rules : [];
  rawRules.forEach((rawRule: unknown, index) => {
    const result = ruleSchema.safeParse(rawRule);
    const where = isRecord(rawRule) && typeof rawRule.id === 'string' && rawRule.id !== '' ? `rule ${rawRule.id}` : `rules[${index}]`;
    if (result.success) rules.push({ index, rule: result.data });
    else problems.push(...describeIssues(result.error.issues, rawRule).map((p) => `${where}: ${p}`));
  });

  if (top.success && settings?.success) {
    problems.push(...checkSettings(settings.data, top.data.year));
    const referenced = new Set(rawRules.flatMap((r: unknown) => (isRecord(r) && typeof r.clause === 'string' ? [r.clause] : [])));
    problems.push(...checkRules(top.data, settings.data, rules, referenced));
  }
  if (problems.length > 0 || !top.success || !settings?.success) fail();
  return resolve(
    top.data as RulebookFileInput,
    settings!.data as SettingsInput,
    rules.map((r) => r.rule),
    fileName,
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function resolve(top: RulebookFileInput, input: SettingsInput, rules: RuleInput[], fileName: string): Rulebook {
  const escalationPolicies: Record<string, EscalationPolicy> = {};
  for (const [name, policy] of Object.entries(input.escalationPolicies)) {
    escalationPolicies[name] = { name, steps: policy.steps, repeatEvery: policy.repeatEvery, ...(policy.urgent ? { urgent: true } : {}) };
  }
  const subjectCategories: Record<string, SubjectCategory> = {};
  for (const [id, category] of Object.entries(input.subjectCategories)) {
    subjectCategories[id] = { id, name: category.name, ...(category.visits ? { visits: category.visits } : {}) };
  }
  const seasons: SeasonDefinition[] = input.seasons.map((s) => ({ id: s.id, name: s.name, start: s.start, end: s.end }));
  const sensitiveWindows: SensitiveWindowDefinition[] = input.sensitiveWindows.map((w) => ({
    id: w.id,
    name: w.name,
    start: w.start,
    end: w.end,
    daysBefore: w.daysBefore,
    daysAfter: w.daysAfter,
  }));
  const settings: RulebookSettings = {
    defaultReminders: input.defaults.reminders,
    defaultEscalation: input.defaults.escalation,
    defaultRequiresReview: input.defaults.requiresReview,
    defaultEvidence: input.defaults.evidence,
    escalationPolicies,
    regularCadence: input.regularCadence.default,
    subjectCategories,
    defaultRiskLevel: input.defaultRiskLevel,
    newSubjectGraceDays: input.newSubjectGraceDays,
    seasons,
    sensitiveWindows,
  };
  const sectionTitles = new Map(top.sections.map((s) => [s.number, s.title]));
  const clauseText = new Map(top.clauses.map((c) => [c.id, c.text]));

  const resolveCadence = (rule: RuleInput): Cadence | undefined => {
    if (rule.cadence === undefined) return undefined;
    if (rule.cadence === 'regular') {
      const chosen = input.regularCadence.rules[rule.id] ?? input.regularCadence.default;
      return { every: chosen.every, count: chosen.count, regular: true };
    }
    return { every: rule.cadence.every, count: rule.cadence.count, regular: false };
  };

  const resolved = rules.map((rule): Rule => {
    const cadence = resolveCadence(rule);
    const windows = rule.windows === 'all' ? sensitiveWindows.map((w) => w.id) : rule.windows;
    const due = rule.due === undefined ? undefined : parseDue(rule.due);
    const escalationName = rule.escalation ?? input.defaults.escalation;
    return {
      id: rule.id,
      section: rule.section,
      sectionTitle: sectionTitles.get(rule.section) ?? '',
      item: rule.item,
      title: rule.title,
      kind: rule.kind,
      clause: rule.clause !== undefined ? (clauseText.get(rule.clause) ?? rule.clause) : (rule.requirement ?? rule.title),
      ...(rule.clause !== undefined ? { clauseId: rule.clause } : {}),
      ...(rule.requirement !== undefined ? { requirement: rule.requirement } : {}),
      ...(cadence ? { cadence } : {}),
      ...(rule.subjects !== undefined ? { subjects: rule.subjects } : {}),
      ...(rule.kind === 'ledger' ? { ledger: rule.ledger ?? { requiredFields: [], requireResponsibleWorker: false } } : {}),
      ...(rule.season !== undefined ? { season: rule.season } : {}),
      ...(rule.checkInBy !== undefined ? { checkInBy: rule.checkInBy } : {}),
      ...(windows !== undefined ? { windows } : {}),
      ...(rule.windows === 'all' ? { windowsAll: true } : {}),
      ...(rule.kind === 'one-off' ? { due: due ?? { kind: 'year-end' } } : {}),
      evidence: rule.evidence ?? input.defaults.evidence,
      deduction: rule.deduction,
      reminders: rule.kind === 'incident' ? [] : (rule.reminders ?? input.defaults.reminders),
      escalation: escalationPolicies[escalationName]!,
      requiresReview: rule.requiresReview ?? input.defaults.requiresReview,
      ...(rule.appliesToTags !== undefined ? { appliesToTags: rule.appliesToTags } : {}),
      ...(rule.note !== undefined ? { note: rule.note } : {}),
    };
  });

  return {
    fileName,
    year: top.year,
    version: top.version,
    effectiveFrom: top.effectiveFrom,
    title: top.title,
    timezone: top.timezone,
    baseScore: top.baseScore,
    sections: top.sections,
    settings,
    clauses: top.clauses.map((c) => ({ ...c })),
    rules: resolved,
  };
}

function parseDue(text: string): DueSpec {
  if (text === 'year-end') return { kind: 'year-end' };
  if (text.startsWith('season-start:')) return { kind: 'season-start', season: text.slice('season-start:'.length) };
  return { kind: 'month-day', month: Number(text.slice(0, 2)), day: Number(text.slice(3, 5)) };
}
