/**
 * duban domain: the public API other layers (workflows, activities, api)
 * import. Pure and deterministic; no I/O except `loadRulebook`, which lives
 * in './rulebook/load-file' and is deliberately NOT re-exported here so that
 * Temporal workflow code can import this file. Server code imports
 * loadRulebook from 'domain/rulebook/load-file'.
 */

// Time
export {
  SHANGHAI_TIMEZONE,
  type CivilDate,
  type CivilDateTime,
  civilDate,
  parseCivilDate,
  formatCivilDate,
  formatShanghai,
  formatDeadline,
  shanghaiInstant,
  startOfDay,
  toShanghai,
  shanghaiDateOf,
  addDays,
  daysInMonth,
  compareCivil,
} from './time/shanghai';
export { parseDuration, durationMs, describeOffset } from './time/duration';
export {
  CADENCE_UNITS,
  type CadenceUnit,
  type Period,
  type PeriodKind,
  monthPeriod,
  halfMonthPeriod,
  quarterPeriod,
  yearPeriod,
  dayPeriod,
  spanPeriod,
  periodContaining,
  periodContainingDate,
  periodsStartingIn,
  daysStartingIn,
  nextPeriod,
  periodFromKey,
} from './time/period';

// Calendar
export {
  type DayInfo,
  type DayType,
  dayInfo,
  isWorkingDay,
  isOfficialHoliday,
  isMakeUpWorkday,
  springFestivalDate,
} from './calendar/holidays';
export { lunarDateOf, solarDateOfLunar, type LunarDate } from './calendar/chinese-days-adapter';
export { type SeasonDefinition, seasonPeriod } from './calendar/seasons';
export {
  type DayRef,
  type SensitiveWindow,
  type SensitiveWindowDefinition,
  sensitiveWindowInYear,
  sensitiveWindowsInYear,
  sensitiveWindowsAt,
} from './calendar/sensitive-windows';
export {
  type AdminWindowRow,
  MAX_ADMIN_WINDOW_DAYS,
  adminWindowId,
  adminWindowDefinition,
  adminWindowProblems,
} from './calendar/admin-windows';
export { type DutySeasonDay, dutySeasonOn, isInPlanningHorizon, isPastDay, daysOfMonth } from './calendar/duty-roster';

// Rulebook
export type * from './rulebook/types';
export { RULE_KINDS, DEDUCTION_BASES, CLAUSE_COUNTINGS, EVIDENCE_TYPES, ESCALATION_ROLES, RISK_LEVELS } from './rulebook/schema';
export { parseRulebook } from './rulebook/parse';
export { RulebookError } from './rulebook/errors';
export { effectiveRulebook, effectiveFromInstant, versionSpans, type VersionSpan } from './rulebook/versions';
export { summarizeRulebook, type RulebookSummary, type SummaryOptions } from './rulebook/summary';

// Obligations
export type { Community, LedgerSubject, DutyRosters, ObligationInstance } from './obligations/types';
export {
  generateObligations,
  generateObligationsAcrossVersions,
  sortObligations,
  reminderInstants,
  type GenerateObligationsInput,
} from './obligations/generate';
export { reportingObligation, type ReportingRequest } from './obligations/on-demand';
export { findLedgerGaps, type LedgerGap, type LedgerCheckOptions } from './obligations/ledger-gaps';
export {
  LEDGER_FIELD_LABELS,
  LEDGER_TEXT_FIELDS,
  LEDGER_DATE_FIELDS,
  DISPUTE_STATUSES,
  LEDGER_FLAGS,
  ledgerFieldLabel,
  isResolved,
  ledgerCategories,
  type LedgerCategory,
  type LedgerTextField,
  type DisputeStatus,
  type LedgerFlag,
} from './obligations/ledger-fields';
export { COMMUNITY_TAGS, COMMUNITY_TAG_CODES, type CommunityTag } from './obligations/community-tags';
export { obligationKey, occurrenceKey, parseObligationKey, type ParsedObligationKey } from './obligations/keys';

// Score
export type { Deduction, Reversal, Recorder } from './score/types';
export {
  scoreTownship,
  ScoreInputError,
  type ScoreInput,
  type ScoreRow,
  type TownshipScore,
  type CommunityScore,
  type SectionScore,
  type ItemScore,
  type ClauseScore,
} from './score/score';
export { deductionForMissedObligation, incidentDeduction } from './score/record';
export { explainDeduction, type ExplainContext } from './score/explain';
export { incidentRules, reportingRules, describeRuleChoices } from './rulebook/manual-rules';
export { distanceMeters, roundDistance, type LatLon } from './geo/distance';
