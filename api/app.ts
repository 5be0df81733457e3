// The Fastify application as a plugin-composed instance with no listen():
// server.ts adds the network, tests call app.inject().
import Fastify, { type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fastifyStatic from '@fastify/static';
import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, hasZodFastifySchemaValidationErrors, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Client } from '@temporalio/client';
import type { Database } from '../db/client';
import { HttpError } from './errors';
import { chineseOnly } from '../domain/chinese-only';
import { frameworkClientError } from './framework-errors';
import { refuseUnsafeText } from './routes/schemas';
import { healthRoutes } from './routes/health';
import { systemRoutes } from './routes/system';
import { authPlugin, type SecureCookies } from './plugins/auth';
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
import { createRepositories } from './services/repositories';
import { noopLedgerEvents, type LedgerEvents } from './services/ledger-events';
import { taskRoutes } from './routes/tasks';
import { evidenceRoutes } from './routes/evidence';
import { createLocalStorage } from '../storage/local-storage';
import type { EvidenceStorage } from '../storage/evidence-storage';
import { overviewRoutes } from './routes/overview';
import { oversightRoutes } from './routes/oversight';
import { heatmapCache as createHeatmapCache } from './services/heatmap';
import { notificationRoutes } from './routes/notifications';
import type { NotifyConfig } from '../notify';
import { meRoutes } from './routes/me';
import { settingsRepository } from '../db/settings-repository';
import { taskService } from './services/task-service';
import { taskRepository } from '../db/task-repository';
import { loadRulebookStore, type RulebookStore } from '../platform/rulebook-store';
import { noopPlanningEvents, type PlanningEvents } from './services/planning-events';
import { dutyShiftRoutes } from './routes/duty-shifts';
import { sensitiveWindowRoutes } from './routes/sensitive-windows';
import { dutyRosterService } from './services/duty-roster-service';
import { sensitiveWindowService } from './services/sensitive-window-service';
import { dutyShiftRepository } from '../db/duty-shift-repository';
import { sensitiveWindowRepository } from '../db/sensitive-window-repository';
import { dataRequestRoutes } from './routes/data-requests';
import { dataRequestService } from './services/data-request-service';
import { dataRequestRepository } from '../db/data-request-repository';
import { roleGrantRoutes } from './routes/role-grants';
import { uploadRateLimitOptions } from './services/evidence/evidence-upload';

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route as registered: the security matrix walks all of them, so a new route cannot skip it. */
    readonly routeTable: ReadonlyArray<{ method: string; url: string }>;
  }
}

export interface AppDeps {
  db: Database;
  temporal: Client;
  namespace: string;
  taskQueue: string;
  logLevel?: string;
  /** base64 AES-256 key for sensitive ledger fields (LEDGER_ENCRYPTION_KEY); without it ledger writes and reads answer 503 */
  ledgerEncryptionKey?: string;
  /** wired by the lead to Temporal; default no-op */
  ledgerEvents?: LedgerEvents;
  /** Secure flag on the session cookie: true (default), false, or 'auto' = when the request came over HTTPS (api/plugins/auth.ts) */
  secureCookies?: SecureCookies;
  /** Fastify trustProxy: behind a TLS-terminating reverse proxy, X-Forwarded-For/-Proto are believed */
  trustProxy?: boolean;
  /** per-IP limit on POST /api/auth/login (default 30 per minute) */
  loginRateLimit?: { max: number; timeWindow: number };
  /** the rulebooks (rule text for tasks); loaded from rulebooks/ when not given */
  rulebooks?: RulebookStore;
  /** where uploaded evidence is kept; default: a temporary folder (tests) */
  evidenceStorage?: EvidenceStorage;
  /** roster and calendar changes reaching the scheduler (default no-op), and the clock of those routes (tests move it) */
  planning?: { events?: PlanningEvents; now?: () => Date };
  /** evidence uploads per user (default 30 per minute) */
  uploadRateLimit?: { max: number; timeWindow: number };
  /** notification settings (NOTIFY_CONFIG) for the channel status and the local mail capture; absent = nothing configured */
  notify?: NotifyConfig;
  /** the overload gate (api/plugins/overload.ts); default OVERLOAD_DEFAULTS */
  overload?: OverloadOptions;
}

/** Reasoned, not yet measured (bench/reads.ts is the tool): past 8 requests at once a 2-core box only queues; 2 s in the queue is the most a person should wait for a 503. */
export const OVERLOAD_DEFAULTS: OverloadOptions = { maxInFlight: 8, maxQueued: 64, maxWaitMs: 2_000, retryAfterS: 2 };

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: deps.logLevel && deps.logLevel !== 'silent' ? { level: deps.logLevel } : false,
    bodyLimit: 1024 * 1024,
    trustProxy: deps.trustProxy ?? false,
    // Errors Fastify raises before routing (a malformed URL): the same { error, message } shape as the error handler.
    frameworkErrors: (error, _request, reply) => {
      const client = frameworkClientError(error) ?? { status: 400, error: 'bad_request', message: '请求格式错误，请检查地址 (bad request)' };
      void (reply as unknown as { code(n: number): { send(b: unknown): void } }).code(client.status).send({ error: client.error, message: client.message });
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
      const details = error.validation.map((v) => `${v.instancePath || '(body)'} ${chineseOnly(v.message ?? '')}`).join('; ');
      return reply.status(400).send({ error: 'validation_failed', message: `请求参数有误: ${details}` });
    }
    if (error instanceof HttpError) {
      return reply.status(error.statusCode).send({ error: error.code, message: chineseOnly(error.message) });
    }
    if (isDatabaseBusy(error)) {
      request.log.warn({ err: error }, 'database pool exhausted');
      return reply.status(503).header('retry-after', '2').send({ error: 'overloaded', message: '系统繁忙，请稍后再试 (server busy, retry shortly)' });
    }
    if (isDatabaseUnreachable(error)) {
      request.log.error({ err: error }, 'database unreachable');
      return reply.status(503).header('retry-after', '10').send({ error: 'database_unavailable', message: '数据库暂时无法连接，本次操作没有保存，请稍后重试；已保存的数据不受影响 (database unreachable, nothing was saved; retry shortly)' });
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
      reply.header('Content-Security-Policy', "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
    }
    reply.header('X-Content-Type-Options', 'nosniff').header('Referrer-Policy', 'no-referrer').header('X-Frame-Options', 'DENY');
    if (request.url.startsWith('/api/')) reply.header('Cache-Control', 'no-store');
  });
  app.setNotFoundHandler((request, reply) => reply.status(404).send({ error: 'not_found', message: `没有这个地址：${request.method} ${request.url.split('?')[0]} (no such route)` }));

  // NUL bytes and lone surrogates are refused for every route, login included (400, not a database error).
  app.addHook('preValidation', refuseUnsafeText);

  const repos = createRepositories(deps.db, deps.ledgerEncryptionKey);
  const secureCookies = deps.secureCookies ?? true;
  await app.register(authPlugin, { sessions: repos.sessions, secureCookies });

  await app.register(healthRoutes(deps), { prefix: '/api' });
  await app.register(authRoutes({ sessions: repos.sessions, secureCookies, loginRateLimit: deps.loginRateLimit }), { prefix: '/api/auth' });
  await app.register(userRoutes(repos), { prefix: '/api/users' });
  await app.register(meRoutes({ settings: settingsRepository(deps.db), notify: deps.notify }), { prefix: '/api/me' });
  await app.register(communityRoutes(repos), { prefix: '/api/communities' });
  await app.register(deductionRoutes(repos), { prefix: '/api/deductions' });
  const storage = deps.evidenceStorage ?? createLocalStorage(mkdtempSync(path.join(os.tmpdir(), 'duban-evidence-')));
  const rulebooks = deps.rulebooks ?? await loadRulebookStore(fileURLToPath(new URL('../rulebooks', import.meta.url)));
  const uploadRateLimit = uploadRateLimitOptions(deps.uploadRateLimit);
  await app.register(incidentRoutes({ ...repos, db: deps.db, storage, rulebooks, uploadRateLimit, now: deps.planning?.now ?? (() => new Date()) }), { prefix: '/api/incidents' });
  await app.register(appealRoutes(repos), { prefix: '/api/appeals' });
  await app.register(auditRoutes(repos), { prefix: '/api/audit' });
  const tasks = taskRepository(deps.db);
  const tasksService = taskService({ tasks, temporal: deps.temporal, rulebooks });
  await app.register(scoreboardRoutes({ ...repos, rulebooks }), { prefix: '/api/scoreboard' });
  await app.register(ledgerRoutes({ ...repos, events: deps.ledgerEvents ?? noopLedgerEvents, rulebooks }), { prefix: '/api/ledgers' });
  await app.register(taskRoutes(tasksService), { prefix: '/api/tasks' });
  const heatmapCache = createHeatmapCache({ ttlMs: 5 * 60_000, quietMs: 30_000, maxEntries: 500 });
  // A change that can repaint a past month (waiver, submission, reversal, appeal, incident) empties the heatmap cache.
  app.addHook('onResponse', async (request, reply) => {
    if (request.method !== 'GET' && reply.statusCode < 400 && /^\/api\/(tasks|deductions|appeals|incidents)(\/|\?|$)/.test(request.url)) heatmapCache.invalidate();
  });
  await app.register(oversightRoutes({ tasks, service: tasksService, heatmapCache }), { prefix: '/api' });
  await app.register(overviewRoutes({ scoreboard: repos.scoreboard, tasks, service: tasksService, heatmapCache, rulebooks }), { prefix: '/api/overview' });
  await app.register(notificationRoutes({ notify: deps.notify }), { prefix: '/api/notifications' });
  await app.register(evidenceRoutes({ db: deps.db, storage, uploadRateLimit }), { prefix: '/api/evidence' });
  const planningNow = deps.planning?.now ?? (() => new Date());
  const planningEvents = deps.planning?.events ?? noopPlanningEvents;
  await app.register(dutyShiftRoutes(dutyRosterService({ repo: dutyShiftRepository(deps.db), rulebooks, events: planningEvents, now: planningNow, log: app.log }), planningNow), { prefix: '/api/duty-shifts' });
  await app.register(sensitiveWindowRoutes(sensitiveWindowService({ repo: sensitiveWindowRepository(deps.db), rulebooks, events: planningEvents, now: planningNow, log: app.log }), planningNow), { prefix: '/api/sensitive-windows' });
  await app.register(dataRequestRoutes(dataRequestService({ repo: dataRequestRepository(deps.db), rulebooks, temporal: { client: deps.temporal, taskQueue: deps.taskQueue }, now: planningNow, log: app.log })), { prefix: '/api/data-requests' });
  await app.register(systemRoutes(deps), { prefix: '/api/system' });
  await app.register(roleGrantRoutes(repos), { prefix: '/api/role-grants' });
  await app.register(fastifyStatic, { root: webRoot(), index: 'index.html' });
  return app;
}

/** The built web UI when present (web/dist), else the static status page. */
function webRoot(): string {
  const built = fileURLToPath(new URL('../web/dist', import.meta.url));
  return existsSync(built) ? built : fileURLToPath(new URL('../web/public', import.meta.url));
}
