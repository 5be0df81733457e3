import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { currentUser, requireAuth } from '../plugins/auth';
import { SCOREBOARD_PAGE, type ScoreboardService } from '../services/scoreboard-service';
import type { ScoreboardWorkbooks } from '../services/scoreboard-workbooks';
import { communityBoard, countedDeduction, scoreboard } from '../contract';
import { authErrors, errorBody, id } from './schemas';

const query = z.object({
  year: z.coerce
    .number()
    .int()
    .min(2000, '年份应在 2000-2100 之间 (year 2000-2100)')
    .max(2100, '年份应在 2000-2100 之间 (year 2000-2100)')
    .optional(),
  month: z.coerce.number().int().min(1, '月份应为 1-12 (month 1-12)').max(12, '月份应为 1-12 (month 1-12)').optional(),
});
const page = query.extend({
  offset: z.coerce.number().int().min(0, '起始位置不能为负数').max(1_000_000, '起始位置过大').default(0),
  limit: z.coerce.number().int().min(1, '每页至少 1 个社区（村）').max(500, '每页最多 500 个社区（村）').default(SCOREBOARD_PAGE),
});
export const scoreboardRoutes =
  ({ service, workbooks }: { service: ScoreboardService; workbooks: ScoreboardWorkbooks }): FastifyPluginAsync =>
  async (app) => {
    const typed = app.withTypeProvider<ZodTypeProvider>();
    app.addHook('onRequest', requireAuth);
    app.addHook('onClose', async () => workbooks.close());

    typed.get(
      '/',
      {
        schema: {
          summary:
            "The ranking: one page of the caller's communities, best rank first, each ranked township-wide, with month and year-to-date totals, trend and points at risk",
          tags: ['scoreboard'],
          querystring: page,
          response: {
            200: scoreboard,
            400: errorBody,
            ...authErrors,
          },
        },
      },
      async (request) => {
        const { offset, limit, ...month } = request.query;
        return service.compute(currentUser(request), month, { offset, limit });
      },
    );

    typed.get(
      '/communities/:communityId',
      {
        schema: {
          summary: "One community of the caller's scope, ranked township-wide, with its breakdown by rubric item and clause",
          tags: ['scoreboard'],
          params: z.object({ communityId: id }),
          querystring: query,
          response: { 200: communityBoard, 400: errorBody, 404: errorBody, ...authErrors },
        },
      },
      async (request) => service.community(currentUser(request), request.query, request.params.communityId),
    );

    typed.get(
      '/deductions',
      {
        schema: {
          summary:
            "The year's deductions to the month (default: this month), each with what it counts for after its clause's cap (0: 本项已扣满; null: reversed)",
          tags: ['scoreboard'],
          querystring: query.extend({ communityId: id.optional() }),
          response: {
            200: z.array(countedDeduction),
            400: errorBody,
            ...authErrors,
          },
        },
      },
      async (request) =>
        (await service.details(currentUser(request), request.query)).reverse().map((d) => ({
          id: d.id,
          communityName: d.communityName,
          item: d.item,
          ruleTitle: d.ruleTitle,
          explanation: d.explanation,
          occurredAt: d.occurredAt,
          counted: d.counted,
          reversed: d.reversed,
        })),
    );

    typed.get(
      '/export',
      {
        schema: {
          summary: 'The scoreboard as .xlsx laid out like the rubric, with a sheet of every deduction',
          tags: ['scoreboard'],
          querystring: query,
          produces: ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
          response: { 200: z.string().describe('the .xlsx file'), 400: errorBody, ...authErrors },
        },
      },
      async (request, reply) => {
        // A wrong year or month is refused before anything is written; a file whose data has not
        // changed since it was last written is served again (scoreboard-workbooks.ts).
        const file = await workbooks.workbook(currentUser(request), request.query);
        return (
          reply
            .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
            .header('content-disposition', `attachment; filename="scoreboard-${file.year}-${String(file.month).padStart(2, '0')}.xlsx"`)
            // Fastify sends a Buffer as it is, past the response schema (which documents the file for OpenAPI).
            .send(file.bytes as never)
        );
      },
    );
  };
