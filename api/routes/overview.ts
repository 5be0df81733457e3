// 总览 in one request: the month's heatmap, the scoreboard (ranking) and the
// year's score trend. Composed from the existing services: every number is
// what the scoreboard service returns (the trend is its total at the end of
// each month), nothing is recomputed here.
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ScoreboardRepository } from '../../db/scoreboard-repository';
import type { TaskRepository } from '../../db/task-repository';
import type { RulebookStore } from '../../platform/rulebook-store';
import { currentUser, requireAuth } from '../plugins/auth';
import { currentShanghaiMonth, scoreboardService } from '../services/scoreboard-service';
import type { TaskService } from '../services/task-service';
import { HEATMAP_PAGE, heatmapView, type HeatmapCache } from '../services/heatmap';
import { authErrors, errorBody } from './schemas';
import { heatmap } from '../contract';

const query = z.object({
  year: z.coerce.number().int().min(2000, '年份应在 2000-2100 之间').max(2100, '年份应在 2000-2100 之间').optional(),
  month: z.coerce.number().int().min(1, '月份应为 1-12').max(12, '月份应为 1-12').optional(),
});

export const overviewRoutes = (deps: { scoreboard: ScoreboardRepository; tasks: TaskRepository; service: TaskService; heatmapCache: HeatmapCache; rulebooks: RulebookStore }): FastifyPluginAsync => async (app) => {
  const scoreboard = scoreboardService({ repo: deps.scoreboard, rulebooks: deps.rulebooks });
  app.addHook('onRequest', requireAuth);

  app.withTypeProvider<ZodTypeProvider>().get('/', {
    schema: {
      summary: 'The officials\' overview of one month (default: this month): heatmap, scoreboard and the year\'s trend up to that month, in one response', tags: ['scoreboard'],
      querystring: query, response: { 200: z.object({ year: z.number(), month: z.number(), heatmap, scoreboard: z.any(), trend: z.any() }), 400: errorBody, ...authErrors },
    },
  }, async (request) => {
    const user = currentUser(request);
    const now = new Date();
    const current = currentShanghaiMonth(now);
    const year = request.query.year ?? current.year;
    const month = request.query.month ?? (year === current.year ? current.month : 12);
    const months = Array.from({ length: month }, (_, i) => i + 1);
    const [heatmap, boards] = await Promise.all([
      heatmapView({ tasks: deps.tasks, cache: deps.heatmapCache, service: deps.service }, user, { year, month, page: 1, pageSize: HEATMAP_PAGE }),
      Promise.all(months.map((m) => scoreboard.compute(user, { year, month: m }, now))),
    ]);
    const board = boards.at(-1)!;
    // Each month's board gives every community's total at the end of that month.
    const series = board.communities.map((c) => ({
      id: c.id, name: c.name,
      points: boards.map((b, i) => ({ month: months[i]!, total: b.communities.find((x) => x.id === c.id)?.total ?? b.baseScore })),
    }));
    return { year, month, heatmap, scoreboard: board, trend: { baseScore: board.baseScore, series } };
  });
};
