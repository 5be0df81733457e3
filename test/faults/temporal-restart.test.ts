// Fault: the Temporal server stops (SIGTERM) while task deadlines fall due and
// comes back on the same persisted state (--db-filename). Workflows continue:
// every deduction exists exactly once, every task ends OVERDUE.
// Real Temporal dev server of its own, real worker, real PostgreSQL.
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import type { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { createDatabase, type Database } from '../../db/client';
import { connectTemporalClient, connectWorkerConnection, waitForTemporal } from '../../platform/temporal';
import { freePort } from '../../stack/ports';
import { startTemporalDevServer, type RunningTemporal } from '../../stack/temporal-dev-server';
import { createDubanWorker } from '../../worker/create-worker';
import { testActivityDeps } from '../support/activity-deps';
import { createTestTownship } from '../support/fixtures';
import { monthlyRulesWithDeduction, openTaskNow } from '../support/open-task';
import { uniqueTaskQueue } from '../support/stack';

describe('the Temporal server stops and restarts mid-run', () => {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'duban-fault-temporal-'));
  const dbFile = path.join(scratch, 'temporal.sqlite');
  let port: number;
  let server: RunningTemporal;
  let db: Database;
  let client: Client;
  let connection: NativeConnection;
  let worker: Worker;
  let running: Promise<void>;
  const taskQueue = uniqueTaskQueue('fault-temporal');

  const start = async () => {
    server = await startTemporalDevServer({ cliPath: inject('temporalCliPath'), port, dbFile });
    await waitForTemporal(server.address, 30_000);
  };

  beforeAll(async () => {
    port = await freePort();
    await start();
    db = createDatabase(inject('databaseUrl'));
    client = await connectTemporalClient(server.address, 'default');
    connection = await connectWorkerConnection(server.address);
    worker = await createDubanWorker({
      connection,
      namespace: 'default',
      taskQueue,
      activities: createActivities(await testActivityDeps({ db, client, taskQueue })),
      workflowBundle: { codePath: inject('workflowBundlePath') },
    });
    running = worker.run();
  });
  afterAll(async () => {
    worker?.shutdown();
    await running?.catch(() => {});
    await connection?.close().catch(() => {});
    await client?.connection.close().catch(() => {});
    await server?.stop().catch(() => {});
    await db?.$disconnect();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('continues every workflow after the restart: each deduction once, each task OVERDUE', async () => {
    const t = await createTestTownship(db, 'fault-temporal');
    const communities = [t.community.id, t.otherCommunity.id];
    const rules = (await monthlyRulesWithDeduction()).slice(0, 4);
    // Due in 12 s: the server is down across (most of) the deadlines.
    const tasks = [];
    for (const communityId of communities)
      for (const ruleId of rules) tasks.push(await openTaskNow({ db, client, taskQueue, communityId, ruleId, dueInMs: 12_000 }));
    const keys = tasks.map((task) => task.spec.key);
    const stoppedAt = Date.now();
    await server.stop();
    await new Promise((r) => setTimeout(r, 15_000));
    const duringOutage = await db.deduction.count({ where: { businessKey: { in: keys } } });
    await start();
    const downMs = Date.now() - stoppedAt;
    const deadline = Date.now() + 120_000;
    while (
      (await db.obligation.count({ where: { businessKey: { in: keys }, status: 'OVERDUE' } })) < keys.length &&
      Date.now() < deadline
    ) {
      await new Promise((r) => setTimeout(r, 500));
    }
    const rows = await db.deduction.findMany({ where: { businessKey: { in: keys } } });
    console.log(
      `Temporal down ${downMs} ms across ${keys.length} deadlines; deductions during the outage: ${duringOutage}; after restart: ${rows.length} in ${Date.now() - deadline + 120_000} ms`,
    );
    expect(duringOutage).toBeLessThan(keys.length);
    expect(rows.map((r) => r.businessKey).sort()).toEqual([...keys].sort());
    expect(await db.obligation.count({ where: { businessKey: { in: keys }, status: 'OVERDUE' } })).toBe(keys.length);
  }, 240_000);
});
