// The ranking, one community's breakdown, counted deductions and 总览 (GET /api/overview).
import { z } from 'zod';
import { CLAUSE_COUNTINGS } from '../../domain';
import { heatmap } from './tasks';

const amounts = { ytdDeducted: z.number(), monthDeducted: z.number() };
const head = { year: z.number(), month: z.number(), baseScore: z.number(), rankOutOf: z.number() };
const layout = {
  rows: z.array(z.object({ section: z.string(), item: z.string() })),
  clauses: z.array(
    z.object({
      section: z.string(),
      item: z.string(),
      clauseId: z.string(),
      text: z.string(),
      amount: z.number(),
      counting: z.enum(CLAUSE_COUNTINGS),
    }),
  ),
};
/** One community's line of the ranking. */
export const communityScore = z.object({
  id: z.string(),
  code: z.string(),
  name: z.string(),
  rank: z.number(),
  total: z.number(),
  /** the total at the end of each month, January to the month */
  totalByMonth: z.array(z.number()),
  ...amounts,
  openObligationsThisMonth: z.number(),
  pointsAtRiskThisMonth: z.number(),
  otherDeducted: z.number(),
});
/** GET /api/scoreboard: one page of the ranking of the caller's communities. */
export const scoreboard = z.object({ ...head, inScope: z.number(), offset: z.number(), communities: z.array(communityScore) });
/** GET /api/scoreboard/communities/:id: one community with its breakdown by rubric item and clause. */
export const communityBoard = z.object({
  ...head,
  ...layout,
  community: communityScore.extend({
    sections: z.array(z.object({ section: z.string(), ...amounts })),
    items: z.array(z.object({ section: z.string(), item: z.string(), ...amounts, full: z.boolean() })),
    clauses: z.array(z.object({ clauseId: z.string(), count: z.number(), ...amounts, full: z.boolean() })),
  }),
});
/** GET /api/scoreboard/deductions: a deduction and what it counts for after its clause's cap (0: 本项已扣满; null: reversed). */
export const countedDeduction = z.object({
  id: z.string(),
  communityName: z.string(),
  item: z.string(),
  ruleTitle: z.string(),
  explanation: z.string(),
  occurredAt: z.date(),
  counted: z.number().nullable(),
  reversed: z.boolean(),
});
/** One community's line of the trend chart: its total at the end of each month. */
export const trendSeries = z.object({
  id: z.string(),
  name: z.string(),
  points: z.array(z.object({ month: z.number(), total: z.number() })),
});
/** GET /api/overview: 总览 of one month in one response. */
export const overview = z.object({
  year: z.number(),
  month: z.number(),
  heatmap,
  scoreboard,
  trend: z.object({ baseScore: z.number(), series: z.array(trendSeries) }),
});
