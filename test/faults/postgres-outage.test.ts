// Fault: PostgreSQL stops while task deadlines fall due and people use the API.
// Meanwhile the API answers 503 with a Chinese message (not 500); afterwards
// the deadline activities retry and succeed, each deduction exactly once, and
// evidence accepted before the outage is all there.
// PostgreSQL of its own (so the shared test database stays up), real Temporal dev server, real worker.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { createDatabase, type Database } from '../../db/client';
import { freePort } from '../../stack/ports';
import { startEmbeddedPostgres, type RunningPostgres } from '../../stack/postgres';
import { migrateDatabase } from '../../stack/migrate';
import { createLocalStorage } from '../../storage/local-storage';
import { buildApp } from '../../api/app';
import { composeApp } from '../../api/compose';
import type { FastifyInstance } from 'fastify';
import { testActivityDeps } from '../support/activity-deps';
import { monthlyRulesWithDeduction, openTaskNow } from '../support/open-task';
import { connectTestStack, createTestWorker, uniqueTaskQueue, type TestStack } from '../support/stack';
import { login, seedTownship, type Township } from '../api/support';
import { BOUNDARY, multipartBody, photo } from '../api/evidence-samples';

// A full minute, as the issue asks: long enough for the activities' retry backoff to grow well past its first steps.
const OUTAGE_MS = 60_000;

describe('PostgreSQL stops for a while', () => {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'duban-fault-pg-'));
  chmodSync(scratch, 0o755);
  const password = 'fault-suite-password';
  let port: number;
  let postgres: RunningPostgres;
  let stack: TestStack;
  let db: Database;
  let app: FastifyInstance;
  let worker: Worker;
  let running: Promise<void>;
  let t: Township;
  const taskQueue = uniqueTaskQueue('fault-pg');
  const start = async () =>
    (postgres = await startEmbeddedPostgres({ dataDir: path.join(scratch, 'pg'), port, database: 'duban_fault', password }));

  beforeAll(async () => {
    port = await freePort();
    await start();
    await migrateDatabase(postgres.url);
    stack = await connectTestStack();
    db = createDatabase(postgres.url);
    app = await buildApp(
      await composeApp({
        db,
        temporal: stack.client,
        namespace: stack.namespace,
        taskQueue,
        evidenceStorage: createLocalStorage(path.join(scratch, 'evidence')),
      }),
    );
    worker = await createTestWorker(stack, taskQueue, createActivities(await testActivityDeps({ db, client: stack.client, taskQueue })));
    running = worker.run();
    t = await seedTownship(db);
  });
  afterAll(async () => {
    worker?.shutdown();
    await running?.catch(() => {});
    await app?.close();
    await db?.$disconnect();
    await stack?.close();
    await postgres?.stop().catch(() => {});
    rmSync(scratch, { recursive: true, force: true });
  });

  it('answers 503 in Chinese meanwhile; afterwards every deduction once and the evidence kept', async () => {
    const staff = await login(app, t.users.staffA.username);
    const zhengfa = await login(app, t.users.zhengfa.username);
    const uploaded = await staff.request({
      method: 'POST',
      url: `/api/evidence?communityId=${t.communityA}`,
      headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
      payload: multipartBody('巡查.jpg', await photo(11)),
    });
    expect(uploaded.statusCode, uploaded.body).toBe(201);
    const evidenceId = uploaded.json().id as string;
    const bytes = (await staff.get(`/api/evidence/${evidenceId}/file`)).rawPayload;

    const rules = (await monthlyRulesWithDeduction()).slice(0, 3);
    const tasks = [];
    for (const communityId of [t.communityA, t.communityB])
      for (const ruleId of rules)
        tasks.push(await openTaskNow({ db, client: stack.client, taskQueue, communityId, ruleId, dueInMs: 6_000 }));
    const keys = tasks.map((task) => task.spec.key);

    await postgres.stop();
    const stoppedAt = Date.now();
    const answers: number[] = [];
    const logins: number[] = [];
    let sample;
    while (Date.now() - stoppedAt < OUTAGE_MS) {
      for (const res of [await zhengfa.get('/api/scoreboard?year=2026&month=11'), await staff.get('/api/tasks?scope=mine')]) {
        answers.push(res.statusCode);
        sample ??= res.json();
      }
      const login = await app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: 'nobody', password: 'whatever-it-is' },
      });
      logins.push(login.statusCode);
      await new Promise((r) => setTimeout(r, 1_000));
    }
    await start();
    const back = Date.now();
    const until = back + 120_000;
    while ((await db.obligation.count({ where: { businessKey: { in: keys }, status: 'OVERDUE' } })) < keys.length && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 500));
    }
    const rows = await db.deduction.findMany({ where: { businessKey: { in: keys } } });
    console.log(
      `PostgreSQL down ${back - stoppedAt} ms: ${answers.length} reads answered ${[...new Set(answers)].join('/')}, ${logins.length} logins (${logins.filter((x) => x === 503).length} × 503, ${logins.filter((x) => x === 429).length} × 429); ${rows.length} of ${keys.length} deductions ${Date.now() - back} ms after it came back`,
    );
    expect(new Set(answers)).toEqual(new Set([503]));
    // A login is 503 too, until the per-address login limit (30 a minute, kept in memory, no database needed) answers 429.
    expect(logins.slice(0, 25).every((status) => status === 503)).toBe(true);
    expect(logins.every((status) => status === 503 || status === 429)).toBe(true);
    expect(sample).toMatchObject({ error: 'database_unavailable' });
    expect((sample as unknown as { message: string }).message).toMatch(/数据库暂时无法连接/);
    expect(rows.map((r) => r.businessKey).sort()).toEqual([...keys].sort());
    expect(await db.obligation.count({ where: { businessKey: { in: keys }, status: 'OVERDUE' } })).toBe(keys.length);
    // Accepted evidence: row and bytes as before.
    const again = await staff.get(`/api/evidence/${evidenceId}/file`);
    expect(again.statusCode).toBe(200);
    expect(again.rawPayload.equals(bytes)).toBe(true);
  }, 300_000);
});
