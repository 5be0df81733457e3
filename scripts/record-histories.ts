// Records real workflow histories for the replay test (test/replay.test.ts):
// runs each workflow type through a typical life on a throw-away dev server
// and writes the histories as JSON. Re-record when a workflow changes on
// purpose (and keep the old files while old executions may still be running).
//   npx tsx scripts/record-histories.ts            (every history)
//   npx tsx scripts/record-histories.ts digest     (only the named ones: others stay as recorded)
import { mkdtempSync, rmSync, chmodSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { execFileSync } from 'node:child_process';
import { createActivities } from '../activities';
import { createDatabase } from '../db/client';
import { connectTemporalClient, connectWorkerConnection, waitForTemporal } from '../platform/temporal';
import { ensureTemporalBinaries } from '../stack/provision';
import { startEmbeddedPostgres } from '../stack/postgres';
import { startTemporalDevServer } from '../stack/temporal-dev-server';
import { migrateDatabase } from '../stack/migrate';
import { freePort } from '../stack/ports';
import { projectRoot } from '../stack/paths';
import { bundleWorkflows, createDubanWorker } from '../worker/create-worker';
import { reviewUpdate, submitEvidenceUpdate, acknowledgeEscalationUpdate, stateQuery } from '../workflows/obligation/messages';
import { testActivityDeps } from '../test/support/activity-deps';
import { createEvidence, createTestTownship } from '../test/support/fixtures';
import { openTaskNow } from '../test/support/open-task';

Runtime.install({ logger: new DefaultLogger('WARN') });
const out = path.join(projectRoot, 'test', 'replay', 'histories');
const only = process.argv.slice(2);
const scratch = mkdtempSync(path.join(os.tmpdir(), 'duban-record-'));
chmodSync(scratch, 0o755);
const binaries = ensureTemporalBinaries(console.log);
const postgres = await startEmbeddedPostgres({ dataDir: path.join(scratch, 'pg'), port: await freePort(), database: 'record' });
// A small history limit makes the server suggest continue-as-new within seconds (scenario 5); the
// other scenarios stay below it.
const temporal = await startTemporalDevServer({
  cliPath: binaries.cli,
  port: await freePort(),
  dynamicConfig: ['limit.historyCount.suggestContinueAsNew=60'],
});
try {
  await migrateDatabase(postgres.url);
  await waitForTemporal(temporal.address, 30_000);
  const db = createDatabase(postgres.url);
  const client = await connectTemporalClient(temporal.address, 'default');
  const taskQueue = `record-${randomUUID().slice(0, 6)}`;
  const worker = await createDubanWorker({
    connection: await connectWorkerConnection(temporal.address),
    namespace: 'default',
    taskQueue,
    activities: createActivities(await testActivityDeps({ db, client, taskQueue })),
    workflowBundle: await bundleWorkflows(),
  });
  await worker.runUntil(async () => {
    const t = await createTestTownship(db, 'record');
    const open = (ruleId: string, dueInMs: number) => openTaskNow({ db, client, taskQueue, communityId: t.community.id, ruleId, dueInMs });

    // 1. Evidence submitted, rejected, resubmitted and approved: closed on time.
    const closed = await open('fraud.investigation', 60 * 60_000);
    const handle = client.workflow.getHandle(`obligation/${closed.spec.key}`);
    const submit = async () =>
      (
        await handle.executeUpdate(submitEvidenceUpdate, {
          args: [
            {
              submissionId: randomUUID(),
              communityId: t.community.id,
              submittedBy: t.users.staff,
              evidenceIds: await createEvidence(db, t.community.id, t.users.staff, 1),
            },
          ],
        })
      ).seenSubmissions.at(-1)!;
    await handle.executeUpdate(reviewUpdate, {
      args: [{ submissionId: await submit(), reviewerId: t.users.leader, decision: 'reject', reason: '照片不清楚' }],
    });
    await handle.executeUpdate(reviewUpdate, { args: [{ submissionId: await submit(), reviewerId: t.users.leader, decision: 'approve' }] });
    await handle.result();

    // 2. Deadline missed: deduction, escalation, acknowledgement (the workflow then waits for late evidence).
    const missed = await open('drugs.venue-patrol', 1_500);
    const missedHandle = client.workflow.getHandle(`obligation/${missed.spec.key}`);
    // The row is written by the escalate activity just before the workflow counts the level: wait for the workflow.
    while ((await missedHandle.query(stateQuery)).escalationLevel === 0) await new Promise((r) => setTimeout(r, 200));
    await missedHandle.executeUpdate(acknowledgeEscalationUpdate, { args: [{ by: t.users.leader }] });

    // 3. The planner over one day for the township's communities, and the self-check.
    await client.workflow.execute('planObligationsWorkflow', {
      taskQueue,
      workflowId: `plan/record/${randomUUID()}`,
      args: [{ communityIds: [t.community.id], from: '2026-03-01T00:00:00+08:00', to: '2026-03-02T00:00:00+08:00' }],
    });
    await client.workflow.execute('selfCheckWorkflow', {
      taskQueue,
      workflowId: `self-check/record/${randomUUID()}`,
      args: [{ requestedAt: new Date().toISOString(), delayMs: 100 }],
    });
    // 4. The officials' daily digest (the missed task above left its notifications to officials as digest rows or undeliverable ones).
    await client.workflow.execute('digestWorkflow', { taskQueue, workflowId: `digest/record/${randomUUID()}`, args: [{}] });

    // 5. Escalation every 2 s until the server suggests continue-as-new twice: the second run starts from the carried state.
    const repeating = await openTaskNow({
      db,
      client,
      taskQueue,
      communityId: t.community.id,
      ruleId: 'fraud.publicity',
      dueInMs: 1_000,
      escalation: { name: 'record', steps: [{ role: 'secretary', wait: 'PT0S' }], repeatEvery: 'PT2S' },
    });
    const repeatingId = `obligation/${repeating.spec.key}`;
    const runsOf = async (workflowId: string) => {
      const runs: Array<{ runId: string; status: string }> = [];
      for await (const e of client.workflow.list({ query: `WorkflowId = '${workflowId}'` }))
        runs.push({ runId: e.runId, status: e.status.name });
      return runs;
    };
    let continued: Array<{ runId: string; status: string }>;
    while ((continued = (await runsOf(repeatingId)).filter((r) => r.status === 'CONTINUED_AS_NEW')).length < 2)
      await new Promise((r) => setTimeout(r, 500));
    await client.workflow.getHandle(repeatingId).terminate('recorded');

    const wanted = new Map<string, string>([
      [`obligation/${closed.spec.key}`, 'obligation-closed'],
      [`obligation/${missed.spec.key}`, 'obligation-missed-escalated'],
    ]);
    for await (const execution of client.workflow.list()) {
      if (wanted.has(execution.workflowId)) continue;
      if (execution.type === 'notificationWorkflow' && ![...wanted.values()].includes('notification'))
        wanted.set(execution.workflowId, 'notification');
      if (execution.type === 'planObligationsWorkflow') wanted.set(execution.workflowId, 'planner');
      if (execution.type === 'selfCheckWorkflow') wanted.set(execution.workflowId, 'self-check');
      if (execution.type === 'digestWorkflow') wanted.set(execution.workflowId, 'digest');
    }
    for (const [workflowId, name] of wanted) {
      if (only.length > 0 && !only.includes(name)) continue;
      // The CLI's JSON is the format replayers read (historyFromJSON).
      const json = execFileSync(
        binaries.cli,
        ['workflow', 'show', '--address', temporal.address, '--workflow-id', workflowId, '--output', 'json'],
        { encoding: 'utf8' },
      );
      writeFileSync(path.join(out, `${name}.json`), json);
      console.log(`recorded ${name} (${(JSON.parse(json) as { events: unknown[] }).events.length} events)`);
    }
    // A run that began from carried state and ended in continue-as-new (the list is newest first).
    const name = 'obligation-continued-as-new';
    if (only.length === 0 || only.includes(name)) {
      const json = execFileSync(
        binaries.cli,
        [
          'workflow',
          'show',
          '--address',
          temporal.address,
          '--workflow-id',
          repeatingId,
          '--run-id',
          continued.at(0)!.runId,
          '--output',
          'json',
        ],
        { encoding: 'utf8' },
      );
      writeFileSync(path.join(out, `${name}.json`), json);
      console.log(`recorded ${name} (${(JSON.parse(json) as { events: unknown[] }).events.length} events)`);
    }
  });
  await db.$disconnect();
} finally {
  await temporal.stop();
  await postgres.stop();
  rmSync(scratch, { recursive: true, force: true });
}
