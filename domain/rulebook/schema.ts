/**
 * The rulebook file format as zod schemas. This describes the YAML an admin
 * writes; `parse.ts` validates with these, runs the cross-field checks in
 * `cross-checks.ts` and resolves defaults into the `Rulebook` type (types.ts).
 * docs/rulebook.md explains every field for admins: keep the two in step.
 */
import { z } from 'zod';
import { isValidCivilDate } from '../time/shanghai';
import { isDuration } from '../time/duration';
import { CADENCE_UNITS } from '../time/period';
import { COMMUNITY_TAG_CODES } from '../obligations/community-tags';

export const RULE_KINDS = ['periodic', 'visit', 'ledger', 'seasonal-duty', 'sensitive-window', 'incident', 'reporting', 'one-off'] as const;

export const DEDUCTION_BASES = ['per-period', 'per-subject', 'per-occurrence'] as const;

/**
 * How often a clause may cost its amount (docs/rulebook.md#clauses):
 * per-occurrence (每次 / 出现一起): every miss or event; per-month (每月…): at most
 * the amount per calendar month; per-year (one amount): at most the amount a year.
 */
export const CLAUSE_COUNTINGS = ['per-occurrence', 'per-month', 'per-year'] as const;

export const EVIDENCE_TYPES = [
  'photo',
  'document',
  'sign-in-sheet',
  'visit-record',
  'signed-letter',
  'app-record',
  'check-in',
  'report',
] as const;

export const ESCALATION_ROLES = ['secretary', 'area-leader', 'political-legal'] as const;

export const RISK_LEVELS = ['low', 'medium', 'high'] as const;

const ID_PATTERN = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)*$/;
export const idSchema = z.string().regex(ID_PATTERN, 'must be lowercase words joined by "-" or ".", e.g. fraud.publicity');

const monthDaySchema = z.string().regex(/^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'must be a month-day like 06-01');

const dateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date like 2022-01-01')
  .refine((text) => isValidCivilDate(Number(text.slice(0, 4)), Number(text.slice(5, 7)), Number(text.slice(8, 10))), {
    message: 'must be a real calendar date',
  });

export const durationSchema = z.string().refine(isDuration, { message: 'must be an ISO 8601 duration like -P7D, -PT2H or PT0S' });

export const cadenceObjectSchema = z
  .object({
    every: z.enum(CADENCE_UNITS),
    count: z.number().int().min(1).default(1),
  })
  .strict();

/** "regular" means the rubric says 定期: the cadence comes from settings.regularCadence. */
const cadenceSchema = z.union([z.literal('regular'), cadenceObjectSchema]);

const evidenceSchema = z
  .object({
    minCount: z.number().int().min(0),
    types: z.array(z.enum(EVIDENCE_TYPES)).min(1),
  })
  .strict();

const deductionSchema = z
  .object({
    amount: z.number().min(0),
    basis: z.enum(DEDUCTION_BASES),
  })
  .strict();

const escalationPolicySchema = z
  .object({
    steps: z
      .array(
        z
          .object({
            role: z.enum(ESCALATION_ROLES),
            /** wait after the deadline (first step) or after the previous step */
            wait: durationSchema,
          })
          .strict(),
      )
      .min(1),
    /** re-notify the current step's people this often until someone acknowledges */
    repeatEvery: durationSchema,
    /** its escalations go out at night too; others wait for the end of quiet hours */
    urgent: z.boolean().default(false),
  })
  .strict();

const ledgerSchema = z
  .object({
    requiredFields: z.array(z.string().min(1)).default([]),
    requireResponsibleWorker: z.boolean().default(false),
    requiredDocument: z
      .object({
        type: idSchema,
        name: z.string().min(1),
        /** only subjects carrying this flag need the document, e.g. incident-prone */
        forFlag: idSchema.optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export const ruleSchema = z
  .object({
    id: idSchema,
    section: z.number().int().min(1),
    item: z.string().min(1),
    title: z.string().min(1),
    kind: z.enum(RULE_KINDS),
    /** the id of the clause (in `clauses`) this rule enforces; none when the rule deducts nothing */
    clause: idSchema.optional(),
    requirement: z.string().min(1).optional(),
    cadence: cadenceSchema.optional(),
    subjects: idSchema.optional(),
    ledger: ledgerSchema.optional(),
    season: idSchema.optional(),
    windows: z.union([z.literal('all'), z.array(idSchema).min(1)]).optional(),
    due: z
      .string()
      .regex(
        /^(year-end|(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])|season-start:[a-z][a-z0-9-]*)$/,
        'must be year-end, a month-day like 06-01, or season-start:<season id>',
      )
      .optional(),
    /** seasonal-duty: the daily check-in is due by this Shanghai time (default: end of day) */
    checkInBy: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time like 09:00')
      .optional(),
    evidence: evidenceSchema.optional(),
    deduction: deductionSchema,
    reminders: z.array(durationSchema).optional(),
    escalation: idSchema.optional(),
    requiresReview: z.boolean().optional(),
    appliesToTags: z.array(z.enum(COMMUNITY_TAG_CODES)).min(1).optional(),
    note: z.string().optional(),
  })
  .strict();

const dayRefSchema = z.union([
  z.object({ solar: monthDaySchema }).strict(),
  z.object({ lunar: monthDaySchema }).strict(),
  z.object({ date: dateSchema }).strict(),
]);

const seasonSchema = z.object({ id: idSchema, name: z.string().min(1), start: monthDaySchema, end: monthDaySchema }).strict();

const sensitiveWindowSchema = z
  .object({
    id: idSchema,
    name: z.string().min(1),
    start: dayRefSchema,
    end: dayRefSchema,
    daysBefore: z.number().int().min(0).max(60).default(0),
    daysAfter: z.number().int().min(0).max(60).default(0),
    note: z.string().optional(),
  })
  .strict();

const visitCadenceSchema = z.object({ low: z.enum(CADENCE_UNITS), medium: z.enum(CADENCE_UNITS), high: z.enum(CADENCE_UNITS) }).strict();

export const settingsSchema = z
  .object({
    defaults: z
      .object({
        reminders: z.array(durationSchema),
        escalation: idSchema,
        requiresReview: z.boolean(),
        evidence: evidenceSchema,
      })
      .strict(),
    escalationPolicies: z.record(idSchema, escalationPolicySchema),
    regularCadence: z
      .object({
        default: cadenceObjectSchema,
        rules: z.record(z.string(), cadenceObjectSchema).default({}),
      })
      .strict(),
    subjectCategories: z.record(idSchema, z.object({ name: z.string().min(1), visits: visitCadenceSchema.optional() }).strict()),
    defaultRiskLevel: z.enum(RISK_LEVELS),
    newSubjectGraceDays: z.number().int().min(0).max(90),
    seasons: z.array(seasonSchema),
    sensitiveWindows: z.array(sensitiveWindowSchema),
  })
  .strict();

export const clauseSchema = z
  .object({
    id: idSchema,
    section: z.number().int().min(1),
    item: z.string().min(1),
    /** the rubric's sentence, verbatim, ending in 扣N分 */
    text: z.string().min(1),
    amount: z.number().positive(),
    counting: z.enum(CLAUSE_COUNTINGS),
    /** why `counting` differs from what the wording says; required exactly then */
    countingReason: z.string().min(1).optional(),
  })
  .strict();

export const rulebookFileSchema = z
  .object({
    year: z.number().int().min(2000).max(2100),
    version: z.number().int().min(1),
    effectiveFrom: dateSchema,
    title: z.string().min(1),
    timezone: z.literal('Asia/Shanghai'),
    baseScore: z.number().positive(),
    sections: z.array(z.object({ number: z.number().int().min(1), title: z.string().min(1) }).strict()).min(1),
    // Settings and rules are validated separately (see parse.ts) so that
    // every problem is reported, each with its rule id.
    settings: z.unknown(),
    clauses: z.array(clauseSchema).min(1),
    rules: z.array(z.unknown()).min(1),
  })
  .strict();

export type RuleInput = z.output<typeof ruleSchema>;
export type ClauseInput = z.output<typeof clauseSchema>;
export type SettingsInput = z.output<typeof settingsSchema>;
export type RulebookFileInput = z.output<typeof rulebookFileSchema>;
export type CadenceObjectInput = z.output<typeof cadenceObjectSchema>;
