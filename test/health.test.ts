import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Client } from '@temporalio/client';
import type { NativeConnection, Worker } from '@temporalio/worker';
import { buildApp } from '../api/app';
import { composeApp } from '../api/compose';
import { createActivities } from '../activities';
import { createDatabase, type Database } from '../db/client';
import { testActivityDeps } from './support/activity-deps';
import { connectTemporalClient, connectWorkerConnection } from '../platform/temporal';
import { startTemporalDevServer, type RunningTemporal } from '../stack/temporal-dev-server';
import { freePort } from '../stack/ports';
import { createDubanWorker } from '../worker/create-worker';

// This file runs its own Temporal dev server so that it can kill it.
describe('health endpoint', () => {
  let temporal: RunningTemporal;
  let port: number;
  let scratch: string;
  let db: Database;
  let client: Client;
  let connection: NativeConnection;
  let worker: Worker;
  let running: Promise<void>;
  let app: FastifyInstance;

  const startServer = () =>
    startTemporalDevServer({ cliPath: inject('temporalCliPath'), port, dbFile: path.join(scratch, 'temporal.sqlite') });
  const health = async () => {
    const response = await app.inject({ method: 'GET', url: '/api/health' });
    return {
      status: response.statusCode,
      body: response.json() as { status: string; checks: Record<string, { ok: boolean; detail?: string }> },
    };
  };
  async function waitFor(predicate: (h: Awaited<ReturnType<typeof health>>) => boolean, timeoutMs: number) {
    const started = Date.now();
    for (;;) {
      const h = await health();
      if (predicate(h)) return { ...h, elapsedMs: Date.now() - started };
      if (Date.now() - started > timeoutMs) throw new Error(`health never matched: ${JSON.stringify(h.body)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  beforeAll(async () => {
    scratch = mkdtempSync(path.join(os.tmpdir(), 'duban-health-'));
    port = await freePort();
    temporal = await startServer();
    db = createDatabase(inject('databaseUrl'));
    client = await connectTemporalClient(temporal.address, 'default');
    connection = await connectWorkerConnection(temporal.address);
    worker = await createDubanWorker({
      connection,
      namespace: 'default',
      taskQueue: 'health-test',
      activities: createActivities(await testActivityDeps({ db, client, taskQueue: 'health-test' })),
      workflowBundle: { codePath: inject('workflowBundlePath') },
    });
    running = worker.run().catch(() => {});
    app = await buildApp(await composeApp({ db, temporal: client, namespace: 'default', taskQueue: 'health-test' }));
  });

  afterAll(async () => {
    await app?.close();
    worker?.shutdown();
    await running;
    await temporal?.stop();
    await db?.$disconnect();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('is green when database, Temporal and a polling worker are all up', async () => {
    const h = await waitFor((x) => x.status === 200, 20_000);
    expect(h.body).toMatchObject({ status: 'ok', checks: { database: { ok: true }, temporal: { ok: true }, worker: { ok: true } } });
    // The server is named: the dev server here, the cluster under npm run cluster.
    expect(h.body.checks.temporal!.detail).toMatch(/^Temporal \d+\.\d+\.\d+ \(1 history shard\(s\), sqlite\)$/);
  });

  it('says Temporal is down within seconds of the server being killed, and recovers when it is back', async () => {
    temporal.process.kill('SIGKILL');
    await temporal.stop();
    const down = await waitFor((x) => x.status === 503 && !x.body.checks.temporal!.ok, 10_000);
    expect(down.elapsedMs).toBeLessThan(10_000);
    expect(down.body.status).toBe('degraded');
    expect(down.body.checks.database!.ok).toBe(true);
    // The connection error itself (host, port, driver text) stays in the log.
    expect(down.body.checks.temporal!.detail).toBe('无法连接或未及时应答，详情见 API 日志 (unreachable or not answering; see the API log)');

    temporal = await startServer();
    const up = await waitFor((x) => x.body.checks.temporal!.ok, 30_000);
    expect(up.body.checks.temporal!.ok).toBe(true);
  });

  it('says the worker is missing when no worker polls the task queue', async () => {
    const other = await buildApp(await composeApp({ db, temporal: client, namespace: 'default', taskQueue: 'nobody-polls-this-queue' }));
    const response = await other.inject({ method: 'GET', url: '/api/health' });
    await other.close();
    expect(response.statusCode).toBe(503);
    expect(response.json().checks.worker).toMatchObject({ ok: false, detail: 'no worker is polling task queue "nobody-polls-this-queue"' });
  });
});
