// The Fastify application as a plugin-composed instance with no listen():
// server.ts adds the network, tests call app.inject().
import Fastify, { type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fastifyStatic from '@fastify/static';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  hasZodFastifySchemaValidationErrors,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { DomainError } from './errors';
import { chineseOnly } from '../domain/chinese-only';
import type { FailureKind } from '../domain/errors';
import { frameworkClientError } from './framework-errors';
import { refuseUnsafeText } from './routes/schemas';
import { healthRoutes } from './routes/health';
import { systemRoutes } from './routes/system';
import { authPlugin } from './plugins/auth';
import { installOverloadGate, type OverloadOptions } from './plugins/overload';
import { isDatabaseBusy, isDatabaseUnreachable } from '../db/client';
import { authRoutes } from './routes/auth';
import { userRoutes } from './routes/users';
import { communityRoutes } from './routes/communities';
import { ledgerRoutes } from './routes/ledgers';
import { deductionRoutes } from './routes/deductions';
import { incidentRoutes } from './routes/incidents';
import { appealRoutes } from './routes/appeals';
import { scoreboardRoutes } from './routes/scoreboard';
import { auditRoutes } from './routes/audit';
import { taskRoutes } from './routes/tasks';
import { evidenceRoutes } from './routes/evidence';
import { overviewRoutes } from './routes/overview';
import { oversightRoutes } from './routes/oversight';
import { notificationRoutes } from './routes/notifications';
import { meRoutes } from './routes/me';
import { dutyShiftRoutes } from './routes/duty-shifts';
import { sensitiveWindowRoutes } from './routes/sensitive-windows';
import { dataRequestRoutes } from './routes/data-requests';
import { roleGrantRoutes } from './routes/role-grants';
import type { AppDeps } from './compose';

export type { AppDeps } from './compose';

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route as registered: the security matrix walks all of them, so a new route cannot skip it. */
    readonly routeTable: ReadonlyArray<{ method: string; url: string }>;
  }
}

/** The HTTP status of each domain failure (domain/errors.ts). */
const STATUS_OF: Record<FailureKind, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  unsupported_type: 415,
  rate_limited: 429,
  unavailable: 503,
  insufficient_storage: 507,
};

/** Reasoned, not yet measured (bench/reads.ts is the tool): past 8 requests at once a 2-core box only queues; 2 s in the queue is the most a person should wait for a 503. */
export const OVERLOAD_DEFAULTS: OverloadOptions = { maxInFlight: 8, maxQueued: 64, maxWaitMs: 2_000, retryAfterS: 2 };

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: deps.logLevel && deps.logLevel !== 'silent' ? { level: deps.logLevel } : false,
    bodyLimit: 1024 * 1024,
    trustProxy: deps.trustProxy ?? false,
    // Errors Fastify raises before routing (a malformed URL): the same { error, message } shape as the error handler.
    frameworkErrors: (error, _request, reply) => {
      const client = frameworkClientError(error) ?? {
        status: 400,
        error: 'bad_request',
        message: '请求格式错误，请检查地址 (bad request)',
      };
      void (reply as unknown as { code(n: number): { send(b: unknown): void } })
        .code(client.status)
        .send({ error: client.error, message: client.message });
    },
  }).withTypeProvider<ZodTypeProvider>();
  const routeTable: Array<{ method: string; url: string }> = [];
  app.decorate('routeTable', routeTable);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) if (method !== 'HEAD') routeTable.push({ method, url: route.url });
  });
  installOverloadGate(app, deps.overload ?? OVERLOAD_DEFAULTS);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  await app.register(swagger, {
    openapi: { info: { title: 'duban 督办 API', version: '0.1.0', description: '乡镇社会治理和应急管理督办系统' } },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  app.setErrorHandler((error, request, reply) => {
    if (hasZodFastifySchemaValidationErrors(error)) {
      // Our schemas give Chinese messages; zod's own defaults are English ("Invalid input: expected number"): say it in Chinese.
      const readable = (message: string) => (/[\u3400-\u9fff]/.test(message) ? message : '格式不正确');
      const details = error.validation.map((v) => `${v.instancePath || '(body)'} ${readable(chineseOnly(v.message ?? ''))}`).join('; ');
      return reply.status(400).send({ error: 'validation_failed', message: `请求参数有误: ${details}` });
    }
    if (error instanceof DomainError) {
      if (error.cause) request.log.warn({ err: error.cause, code: error.code }, 'request refused: a dependency failed');
      return reply.status(STATUS_OF[error.kind]).send({ error: error.code, message: chineseOnly(error.message) });
    }
    if (isDatabaseBusy(error)) {
      request.log.warn({ err: error }, 'database pool exhausted');
      return reply
        .status(503)
        .header('retry-after', '2')
        .send({ error: 'overloaded', message: '系统繁忙，请稍后再试 (server busy, retry shortly)' });
    }
    if (isDatabaseUnreachable(error)) {
      request.log.error({ err: error }, 'database unreachable');
      return reply.status(503).header('retry-after', '10').send({
        error: 'database_unavailable',
        message:
          '数据库暂时无法连接，本次操作没有保存，请稍后重试；已保存的数据不受影响 (database unreachable, nothing was saved; retry shortly)',
      });
    }
    const client = frameworkClientError(error as { code?: string; statusCode?: number; message?: string });
    if (client) return reply.status(client.status).send({ error: client.error, message: chineseOnly(client.message) });
    // Internal details go to the log only, never to the client.
    request.log.error({ err: error }, 'unhandled error');
    return reply.status(500).send({ error: 'internal', message: '服务器内部错误，请稍后重试' });
  });

  // Every answer: no framing, no type sniffing, no referrer leaks; API answers (ledger reads included) are never cached.
  app.addHook('onSend', async (request, reply) => {
    if (!reply.hasHeader('content-security-policy')) {
      reply.header(
        'Content-Security-Policy',
        "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
      );
    }
    reply.header('X-Content-Type-Options', 'nosniff').header('Referrer-Policy', 'no-referrer').header('X-Frame-Options', 'DENY');
    if (request.url.startsWith('/api/')) reply.header('Cache-Control', 'no-store');
  });
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({ error: 'not_found', message: `没有这个地址：${request.method} ${request.url.split('?')[0]} (no such route)` }),
  );

  // NUL bytes and lone surrogates are refused for every route, login included (400, not a database error).
  app.addHook('preValidation', refuseUnsafeText);

  await app.register(authPlugin, { sessions: deps.sessions, secureCookies: deps.secureCookies });
  // Read your own writes: a write answered here must not be followed by a cached scoreboard (or kept
  // export) from before it. Only the routes that can write what the change feed watches (deductions and
  // their tallies, communities, the names an export prints): a login or a photo upload, all day long,
  // must not drop the caches and set the exports rewriting.
  if (deps.changes) {
    const changes = deps.changes;
    const feedWrites = /^\/api\/(deductions|appeals|incidents|tasks|data-requests|communities|users|ledgers|me)(\/|\?|$)/;
    app.addHook('onSend', async (request, reply) => {
      if (request.method !== 'GET' && request.method !== 'HEAD' && reply.statusCode < 400 && feedWrites.test(request.url)) changes.touch();
    });
  }
  // A change that can repaint a past month (waiver, submission, reversal, appeal, incident) empties the heatmap cache.
  app.addHook('onResponse', async (request, reply) => {
    if (request.method !== 'GET' && reply.statusCode < 400 && /^\/api\/(tasks|deductions|appeals|incidents)(\/|\?|$)/.test(request.url))
      deps.heatmapCache.invalidate();
  });

  // Every route plugin gets its one dependency object from api/compose.ts, the same way.
  const routes = deps.routes(app.log);
  await app.register(healthRoutes(routes.health), { prefix: '/api' });
  await app.register(authRoutes(routes.auth), { prefix: '/api/auth' });
  await app.register(userRoutes(routes.users), { prefix: '/api/users' });
  await app.register(meRoutes(routes.me), { prefix: '/api/me' });
  await app.register(communityRoutes(routes.communities), { prefix: '/api/communities' });
  await app.register(deductionRoutes(routes.deductions), { prefix: '/api/deductions' });
  await app.register(incidentRoutes(routes.incidents), { prefix: '/api/incidents' });
  await app.register(appealRoutes(routes.appeals), { prefix: '/api/appeals' });
  await app.register(auditRoutes(routes.audit), { prefix: '/api/audit' });
  await app.register(scoreboardRoutes(routes.scoreboard), { prefix: '/api/scoreboard' });
  await app.register(ledgerRoutes(routes.ledgers), { prefix: '/api/ledgers' });
  await app.register(taskRoutes(routes.tasks), { prefix: '/api/tasks' });
  await app.register(oversightRoutes(routes.oversight), { prefix: '/api' });
  await app.register(overviewRoutes(routes.overview), { prefix: '/api/overview' });
  await app.register(notificationRoutes(routes.notifications), { prefix: '/api/notifications' });
  await app.register(evidenceRoutes(routes.evidence), { prefix: '/api/evidence' });
  await app.register(dutyShiftRoutes(routes.dutyShifts), { prefix: '/api/duty-shifts' });
  await app.register(sensitiveWindowRoutes(routes.sensitiveWindows), { prefix: '/api/sensitive-windows' });
  await app.register(dataRequestRoutes(routes.dataRequests), { prefix: '/api/data-requests' });
  await app.register(systemRoutes(routes.system), { prefix: '/api/system' });
  await app.register(roleGrantRoutes(routes.roleGrants), { prefix: '/api/role-grants' });
  await app.register(fastifyStatic, { root: webRoot(), index: 'index.html' });
  return app;
}

/** The built web UI when present (web/dist), else the static status page. */
function webRoot(): string {
  const built = fileURLToPath(new URL('../web/dist', import.meta.url));
  return existsSync(built) ? built : fileURLToPath(new URL('../web/public', import.meta.url));
}
