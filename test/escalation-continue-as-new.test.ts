// Escalation across continue-as-new, on a real Temporal dev server told to
// suggest continue-as-new after a few dozen events (production: 4,096, which
// hourly escalation reaches in about ten days). Before the escalation cursor
// was carried in the state, every run after the first recomputed the schedule
// from the deadline and fired all past slots at once.
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities } from '../activities';
import { createDatabase, type Database } from '../db/client';
import { connectTemporalClient, connectWorkerConnection, waitForTemporal } from '../platform/temporal';
import { startTemporalDevServer, type RunningTemporal } from '../stack/temporal-dev-server';
import { freePort } from '../stack/ports';
import { createDubanWorker } from '../worker/create-worker';
import { obligationWorkflowId } from '../workflows/ids';
import { stateQuery } from '../workflows/obligation/messages';
import { testActivityDeps } from './support/activity-deps';
import { createTestTownship } from './support/fixtures';
import { obligationSpec, startObligation } from './support/open-task';

const SLOT_MS = 2_000;

describe('escalation after continue-as-new (dev server with a small history limit)', () => {
  let temporal: RunningTemporal;
  let db: Database;
  let client: Client;
  let connection: NativeConnection;
  let worker: Worker;
  let running: Promise<void>;
  const taskQueue = `can-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    temporal = await startTemporalDevServer({
      cliPath: inject('temporalCliPath'),
      port: await freePort(),
      dynamicConfig: ['limit.historyCount.suggestContinueAsNew=40'],
    });
    await waitForTemporal(temporal.address, 30_000);
    db = createDatabase(inject('databaseUrl'));
    client = await connectTemporalClient(temporal.address, 'default');
    connection = await connectWorkerConnection(temporal.address);
    worker = await createDubanWorker({
      connection,
      namespace: 'default',
      taskQueue,
      workflowBundle: { codePath: inject('workflowBundlePath') },
      activities: createActivities(await testActivityDeps({ db, client, taskQueue })),
    });
    running = worker.run();
  });

  afterAll(async () => {
    worker?.shutdown();
    await running;
    await connection?.close();
    await client?.connection.close();
    await db?.$disconnect();
    await temporal?.stop();
  });

  it('keeps one escalation per slot from one run to the next', async () => {
    const township = await createTestTownship(db, 'can');
    const now = Date.now();
    const base = await obligationSpec({
      communityId: township.community.id,
      ruleId: 'fraud.publicity',
      opensAt: new Date(now - 3_600_000),
      dueAt: new Date(now + 1_000),
      periodKey: `can-${randomUUID().slice(0, 6)}`,
      periodLabel: '本期',
    });
    // Secretary at the deadline, then a slot every 2 s: continue-as-new comes after two or three escalations.
    const spec = { ...base, escalation: { name: 'test', steps: [{ role: 'secretary' as const, wait: 'PT0S' }], repeatEvery: 'PT2S' } };
    await startObligation(client, taskQueue, spec);
    const handle = client.workflow.getHandle(obligationWorkflowId(spec.key));
    const firstRun = (await handle.describe()).runId;

    const escalations = () => db.escalation.findMany({ where: { obligation: { businessKey: spec.key } }, orderBy: { level: 'asc' } });
    const until = Date.now() + 60_000;
    // Wait for at least two runs after the first, so resumed runs are what is measured.
    let runs = 1;
    while (Date.now() < until) {
      runs = 0;
      for await (const execution of client.workflow.list({ query: `WorkflowId = '${obligationWorkflowId(spec.key)}'` }))
        if (execution) runs++;
      if (runs >= 3) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(runs).toBeGreaterThanOrEqual(3);
    expect((await handle.describe()).runId).not.toBe(firstRun);

    const rows = await escalations();
    const elapsed = Date.now() - Date.parse(spec.dueAt);
    // At most one per slot since the deadline (plus the slot at the deadline itself)…
    expect(rows.length).toBeLessThanOrEqual(Math.floor(elapsed / SLOT_MS) + 1);
    // …and never two in the same slot: consecutive escalations are a slot apart, less scheduling jitter.
    const times = rows.map((r) => r.notifiedAt.getTime());
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThan(SLOT_MS / 2);
    expect(rows.map((r) => r.level)).toEqual(rows.map((_, i) => i + 1));
    const state = await handle.query(stateQuery);
    expect(state.escalationLevel).toBe(rows.length);
    expect(Date.parse(state.nextEscalationAt!)).toBeGreaterThan(times.at(-1)!);
    await handle.terminate('test over');
  });
});
