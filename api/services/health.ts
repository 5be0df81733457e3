// Truthful health: each dependency is actually exercised, with a short
// deadline, so a dead Temporal server or worker shows within seconds.
import type { Client } from '@temporalio/client';
import proto from '@temporalio/proto';
import type { Database } from '../../db/client';
import { pingDatabase } from '../../db/client';
import { describeTemporalServer } from '../../platform/temporal';
import type { ServiceLog } from './log';

export interface CheckResult {
  ok: boolean;
  latencyMs: number;
  detail?: string;
}

export interface HealthReport {
  status: 'ok' | 'degraded';
  checks: { database: CheckResult; temporal: CheckResult; worker: CheckResult };
}

/**
 * A worker long-polls for up to about a minute, refreshing its last-access
 * time on every poll; one not seen for longer than this is gone.
 */
const WORKER_STALE_AFTER_MS = 75_000;
const CHECK_DEADLINE_MS = 2_000;

export interface HealthDeps {
  db: Database;
  temporal: Client;
  namespace: string;
  taskQueue: string;
}

const UNREACHABLE = '无法连接或未及时应答，详情见 API 日志 (unreachable or not answering; see the API log)';

/** The health route's one service: anyone may call it, so connection errors (hosts, ports, driver text) go to the log, not to the caller. */
export function healthService(deps: HealthDeps & { log: Pick<ServiceLog, 'warn'> }) {
  return {
    async report(): Promise<HealthReport> {
      const health = await checkHealth(deps);
      for (const name of ['database', 'temporal'] as const) {
        const result = health.checks[name];
        if (result.ok || !result.detail) continue;
        deps.log.warn({ check: name, detail: result.detail }, 'health check failed');
        health.checks[name] = { ...result, detail: UNREACHABLE };
      }
      return health;
    },
  };
}

export type HealthService = ReturnType<typeof healthService>;

export async function checkHealth(deps: HealthDeps, now = new Date()): Promise<HealthReport> {
  const [database, temporalCheck, worker] = await Promise.all([
    timed(() => withTimeout(pingDatabase(deps.db), CHECK_DEADLINE_MS).then(() => undefined)),
    // The detail names the server (version, history shards, persistence): the dev server or a cluster.
    timed(() => deps.temporal.connection.withDeadline(Date.now() + CHECK_DEADLINE_MS, () => describeTemporalServer(deps.temporal))),
    timed(() => checkWorker(deps, now)),
  ]);
  const status = database.ok && temporalCheck.ok && worker.ok ? 'ok' : 'degraded';
  return { status, checks: { database, temporal: temporalCheck, worker } };
}

async function checkWorker(deps: { temporal: Client; namespace: string; taskQueue: string }, now: Date): Promise<string> {
  const response = await deps.temporal.connection.withDeadline(Date.now() + CHECK_DEADLINE_MS, () =>
    deps.temporal.workflowService.describeTaskQueue({
      namespace: deps.namespace,
      taskQueue: { name: deps.taskQueue, kind: proto.temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
      taskQueueType: proto.temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
    }),
  );
  const lastSeen = Math.max(0, ...(response.pollers ?? []).map((p) => Number(p.lastAccessTime?.seconds ?? 0) * 1000));
  if (lastSeen === 0) throw new Error(`no worker is polling task queue "${deps.taskQueue}"`);
  const ageMs = now.getTime() - lastSeen;
  if (ageMs > WORKER_STALE_AFTER_MS) throw new Error(`last worker poll was ${Math.round(ageMs / 1000)} s ago`);
  return `${response.pollers?.length ?? 0} poller(s), last seen ${Math.max(0, Math.round(ageMs / 1000))} s ago`;
}

async function timed(check: () => Promise<string | undefined>): Promise<CheckResult> {
  const started = performance.now();
  try {
    const detail = await check();
    return { ok: true, latencyMs: Math.round(performance.now() - started), ...(detail ? { detail } : {}) };
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0]!.slice(0, 200) : String(error);
    return { ok: false, latencyMs: Math.round(performance.now() - started), detail: message };
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}
