import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { checkHealth, type HealthDeps } from '../services/health';

const check = z.object({ ok: z.boolean(), latencyMs: z.number(), detail: z.string().optional() });
const report = z.object({
  status: z.enum(['ok', 'degraded']),
  checks: z.object({ database: check, temporal: check, worker: check }),
});

const UNREACHABLE = '无法连接或未及时应答，详情见 API 日志 (unreachable or not answering; see the API log)';

export const healthRoutes =
  (deps: HealthDeps): FastifyPluginAsync =>
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
      async (request, reply) => {
        const health = await checkHealth(deps);
        // Anyone may call this: connection errors (hosts, ports, driver text) go to the log, not to the caller.
        for (const name of ['database', 'temporal'] as const) {
          const result = health.checks[name];
          if (result.ok || !result.detail) continue;
          request.log.warn({ check: name, detail: result.detail }, 'health check failed');
          health.checks[name] = { ...result, detail: UNREACHABLE };
        }
        return reply.status(health.status === 'ok' ? 200 : 503).send(health);
      },
    );
  };
