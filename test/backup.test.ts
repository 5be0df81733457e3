// Backup and restore (npm run backup / npm run restore): the whole test
// database and an evidence folder are backed up, restored into a fresh
// database and a fresh folder, and a second API on the restored copy shows the
// same scoreboard, the same evidence bytes and the same decrypted ledger entry.
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { randomBytes, randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../api/app';
import { composeApp } from '../api/compose';
import { createDatabase, type Database } from '../db/client';
import { createLocalStorage } from '../storage/local-storage';
import { backup, restore } from '../stack/backup';
import { BOUNDARY, multipartBody, photo } from './api/evidence-samples';
import { idNumber, login, seedTownship, type Township } from './api/support';
import { connectTestStack, type TestStack } from './support/stack';

describe('backup and restore', () => {
  let stack: TestStack;
  let scratch: string;
  let t: Township;
  let app: FastifyInstance;
  let restoredApp: FastifyInstance | undefined;
  let restoredDb: Database | undefined;
  let restoredUrl: string;
  const ledgerEncryptionKey = randomBytes(32).toString('base64');

  beforeAll(async () => {
    stack = await connectTestStack();
    scratch = await mkdtemp(join(tmpdir(), 'duban-backup-'));
    const deps = { temporal: stack.client, namespace: stack.namespace, taskQueue: 'test-backup-unused', ledgerEncryptionKey };
    app = await buildApp(await composeApp({ ...deps, db: stack.db, evidenceStorage: createLocalStorage(join(scratch, 'evidence')) }));
    t = await seedTownship(stack.db);
    // The fresh database the backup goes into, on the same server.
    const url = new URL(inject('databaseUrl'));
    const admin = new pg.Client({ connectionString: url.toString() });
    await admin.connect();
    const name = `restore_${randomUUID().slice(0, 8)}`;
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    url.pathname = `/${name}`;
    restoredUrl = url.toString();
  });
  afterAll(async () => {
    await restoredApp?.close();
    await restoredDb?.$disconnect();
    await app?.close();
    await stack?.close();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it('restores into a fresh database and folder: same scoreboard through the API, same evidence bytes, same ledger entry', async () => {
    const zhengfa = await login(app, t.users.zhengfa.username);
    const staff = await login(app, t.users.staffA.username);
    for (const [communityId, ruleId] of [
      [t.communityA, 'stability.petition-province'],
      [t.communityB, 'general.county-notice'],
      [t.communityA, 'general.county-notice'],
    ] as const) {
      const res = await zhengfa.post('/api/incidents', {
        communityId,
        ruleId,
        description: '备份测试事件',
        occurredOn: '2026-11-02',
        idempotencyKey: randomUUID(),
      });
      expect(res.statusCode, res.body).toBe(201);
    }
    const reversed = (
      await zhengfa.post('/api/incidents', {
        communityId: t.communityB,
        ruleId: 'stability.petition-province',
        description: '重复登记',
        occurredOn: '2026-11-03',
        idempotencyKey: randomUUID(),
      })
    ).json();
    expect((await zhengfa.post(`/api/deductions/${reversed.id}/reversals`, { reason: '重复登记' })).statusCode).toBe(201);
    const uploaded = await staff.request({
      method: 'POST',
      url: `/api/evidence?communityId=${t.communityA}`,
      headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
      payload: multipartBody('巡查.jpg', await photo(7)),
    });
    expect(uploaded.statusCode, uploaded.body).toBe(201);
    const evidenceId = uploaded.json().id as string;
    const ledger = await staff.post('/api/ledgers', {
      communityId: t.communityA,
      category: 'drug-user',
      kind: 'PERSON',
      displayName: '钱七',
      riskLevel: 'medium',
      startDate: '2022-03-01',
      idNumber: idNumber('51010119800101123'),
      details: { diagnosis: '戒断中' },
    });
    expect(ledger.statusCode, ledger.body).toBe(201);

    const secretary = await login(app, t.users.secretaryA.username);
    const before = {
      board: (await zhengfa.get('/api/scoreboard?year=2026&month=11')).json(),
      file: (await staff.get(`/api/evidence/${evidenceId}/file`)).rawPayload,
      ledger: (await secretary.get(`/api/ledgers/${ledger.json().id}/sensitive`)).json(),
    };
    expect(before.board.communities.find((c: { id: string }) => c.id === t.communityA).ytdDeducted).toBeGreaterThan(0);
    expect(before.file.length).toBeGreaterThan(1000);

    const dir = join(scratch, 'backup');
    const taken = await backup({ databaseUrl: inject('databaseUrl'), evidenceDir: join(scratch, 'evidence'), dir });
    expect(taken.manifest.tables.Deduction!.rows).toBeGreaterThanOrEqual(4);
    expect(Object.keys(taken.manifest.evidence!).length).toBeGreaterThanOrEqual(1);
    console.log(
      `backup: ${Object.values(taken.manifest.tables).reduce((n, x) => n + x.rows, 0)} rows, ${Object.keys(taken.manifest.evidence!).length} files, ${taken.ms} ms`,
    );

    const restoredEvidence = join(scratch, 'restored-evidence');
    const done = await restore({ databaseUrl: restoredUrl, evidenceDir: restoredEvidence, dir });
    console.log(`restore: ${done.ms} ms`);
    // A second restore onto the same rows is refused, not doubled.
    await expect(restore({ databaseUrl: restoredUrl, dir })).rejects.toThrow(/already has rows/);

    restoredDb = createDatabase(restoredUrl);
    const restoredMaxAudit = (await restoredDb.auditLog.aggregate({ _max: { id: true } }))._max.id!;
    restoredApp = await buildApp(
      await composeApp({
        db: restoredDb,
        temporal: stack.client,
        namespace: stack.namespace,
        taskQueue: 'test-backup-unused',
        ledgerEncryptionKey,
        evidenceStorage: createLocalStorage(restoredEvidence),
      }),
    );
    const zhengfa2 = await login(restoredApp, t.users.zhengfa.username);
    const staff2 = await login(restoredApp, t.users.staffA.username);
    const secretary2 = await login(restoredApp, t.users.secretaryA.username);
    expect((await zhengfa2.get('/api/scoreboard?year=2026&month=11')).json()).toEqual(before.board);
    expect((await staff2.get(`/api/evidence/${evidenceId}/file`)).rawPayload.equals(before.file)).toBe(true);
    expect((await secretary2.get(`/api/ledgers/${ledger.json().id}/sensitive`)).json()).toEqual(before.ledger);
    // Audit ids (an identity column) continue after the restored ones: the logins above were written, not refused as duplicates.
    const logins = await restoredDb.auditLog.findMany({ where: { action: 'auth.login', id: { gt: restoredMaxAudit } } });
    expect(logins).toHaveLength(3);
  });

  it('refuses a damaged backup before touching the database', async () => {
    const dir = join(scratch, 'backup');
    const dbFiles = await readdir(join(dir, 'db'));
    await writeFile(
      join(
        dir,
        'db',
        dbFiles.find((f) => f.startsWith('Deduction'))!,
      ),
      'not gzip',
    );
    await expect(restore({ databaseUrl: restoredUrl, dir, replace: true })).rejects.toThrow(/damaged/);
    expect(await restoredDb!.deduction.count()).toBeGreaterThanOrEqual(4);
  });
});
