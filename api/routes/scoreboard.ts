import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ScoreboardRepository } from '../../db/scoreboard-repository';
import type { RulebookStore } from '../../platform/rulebook-store';
import { currentUser, requireAuth } from '../plugins/auth';
import { buildScoreboardWorkbook } from '../services/scoreboard-excel';
import { scoreboardService } from '../services/scoreboard-service';
import { authErrors, errorBody, id } from './schemas';
import { CLAUSE_COUNTINGS } from '../../domain';

const query = z.object({
  year: z.coerce.number().int().min(2000, '年份应在 2000-2100 之间 (year 2000-2100)').max(2100, '年份应在 2000-2100 之间 (year 2000-2100)').optional(),
  month: z.coerce.number().int().min(1, '月份应为 1-12 (month 1-12)').max(12, '月份应为 1-12 (month 1-12)').optional(),
});
const amounts = { ytdDeducted: z.number(), monthDeducted: z.number() };
const board = z.object({
  year: z.number(), month: z.number(), baseScore: z.number(), rankOutOf: z.number(),
  rows: z.array(z.object({ section: z.string(), item: z.string() })),
  clauses: z.array(z.object({ section: z.string(), item: z.string(), clauseId: z.string(), text: z.string(), amount: z.number(), counting: z.enum(CLAUSE_COUNTINGS) })),
  communities: z.array(z.object({
    id: z.string(), code: z.string(), name: z.string(), rank: z.number(), total: z.number(), ...amounts, openObligationsThisMonth: z.number(), pointsAtRiskThisMonth: z.number(),
    items: z.array(z.object({ section: z.string(), item: z.string(), ...amounts, full: z.boolean() })),
    clauses: z.array(z.object({ clauseId: z.string(), count: z.number(), ...amounts, full: z.boolean() })),
    sections: z.array(z.object({ section: z.string(), ...amounts })),
    otherDeducted: z.number(),
  })),
});

export const scoreboardRoutes = (deps: { scoreboard: ScoreboardRepository; rulebooks: RulebookStore }): FastifyPluginAsync => async (app) => {
  const service = scoreboardService({ repo: deps.scoreboard, rulebooks: deps.rulebooks });
  const typed = app.withTypeProvider<ZodTypeProvider>();
  app.addHook('onRequest', requireAuth);

  typed.get('/', {
    schema: { summary: 'Scores per community, rubric section and item, month and year to date; ranked township-wide', tags: ['scoreboard'], querystring: query, response: { 200: board, 400: errorBody, ...authErrors } },
  }, async (request) => service.compute(currentUser(request), request.query));

  typed.get('/deductions', {
    schema: {
      summary: 'The year\'s deductions to the month (default: this month), each with what it counts for after its clause\'s cap (0: 本项已扣满; null: reversed)',
      tags: ['scoreboard'], querystring: query.extend({ communityId: id.optional() }),
      response: { 200: z.array(z.object({
        id: z.string(), communityName: z.string(), item: z.string(), ruleTitle: z.string(), explanation: z.string(), occurredAt: z.date(), counted: z.number().nullable(), reversed: z.boolean(),
      })), 400: errorBody, ...authErrors },
    },
  }, async (request) => (await service.details(currentUser(request), request.query)).reverse()
    .map((d) => ({ id: d.id, communityName: d.communityName, item: d.item, ruleTitle: d.ruleTitle, explanation: d.explanation, occurredAt: d.occurredAt, counted: d.counted, reversed: d.reversed })));

  typed.get('/export', {
    schema: { summary: 'The scoreboard as .xlsx laid out like the rubric, with a sheet of every deduction', tags: ['scoreboard'], querystring: query, response: { 200: z.any(), 400: errorBody, ...authErrors } },
  }, async (request, reply) => {
    const user = currentUser(request);
    const now = new Date();
    const [data, details] = await Promise.all([service.compute(user, request.query, now), service.details(user, request.query, now)]);
    return reply
      .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .header('content-disposition', `attachment; filename="scoreboard-${data.year}-${String(data.month).padStart(2, '0')}.xlsx"`)
      .send(await buildScoreboardWorkbook(data, details));
  });
};
