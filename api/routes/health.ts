import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { HealthService } from '../services/health';

const check = z.object({ ok: z.boolean(), latencyMs: z.number(), detail: z.string().optional() });
const report = z.object({
  status: z.enum(['ok', 'degraded']),
  checks: z.object({ database: check, temporal: check, worker: check }),
});

export const healthRoutes =
  (service: HealthService): FastifyPluginAsync =>
  async (app) => {
    app.withTypeProvider<ZodTypeProvider>().get(
      '/health',
      {
        schema: {
          summary: 'Database, Temporal and worker status; 503 when any is down',
          tags: ['system'],
          response: { 200: report, 503: report },
        },
      },
      async (_request, reply) => {
        const health = await service.report();
        return reply.status(health.status === 'ok' ? 200 : 503).send(health);
      },
    );
  };
