// 总览 in one request: the month's heatmap, the first page of the ranking and
// the year's score trend of those communities. Composed from the existing
// services: every number is what the scoreboard service returns (the trend is
// each community's total at the end of each month), nothing is recomputed here.
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { CommunityDirectory } from '../../db/community-directory';
import type { TaskRepository } from '../../db/task-repository';
import { currentUser, requireAuth } from '../plugins/auth';
import { currentShanghaiMonth, SCOREBOARD_PAGE, type ScoreboardService } from '../services/scoreboard-service';
import type { TaskService } from '../services/task-service';
import { HEATMAP_PAGE, heatmapView, type HeatmapCache } from '../services/heatmap';
import { authErrors, errorBody } from './schemas';
import { overview } from '../contract';

const query = z.object({
  year: z.coerce.number().int().min(2000, '年份应在 2000-2100 之间').max(2100, '年份应在 2000-2100 之间').optional(),
  month: z.coerce.number().int().min(1, '月份应为 1-12').max(12, '月份应为 1-12').optional(),
});

export const overviewRoutes =
  (deps: {
    scoreboard: ScoreboardService;
    tasks: TaskRepository;
    service: TaskService;
    heatmapCache: HeatmapCache;
    directory: CommunityDirectory;
  }): FastifyPluginAsync =>
  async (app) => {
    app.addHook('onRequest', requireAuth);

    app.withTypeProvider<ZodTypeProvider>().get(
      '/',
      {
        schema: {
          summary:
            "The officials' overview of one month (default: this month): heatmap, scoreboard and the year's trend up to that month, in one response",
          tags: ['scoreboard'],
          querystring: query,
          response: {
            200: overview,
            400: errorBody,
            ...authErrors,
          },
        },
      },
      async (request) => {
        const user = currentUser(request);
        const now = new Date();
        const current = currentShanghaiMonth(now);
        const year = request.query.year ?? current.year;
        const month = request.query.month ?? (year === current.year ? current.month : 12);
        const [heatmap, board] = await Promise.all([
          heatmapView({ tasks: deps.tasks, cache: deps.heatmapCache, directory: deps.directory, service: deps.service }, user, {
            year,
            month,
            page: 1,
            pageSize: HEATMAP_PAGE,
          }),
          deps.scoreboard.compute(user, { year, month }, { offset: 0, limit: SCOREBOARD_PAGE }, now),
        ]);
        const series = board.communities.map((c) => ({
          id: c.id,
          name: c.name,
          points: c.totalByMonth.map((total, i) => ({ month: i + 1, total })),
        }));
        return { year, month, heatmap, scoreboard: board, trend: { baseScore: board.baseScore, series } };
      },
    );
  };
