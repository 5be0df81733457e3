// The composition root of the API: builds every repository, service, the
// rulebooks and evidence storage once, and hands each route plugin its one
// service (auth, evidence and incidents also get plain HTTP config: the cookie
// flag, the rate limits). server.ts, the tests and the benchmarks call
// composeApp() and give the result to buildApp(); buildApp builds nothing.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyBaseLogger } from 'fastify';
import type { Client } from '@temporalio/client';
import type { Database } from '../db/client';
import { createFieldCipher, missingKeyCipher } from '../db/crypto';
import { auditRepository } from '../db/audit-repository';
import { authRepository, type AuthRepository } from '../db/auth-repository';
import { dataRequestRepository } from '../db/data-request-repository';
import { deductionRepository } from '../db/deduction-repository';
import { dutyShiftRepository } from '../db/duty-shift-repository';
import { evidenceRepository } from '../db/evidence-repository';
import { ledgerRepository } from '../db/ledger-repository';
import { inScoreboardSnapshot, scoreboardRepository } from '../db/scoreboard-repository';
import type { ChangeFeed } from '../db/change-feed';
import { communityDirectory } from '../db/community-directory';
import { selfCheckRepository } from '../db/self-check-repository';
import { sensitiveWindowRepository } from '../db/sensitive-window-repository';
import { settingsRepository } from '../db/settings-repository';
import { taskRepository } from '../db/task-repository';
import { userRepository } from '../db/user-repository';
import type { NotifyConfig } from '../notify';
import { loadRulebookStore, type RulebookStore } from '../platform/rulebook-store';
import { listCapturedMail, readCapturedMail } from '../stack/mail-capture';
import type { EvidenceStorage } from '../storage/evidence-storage';
import { createLocalStorage } from '../storage/local-storage';
import type { OverloadOptions } from './plugins/overload';
import { uploadRateLimitOptions, type UploadRateLimit } from './plugins/upload-limits';
import type { SecureCookies } from './plugins/auth';
import { dataRequestService } from './services/data-request-service';
import { dutyRosterService } from './services/duty-roster-service';
import { heatmapCache as createHeatmapCache, type HeatmapCache } from './services/heatmap';
import { noopLedgerEvents, type LedgerEvents } from './services/ledger-events';
import { noopPlanningEvents, type PlanningEvents } from './services/planning-events';
import { oversightService } from './services/oversight-service';
import { sensitiveWindowService } from './services/sensitive-window-service';
import { ledgerService } from './services/ledger-service';
import { auditService } from './services/audit-service';
import { communityService } from './services/community-service';
import { healthService } from './services/health';
import { notificationService } from './services/notification-service';
import { systemService } from './services/system-service';
import { userService } from './services/user-service';
import { authService } from './services/auth-service';
import { deductionService } from './services/deduction-service';
import { incidentService } from './services/incident-service';
import { evidenceService } from './services/evidence/evidence-service';
import { settingsService } from './services/settings-service';
import { scoreboardWorkbooks } from './services/scoreboard-workbooks';
import { schedulerLedgerEvents } from './services/scheduler-ledger-events';
import { schedulerPlanningEvents } from './services/scheduler-planning-events';
import { taskService } from './services/task-service';
import { scoreboardService } from './services/scoreboard-service';
import type { healthRoutes } from './routes/health';
import type { authRoutes } from './routes/auth';
import type { userRoutes } from './routes/users';
import type { meRoutes } from './routes/me';
import type { communityRoutes } from './routes/communities';
import type { deductionRoutes } from './routes/deductions';
import type { incidentRoutes } from './routes/incidents';
import type { appealRoutes } from './routes/appeals';
import type { auditRoutes } from './routes/audit';
import type { scoreboardRoutes } from './routes/scoreboard';
import type { ledgerRoutes } from './routes/ledgers';
import type { taskRoutes } from './routes/tasks';
import type { oversightRoutes } from './routes/oversight';
import type { overviewRoutes } from './routes/overview';
import type { notificationRoutes } from './routes/notifications';
import type { evidenceRoutes } from './routes/evidence';
import type { dutyShiftRoutes } from './routes/duty-shifts';
import type { sensitiveWindowRoutes } from './routes/sensitive-windows';
import type { dataRequestRoutes } from './routes/data-requests';
import type { systemRoutes } from './routes/system';
import type { roleGrantRoutes } from './routes/role-grants';

/** What the API is built from: connections and configuration (server.ts reads them from the environment). */
export interface AppConfig {
  db: Database;
  temporal: Client;
  namespace: string;
  taskQueue: string;
  logLevel?: string;
  /** base64 AES-256 key for sensitive ledger fields (LEDGER_ENCRYPTION_KEY); without it ledger writes and reads answer 503 */
  ledgerEncryptionKey?: string;
  /** ledger changes reaching the scheduler; default no-op */
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
  /** roster and calendar changes reaching the scheduler (default no-op), and the clock of the services behind the routes (tests move it) */
  planning?: { events?: PlanningEvents; now?: () => Date };
  /** evidence uploads per user (default 30 per minute) */
  uploadRateLimit?: UploadRateLimit;
  /** notification settings (NOTIFY_CONFIG) for the channel status and the local mail capture; absent = nothing configured */
  notify?: NotifyConfig;
  /** the overload gate (api/plugins/overload.ts); default OVERLOAD_DEFAULTS */
  overload?: OverloadOptions;
  /** tells cached reads (scoreboard, community directory) when their rows change in any process; absent = no caching (db/change-feed.ts) */
  changes?: ChangeFeed;
}

type DepsOf<F extends (deps: never) => unknown> = Parameters<F>[0];

/** One service per route plugin (with plain config where HTTP needs it), in the order app.ts registers them. */
export interface RouteDeps {
  health: DepsOf<typeof healthRoutes>;
  auth: DepsOf<typeof authRoutes>;
  users: DepsOf<typeof userRoutes>;
  me: DepsOf<typeof meRoutes>;
  communities: DepsOf<typeof communityRoutes>;
  deductions: DepsOf<typeof deductionRoutes>;
  incidents: DepsOf<typeof incidentRoutes>;
  appeals: DepsOf<typeof appealRoutes>;
  audit: DepsOf<typeof auditRoutes>;
  scoreboard: DepsOf<typeof scoreboardRoutes>;
  ledgers: DepsOf<typeof ledgerRoutes>;
  tasks: DepsOf<typeof taskRoutes>;
  oversight: DepsOf<typeof oversightRoutes>;
  overview: DepsOf<typeof overviewRoutes>;
  notifications: DepsOf<typeof notificationRoutes>;
  evidence: DepsOf<typeof evidenceRoutes>;
  dutyShifts: DepsOf<typeof dutyShiftRoutes>;
  sensitiveWindows: DepsOf<typeof sensitiveWindowRoutes>;
  dataRequests: DepsOf<typeof dataRequestRoutes>;
  system: DepsOf<typeof systemRoutes>;
  roleGrants: DepsOf<typeof roleGrantRoutes>;
}

/** What buildApp receives. */
export interface AppDeps {
  logLevel?: string;
  overload?: OverloadOptions;
  /** the session store of the auth plugin */
  sessions: AuthRepository;
  secureCookies: SecureCookies;
  trustProxy?: boolean;
  /** emptied by app.ts when a write can repaint a past month */
  heatmapCache: HeatmapCache;
  /** moved on by app.ts after each write it answers (read your own writes) */
  changes?: ChangeFeed;
  /** the route dependencies; services that log get the app's logger */
  routes(log: FastifyBaseLogger): RouteDeps;
}

export async function composeApp(config: AppConfig): Promise<AppDeps> {
  const { db, temporal, taskQueue } = config;
  const cipher = config.ledgerEncryptionKey ? createFieldCipher({ currentKey: config.ledgerEncryptionKey }) : missingKeyCipher;
  const directory = communityDirectory(db, config.changes);
  const sessions = authRepository(db, directory);
  const users = userRepository(db);
  const deductions = deductionRepository(db);
  const ledgers = ledgerRepository(db, cipher);
  const tasks = taskRepository(db);
  const secureCookies = config.secureCookies ?? true;
  const storage = config.evidenceStorage ?? createLocalStorage(mkdtempSync(path.join(os.tmpdir(), 'duban-evidence-')));
  const rulebooks = config.rulebooks ?? (await loadRulebookStore(fileURLToPath(new URL('../rulebooks', import.meta.url))));
  const now = config.planning?.now ?? (() => new Date());
  const events = config.planning?.events ?? noopPlanningEvents;
  // One allowance per user across every upload route (evidence and incident files).
  const uploadRateLimit = uploadRateLimitOptions(config.uploadRateLimit);
  const heatmapCache = createHeatmapCache({ ttlMs: 5 * 60_000, quietMs: 30_000, maxEntries: 500 });
  const scoreboard = scoreboardService({ repo: scoreboardRepository(db, directory), rulebooks, changes: config.changes });
  const captureDir = config.notify?.smtp?.captureDir;
  const mailCapture = captureDir
    ? { list: (limit: number) => listCapturedMail(captureDir, limit), read: (id: string) => readCapturedMail(captureDir, id) }
    : undefined;

  return {
    logLevel: config.logLevel,
    overload: config.overload,
    sessions,
    secureCookies,
    trustProxy: config.trustProxy,
    heatmapCache,
    changes: config.changes,
    routes(log) {
      const tasksService = taskService({ tasks, temporal, rulebooks, log });
      const accounts = userService(users);
      const deductionsService = deductionService(deductions, rulebooks, scoreboard.countedOf);
      const evidence = evidenceService({ evidence: evidenceRepository(db), storage, log });
      const oversight = oversightService({ tasks, taskService: tasksService, scoreboard, heatmapCache, directory, now });
      return {
        health: healthService({ db, temporal, namespace: config.namespace, taskQueue, log }),
        auth: { service: authService(sessions), secureCookies, loginRateLimit: config.loginRateLimit },
        users: accounts,
        me: settingsService({ settings: settingsRepository(db), notify: config.notify }),
        communities: communityService(users),
        deductions: deductionsService,
        incidents: {
          service: incidentService({ repo: deductions, rulebooks, now, deductions: deductionsService, evidence }),
          uploadRateLimit,
        },
        appeals: deductionsService,
        audit: auditService(auditRepository(db)),
        scoreboard: {
          service: scoreboard,
          workbooks: scoreboardWorkbooks({
            scoreboard,
            snapshot: (read) => inScoreboardSnapshot(db, (repo) => read(scoreboardService({ repo, rulebooks }))),
            changes: config.changes,
          }),
        },
        ledgers: ledgerService({ repo: ledgers, users, events: config.ledgerEvents ?? noopLedgerEvents, rulebooks, now, log }),
        tasks: tasksService,
        oversight,
        overview: oversight,
        notifications: notificationService({ notify: config.notify, mailCapture }),
        evidence: { service: evidence, uploadRateLimit },
        dutyShifts: dutyRosterService({ repo: dutyShiftRepository(db), rulebooks, events, now, log }),
        sensitiveWindows: sensitiveWindowService({ repo: sensitiveWindowRepository(db), rulebooks, events, now, log }),
        dataRequests: dataRequestService({
          repo: dataRequestRepository(db),
          rulebooks,
          temporal: { client: temporal, taskQueue },
          now,
          log,
        }),
        system: systemService({ temporal, taskQueue, selfChecks: selfCheckRepository(db) }),
        roleGrants: accounts,
      };
    },
  };
}

/** In production, ledger, roster and calendar changes start planner runs at once (tests leave them out or pass their own). */
export function schedulerEvents(db: Database, temporal: Client, taskQueue: string): Pick<AppConfig, 'ledgerEvents' | 'planning'> {
  return {
    ledgerEvents: schedulerLedgerEvents({ temporal, taskQueue, tasks: taskRepository(db) }),
    planning: { events: schedulerPlanningEvents({ temporal, taskQueue, communitiesOf: sensitiveWindowRepository(db).communityIdsOf }) },
  };
}
