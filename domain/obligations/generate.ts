/**
 * generateObligations: which obligation instances a community owes in a time
 * range, from the rulebook. Pure and deterministic (same input, same sorted
 * output), so Temporal workflow code can call it.
 *
 * Which instances belong to a range: those that OPEN in [from, to). Ranges
 * therefore partition cleanly: generating Jan-Mar and Apr-Dec gives exactly
 * the instances of Jan-Dec, and a period always belongs to the rulebook
 * version in force when it opened.
 *
 * Incidents and reporting requests are not generated: officials create them
 * (see reportingObligation).
 */
import { seasonPeriod } from '../calendar/seasons';
import { type SensitiveWindowDefinition, sensitiveWindowsInYear } from '../calendar/sensitive-windows';
import { effectiveFromInstant, versionSpans } from '../rulebook/versions';
import type { Rule, Rulebook } from '../rulebook/types';
import { durationMs } from '../time/duration';
import { daysStartingIn, nextPeriod, type Period, periodContainingDate, periodsStartingIn, yearPeriod } from '../time/period';
import { addDays, DAY_MS, parseCivilDate, shanghaiDateOf, startOfDay } from '../time/shanghai';
import { obligationKey } from './keys';
import { isResolved } from './ledger-fields';
import type { Community, DutyRosters, LedgerSubject, ObligationInstance } from './types';

export interface GenerateObligationsInput {
  readonly rulebook: Rulebook;
  readonly community: Community;
  readonly subjects?: readonly LedgerSubject[];
  readonly rosters?: DutyRosters;
  /**
   * Windows the admin added for this community's township (SensitiveWindow
   * rows as definitions, see calendar/admin-windows.ts). They count for rules
   * that said `windows: all`; rules naming their windows keep exactly those.
   */
  readonly addedWindows?: readonly SensitiveWindowDefinition[];
  /** inclusive */
  readonly from: Date;
  /** exclusive */
  readonly to: Date;
}

interface Range {
  readonly from: Date;
  readonly to: Date;
}

const later = (a: Date, b: Date) => (a > b ? a : b);
const earlier = (a: Date, b: Date) => (a < b ? a : b);

export function generateObligations(input: GenerateObligationsInput): ObligationInstance[] {
  const { rulebook, community } = input;
  const year = yearPeriod(rulebook.year);
  // A rulebook governs its own year, from the day it takes effect.
  const range: Range = {
    from: later(later(input.from, year.start), effectiveFromInstant(rulebook)),
    to: earlier(input.to, year.end),
  };
  if (range.from >= range.to) return [];

  const instances: ObligationInstance[] = [];
  for (const rule of rulebook.rules) {
    if (!appliesTo(rule, community)) continue;
    instances.push(...instancesOf(rule, input, range));
  }
  return sortObligations(instances);
}

/**
 * Generation across several versions of the year's rulebook: each version
 * produces the instances that open while it is in force.
 */
export function generateObligationsAcrossVersions(
  input: Omit<GenerateObligationsInput, 'rulebook'> & { readonly versions: readonly Rulebook[] },
): ObligationInstance[] {
  const { versions, ...rest } = input;
  const all = versionSpans(versions).flatMap((span) =>
    generateObligations({ ...rest, rulebook: span.rulebook, from: later(rest.from, span.from), to: earlier(rest.to, span.until) }),
  );
  return sortObligations(all);
}

export function sortObligations(instances: readonly ObligationInstance[]): ObligationInstance[] {
  return [...instances].sort((a, b) => a.opensAt.getTime() - b.opensAt.getTime() || compareText(a.key, b.key));
}

// Plain code-unit comparison: localeCompare depends on the ICU build.
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function appliesTo(rule: Rule, community: Community): boolean {
  if (!rule.appliesToTags) return true;
  return rule.appliesToTags.some((tag) => community.tags?.includes(tag));
}

function instancesOf(rule: Rule, input: GenerateObligationsInput, range: Range): ObligationInstance[] {
  const inRange = (opensAt: Date) => range.from <= opensAt && opensAt < range.to;
  const subjectsOf = (category: string | undefined) => (input.subjects ?? []).filter((s) => s.category === category);
  const make = (period: Period, extra: Partial<InstanceExtras> = {}) => buildInstance(rule, input.community.id, period, extra);

  switch (rule.kind) {
    case 'periodic':
    case 'ledger':
      return periodsStartingIn(rule.cadence!.every, range.from, range.to).map((period) => make(period));

    case 'visit':
      // A resolved dispute needs no more follow-up (跟踪管控 is owed for 未化解 disputes only).
      return subjectsOf(rule.subjects)
        .filter((subject) => !isResolved(subject.fields))
        .flatMap((subject) =>
          visitPeriods(input.rulebook, subject, range).map(({ period, opensAt }) => make(period, { subjectId: subject.id, opensAt })),
        );

    case 'seasonal-duty': {
      const season = input.rulebook.settings.seasons.find((s) => s.id === rule.season)!;
      const span = seasonPeriod(season, input.rulebook.year);
      const roster = input.rosters?.[season.id] ?? {};
      return daysStartingIn(later(range.from, span.start), earlier(range.to, span.end)).map((day) => {
        const assigneeUserId = roster[day.key];
        return make(day, { dueAt: checkInDeadline(rule, day), ...(assigneeUserId ? { assigneeUserId } : {}) });
      });
    }

    case 'sensitive-window': {
      const added = rule.windowsAll ? (input.addedWindows ?? []) : [];
      // A rulebook id wins over an added window carrying the same id.
      const definitions = [
        ...input.rulebook.settings.sensitiveWindows,
        ...added.filter((a) => !input.rulebook.settings.sensitiveWindows.some((w) => w.id === a.id)),
      ];
      const owed = new Set([...rule.windows!, ...added.map((a) => a.id)]);
      const windows = sensitiveWindowsInYear(definitions, input.rulebook.year).filter((w) => owed.has(w.id) && inRange(w.period.start));
      if (rule.subjects === undefined) return windows.map((w) => make(w.period));
      return windows.flatMap((w) =>
        subjectsOf(rule.subjects)
          .filter((s) => onLedgerDuring(s, w.period))
          .map((s) => make(w.period, { subjectId: s.id })),
      );
    }

    case 'one-off': {
      const period = yearPeriod(input.rulebook.year);
      return inRange(period.start) ? [make(period, { dueAt: oneOffDeadline(rule, input.rulebook) })] : [];
    }

    case 'incident':
    case 'reporting':
      return [];
  }
}

function onLedgerDuring(subject: LedgerSubject, period: Period): boolean {
  const joined = startOfDay(parseCivilDate(subject.startDate));
  const left = subject.endDate ? startOfDay(addDays(parseCivilDate(subject.endDate), 1)) : undefined;
  return joined < period.end && (left === undefined || left > period.start);
}

/**
 * Visit periods for one subject: calendar periods of the cadence for its risk
 * level, from the one containing its start date (skipped when fewer than
 * newSubjectGraceDays remain in it) until it leaves the ledger (a period is
 * owed only if the subject is on the ledger until the period ends).
 */
function visitPeriods(rulebook: Rulebook, subject: LedgerSubject, range: Range): Array<{ period: Period; opensAt: Date }> {
  const category = rulebook.settings.subjectCategories[subject.category]!;
  const unit = category.visits![subject.riskLevel ?? rulebook.settings.defaultRiskLevel];
  const startDay = parseCivilDate(subject.startDate);
  const joined = startOfDay(startDay);
  const left = subject.endDate ? startOfDay(addDays(parseCivilDate(subject.endDate), 1)) : undefined;
  const graceMs = rulebook.settings.newSubjectGraceDays * DAY_MS;

  const result: Array<{ period: Period; opensAt: Date }> = [];
  // Start at whichever is later: the subject's first period or the range's first period.
  const firstDay = range.from > joined ? shanghaiDateOf(range.from) : startDay;
  for (let period = periodContainingDate(unit, firstDay); period.start < range.to; period = nextPeriod(unit, period)) {
    if (left !== undefined && period.end > left) break;
    const opensAt = later(period.start, joined);
    const isPartialFirst = opensAt > period.start;
    if (isPartialFirst && period.end.getTime() - opensAt.getTime() < graceMs) continue;
    if (range.from <= opensAt && opensAt < range.to) result.push({ period, opensAt });
  }
  return result;
}

function checkInDeadline(rule: Rule, day: Period): Date {
  if (!rule.checkInBy) return day.deadline;
  const [hours, minutes] = rule.checkInBy.split(':').map(Number) as [number, number];
  return new Date(day.start.getTime() + (hours * 60 + minutes) * 60_000);
}

function oneOffDeadline(rule: Rule, rulebook: Rulebook): Date {
  const due = rule.due ?? { kind: 'year-end' as const };
  switch (due.kind) {
    case 'year-end':
      return yearPeriod(rulebook.year).deadline;
    case 'month-day':
      // "due 06-01" means by the end of June 1.
      return startOfDay(addDays({ year: rulebook.year, month: due.month, day: due.day }, 1));
    case 'season-start': {
      // Ready before the season's first day begins.
      const season = rulebook.settings.seasons.find((s) => s.id === due.season)!;
      return seasonPeriod(season, rulebook.year).start;
    }
  }
}

interface InstanceExtras {
  subjectId: string;
  assigneeUserId: string;
  opensAt: Date;
  dueAt: Date;
}

/** Reminder instants: deadline + each offset, keeping those inside [opensAt, dueAt]. */
export function reminderInstants(offsets: readonly string[], opensAt: Date, dueAt: Date): Date[] {
  const times = new Set<number>();
  for (const offset of offsets) {
    const at = dueAt.getTime() + durationMs(offset);
    if (at >= opensAt.getTime() && at <= dueAt.getTime()) times.add(at);
  }
  return [...times].sort((a, b) => a - b).map((t) => new Date(t));
}

export function buildInstance(rule: Rule, communityId: string, period: Period, extra: Partial<InstanceExtras>): ObligationInstance {
  const opensAt = extra.opensAt ?? period.start;
  const dueAt = extra.dueAt ?? period.deadline;
  const key = obligationKey(rule.id, communityId, period.key, extra.subjectId);
  const activitiesRequired = rule.cadence?.count ?? 1;
  return {
    key,
    ruleId: rule.id,
    communityId,
    kind: rule.kind,
    section: rule.section,
    item: rule.item,
    title: rule.title,
    periodKey: period.key,
    periodLabel: period.label,
    ...(extra.subjectId !== undefined ? { subjectId: extra.subjectId } : {}),
    ...(extra.assigneeUserId !== undefined ? { assigneeUserId: extra.assigneeUserId } : {}),
    opensAt,
    dueAt,
    remindAt: reminderInstants(rule.reminders, opensAt, dueAt),
    activitiesRequired,
    evidence: { minCount: rule.evidence.minCount * activitiesRequired, types: rule.evidence.types },
    deduction: {
      amount: rule.deduction.amount,
      basis: rule.deduction.basis,
      key: rule.deduction.basis === 'per-period' ? obligationKey(rule.id, communityId, period.key) : key,
    },
    escalation: rule.escalation,
    requiresReview: rule.requiresReview,
    clause: rule.clause,
  };
}
