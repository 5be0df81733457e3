// 总览 in one request: the month's heatmap, the first page of the ranking and
// the year's score trend of those communities (composed in services/oversight-service.ts).
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { currentUser, requireAuth } from '../plugins/auth';
import type { OversightService } from '../services/oversight-service';
import { authErrors, errorBody } from './schemas';
import { overview } from '../contract';

const query = z.object({
  year: z.coerce.number().int().min(2000, '年份应在 2000-2100 之间').max(2100, '年份应在 2000-2100 之间').optional(),
  month: z.coerce.number().int().min(1, '月份应为 1-12').max(12, '月份应为 1-12').optional(),
});

export const overviewRoutes =
  (service: OversightService): FastifyPluginAsync =>
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
      async (request) => service.overview(currentUser(request), request.query),
    );
  };
