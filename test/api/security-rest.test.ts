// Issue #13 finding 7, the rest: a reviewer may not approve files they
// uploaded; the session cookie's Secure flag follows the request's scheme on
// loopback and is always set elsewhere; evidence is private on disk; one
// undecryptable ledger row does not break the list; self-checks stay in their
// township; names ending in a dot are refused; incident uploads are rate-limited.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { createLocalStorage } from '../../storage/local-storage';
import { secureCookiesFor } from '../../api/plugins/auth';
import { selfCheckWorkflowId } from '../../workflows/ids';
import { testActivityDeps } from '../support/activity-deps';
import { openTaskNow } from '../support/open-task';
import { createTestWorker, uniqueTaskQueue } from '../support/stack';
import { createEvidence } from '../support/fixtures';
import { BOUNDARY, multipartBody, photo } from './evidence-samples';
import { idNumber, login, seedTownship, startApi, type Client, type TestApi, type Township } from './support';

const ID = idNumber('51010119800101123');

describe('finding 7: the smaller holes', () => {
  let api: TestApi;
  let root: string;
  let t: Township;
  let worker: Worker;
  let running: Promise<void>;
  const taskQueue = uniqueTaskQueue('sec-rest');
  let staff: Client;
  let leader: Client;
  let zhengfa: Client;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'duban-sec-rest-'));
    api = await startApi({ taskQueue, evidenceStorage: createLocalStorage(root), uploadRateLimit: { max: 3, timeWindow: 60_000 } });
    worker = await createTestWorker(
      api.stack,
      taskQueue,
      createActivities(await testActivityDeps({ db: api.db, client: api.stack.client, taskQueue })),
    );
    running = worker.run();
    t = await seedTownship(api.db);
    [staff, leader, zhengfa] = await Promise.all([
      login(api.app, t.users.staffA.username),
      login(api.app, t.users.leaderA.username),
      login(api.app, t.users.zhengfa.username),
    ]);
  });
  afterAll(async () => {
    worker?.shutdown();
    await running;
    await api?.close();
  });

  const upload = (client: Client, url: string, name: string, content: Buffer) =>
    client.request({
      method: 'POST',
      url,
      headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
      payload: multipartBody(name, content),
    });

  it('refuses a reviewer who uploaded a file of the submission (409 in Chinese); another reviewer may approve', async () => {
    const { id } = await openTaskNow({
      db: api.db,
      client: api.stack.client,
      taskQueue,
      communityId: t.communityA,
      ruleId: 'fraud.publicity',
      dueInMs: 24 * 3_600_000,
    });
    const byLeader = await createEvidence(api.db, t.communityA, t.users.leaderA.id, 1);
    const byStaff = await createEvidence(api.db, t.communityA, t.users.staffA.id, 1);
    const submitted = await staff.post(`/api/tasks/${id}/submissions`, { evidenceIds: [...byLeader, ...byStaff] });
    expect(submitted.statusCode, submitted.body).toBe(200);
    const submissionId = (await api.db.submission.findFirstOrThrow({ where: { obligation: { id } } })).id;
    const own = await leader.post(`/api/tasks/${id}/submissions/${submissionId}/review`, { decision: 'approve' });
    expect(own.statusCode).toBe(409);
    expect(own.json()).toMatchObject({ error: 'own_upload' });
    expect(own.json().message).toMatch(/本人上传/);
    expect((await zhengfa.post(`/api/tasks/${id}/submissions/${submissionId}/review`, { decision: 'approve' })).statusCode).toBe(200);
  });

  it('keeps evidence files 0600 and folders 0700, the root included', async () => {
    expect((await upload(staff, `/api/evidence?communityId=${t.communityA}`, 'p1.jpg', await photo(1))).statusCode).toBe(201);
    expect((await stat(root)).mode & 0o777).toBe(0o700);
    const entries = await readdir(root, { recursive: true, withFileTypes: true });
    expect(entries.some((e) => e.isFile())).toBe(true);
    for (const e of entries) {
      const mode = (await stat(join(e.parentPath, e.name))).mode & 0o777;
      expect([e.name, mode]).toEqual([e.name, e.isDirectory() ? 0o700 : 0o600]);
    }
  });

  it('refuses file names ending in a dot, or in dots and spaces after the extension', async () => {
    // Its own user: the allowance of 3 uploads a minute in this file is per user.
    const secretary = await login(api.app, t.users.secretaryA.username);
    for (const name of ['run.exe.', 'photo.jpg. .', '报告.pdf .  ']) {
      const res = await upload(secretary, `/api/evidence?communityId=${t.communityA}`, name, await photo(2));
      expect([name, res.statusCode]).toEqual([name, 400]);
      expect(res.json()).toMatchObject({ error: 'bad_file_name' });
      expect(res.json().message).toMatch(/不能以“\.”结尾/);
    }
  });

  it('counts incident evidence uploads in the same per-user allowance as /api/evidence (429)', async () => {
    const incident = await leader.post('/api/incidents', {
      communityId: t.communityA,
      ruleId: 'stability.petition-province',
      description: '群众越级上访一次',
      occurredOn: '2026-11-02',
      idempotencyKey: randomUUID(),
    });
    expect(incident.statusCode, incident.body).toBe(201);
    const url = `/api/incidents/${incident.json().id}/evidence`;
    expect((await upload(leader, `/api/evidence?communityId=${t.communityA}`, 'a.jpg', await photo(3))).statusCode).toBe(201);
    for (let i = 0; i < 2; i++) expect((await upload(leader, url, `b${i}.jpg`, await photo(4 + i))).statusCode).toBe(201);
    const limited = await upload(leader, url, 'c.jpg', await photo(9));
    expect(limited.statusCode).toBe(429);
    expect(limited.json().message).toMatch(/上传过于频繁/);
  });

  it("lists a community's ledger with one undecryptable row shown as unreadable, not a 500", async () => {
    const add = async (name: string) => {
      const res = await staff.post('/api/ledgers', {
        communityId: t.communityA,
        category: 'drug-user',
        kind: 'PERSON',
        displayName: name,
        riskLevel: 'medium',
        startDate: '2022-03-01',
        idNumber: ID,
      });
      expect(res.statusCode, res.body).toBe(201);
      return res.json().id as string;
    };
    const good = await add('王五');
    const damaged = await add('赵六');
    // Another row's ciphertext: authenticated against the wrong row id, so it cannot decrypt here.
    const { idNumberEnc } = await api.db.ledgerSubject.findUniqueOrThrow({ where: { id: good } });
    await api.db.ledgerSubject.update({ where: { id: damaged }, data: { idNumberEnc } });
    const res = await staff.get(`/api/ledgers?communityId=${t.communityA}`);
    expect(res.statusCode, res.body).toBe(200);
    const rows = res.json() as Array<{ id: string; unreadable: boolean; idNumberMasked: string | null }>;
    expect(rows.find((r) => r.id === good)).toMatchObject({ unreadable: false, idNumberMasked: `510***********${ID.slice(-4)}` });
    expect(rows.find((r) => r.id === damaged)).toMatchObject({ unreadable: true, idNumberMasked: null });
    const secretary = await login(api.app, t.users.secretaryA.username);
    const full = await secretary.get(`/api/ledgers/${damaged}/sensitive`);
    expect(full.statusCode).toBe(200);
    expect(full.json()).toMatchObject({ unreadable: true, idNumber: null });
  });

  it('reads a self-check back only from its own township', async () => {
    const admin = await login(api.app, t.users.admin.username);
    const other = await seedTownship(api.db);
    const otherAdmin = await login(api.app, other.users.admin.username);
    const workflowId = selfCheckWorkflowId(t.townshipId, randomUUID());
    await api.db.selfCheck.create({ data: { workflowId, requestedAt: new Date(), note: 'timer of 0 ms elapsed' } });
    const url = `/api/system/self-checks/${encodeURIComponent(workflowId)}`;
    expect((await admin.get(url)).statusCode).toBe(200);
    const foreign = await otherAdmin.get(url);
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json()).toMatchObject({ error: 'not_found' });
  });
});

describe('session cookie Secure flag', () => {
  let api: TestApi;
  let t: Township;
  beforeAll(async () => {
    api = await startApi({ secureCookies: secureCookiesFor('127.0.0.1'), trustProxy: true });
    t = await seedTownship(api.db);
  });
  afterAll(async () => api?.close());

  const loginCookie = async (headers: Record<string, string>) => {
    const res = await api.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: t.users.staffA.username, password: 'correct-horse-battery' },
      headers,
    });
    expect(res.statusCode).toBe(200);
    return res.cookies.find((c) => c.name === 'duban_session')!;
  };

  it('is always Secure when the API listens beyond loopback', () => {
    expect(secureCookiesFor('0.0.0.0')).toBe(true);
    expect(secureCookiesFor('10.1.2.3')).toBe(true);
    expect(secureCookiesFor('::')).toBe(true);
  });

  it('on loopback: Secure over HTTPS from a trusted proxy, not over plain http (npm start in a browser)', async () => {
    expect((await loginCookie({})).secure).toBeFalsy();
    expect((await loginCookie({ 'x-forwarded-proto': 'https' })).secure).toBe(true);
  });
});
