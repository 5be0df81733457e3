// #6 "Done when": typed errors and no internal text in 5xx, tried on the
// incident and evidence routes with requests a real client can send by
// mistake (bad JSON, wrong content type, oversized body, a bad field),
// and a storage that really fails (its folder is gone, a file in its place).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalStorage } from '../../storage/local-storage';
import { BOUNDARY, minimalPdf } from './evidence-samples';
import { login, seedTownship, startApi, type Client, type TestApi, type Township } from './support';

/** Chinese first, then the English in brackets: the convention of every 4xx (docs/api.md). */
const CHINESE = /[\u4e00-\u9fff]/;

describe('typed errors on the incident and evidence routes', () => {
  let api: TestApi;
  let dir: string;
  let t: Township;
  let leaderA: Client;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'duban-errors-'));
    const storage = createLocalStorage(join(dir, 'not-a-folder', 'evidence'));
    // Then a file where the storage keeps its folder: every upload fails inside the server (ENOTDIR).
    await rm(join(dir, 'not-a-folder'), { recursive: true });
    await writeFile(join(dir, 'not-a-folder'), 'x');
    api = await startApi({ evidenceStorage: storage });
    t = await seedTownship(api.db);
    leaderA = await login(api.app, t.users.leaderA.username);
  });
  afterAll(async () => {
    await api?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const incident = {
    communityId: '',
    ruleId: 'stability.petition-province',
    occurredOn: '2026-11-02',
    description: '越级上访',
    idempotencyKey: 'k',
  };
  const send = (payload: string | Buffer, contentType: string) =>
    leaderA.request({ method: 'POST', url: '/api/incidents', headers: { 'content-type': contentType }, payload });

  it('answers malformed JSON with 400 and a Chinese message', async () => {
    const res = await send('{"communityId": ', 'application/json');
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ error: 'invalid_json', message: expect.stringMatching(CHINESE) });
  });

  it('answers a form post with 415 saying to send JSON', async () => {
    const res = await send('communityId=x', 'application/x-www-form-urlencoded');
    expect(res.statusCode).toBe(415);
    expect(res.json()).toEqual({ error: 'unsupported_media_type', message: expect.stringContaining('application/json') });
    expect(res.json().message).toMatch(CHINESE);
  });

  it('answers a body over 1 MiB with 413', async () => {
    const res = await send(
      JSON.stringify({ ...incident, communityId: t.communityA, description: '长'.repeat(600_000) }),
      'application/json',
    );
    expect(res.statusCode).toBe(413);
    expect(res.json()).toEqual({ error: 'body_too_large', message: expect.stringMatching(CHINESE) });
  });

  it('names the field of a schema failure', async () => {
    const res = await leaderA.post('/api/incidents', { ...incident, communityId: t.communityA, occurredOn: '11月2日' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ error: 'validation_failed', message: expect.stringContaining('/occurredOn 日期格式应为 YYYY-MM-DD') });
  });

  it('answers 503 storage_unavailable with a Chinese line only when the storage fails, and leaves no row', async () => {
    const deduction = await leaderA.post('/api/incidents', { ...incident, communityId: t.communityA, idempotencyKey: randomUUID() });
    expect(deduction.statusCode, deduction.body).toBe(201);
    const res = await leaderA.request({
      method: 'POST',
      url: `/api/incidents/${deduction.json().id}/evidence`,
      headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
      payload: Buffer.concat([
        Buffer.from(
          `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="通报.pdf"\r\nContent-Type: application/pdf\r\n\r\n`,
        ),
        minimalPdf(),
        Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
      ]),
    });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({ error: 'storage_unavailable', message: expect.stringMatching(CHINESE) });
    expect(res.body).not.toMatch(/ENOTDIR|not-a-folder|mkdir/);
    expect(await api.db.evidence.count({ where: { deductionId: deduction.json().id } })).toBe(0);
  });
});
