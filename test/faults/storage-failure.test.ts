// Fault: the evidence storage fails during an upload (its scratch folder, or
// the folder the object goes to, is not a folder any more: real filesystem
// errors from the real local storage). The client gets 503 in Chinese, no half
// file and no row remain, the task is unchanged; once storage works again the
// same upload succeeds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { createLocalStorage } from '../../storage/local-storage';
import { testActivityDeps } from '../support/activity-deps';
import { openTaskNow } from '../support/open-task';
import { createTestWorker, uniqueTaskQueue } from '../support/stack';
import { login, seedTownship, startApi, type Client, type TestApi, type Township } from '../api/support';
import { BOUNDARY, multipartBody, photo } from '../api/evidence-samples';

describe('evidence storage failing during an upload', () => {
  let api: TestApi;
  let root: string;
  let t: Township;
  let staff: Client;
  let worker: Worker;
  let running: Promise<void>;
  const taskQueue = uniqueTaskQueue('fault-storage');

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'duban-fault-storage-'));
    api = await startApi({ taskQueue, evidenceStorage: createLocalStorage(root) });
    worker = await createTestWorker(
      api.stack,
      taskQueue,
      createActivities(await testActivityDeps({ db: api.db, client: api.stack.client, taskQueue })),
    );
    running = worker.run();
    t = await seedTownship(api.db);
    staff = await login(api.app, t.users.staffA.username);
  });
  afterAll(async () => {
    worker?.shutdown();
    await running;
    await api?.close();
    await rm(root, { recursive: true, force: true });
  });

  const upload = async (seed: number) =>
    staff.request({
      method: 'POST',
      url: `/api/evidence?communityId=${t.communityA}`,
      headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
      payload: multipartBody('巡查.jpg', await photo(seed)),
    });
  const files = async () =>
    (await readdir(root, { recursive: true, withFileTypes: true }))
      .filter((d) => d.isFile())
      .map((d) => join(d.parentPath, d.name))
      .sort();

  it('answers 503 in Chinese, leaves no file, no row and the task as it was; works again once storage does', async () => {
    const { id } = await openTaskNow({
      db: api.db,
      client: api.stack.client,
      taskQueue,
      communityId: t.communityA,
      ruleId: 'fraud.publicity',
      dueInMs: 3_600_000,
    });
    const taskBefore = await api.db.obligation.findUniqueOrThrow({ where: { id }, include: { submissions: true } });

    // The object's folder is a file: publishing the finished upload fails.
    const blocker = join(root, t.communityA);
    await writeFile(blocker, 'not a folder');
    const failed = await upload(21);
    expect(failed.statusCode, failed.body).toBe(503);
    expect(failed.json()).toMatchObject({ error: 'storage_unavailable' });
    expect(failed.json().message).toMatch(/证据存储暂时不可用/);
    expect(await files()).toEqual([blocker]);

    // The scratch folder is a file: the upload cannot even be received.
    await rm(join(root, '.incoming'), { recursive: true, force: true });
    await writeFile(join(root, '.incoming'), 'not a folder');
    const failedEarly = await upload(22);
    expect(failedEarly.statusCode, failedEarly.body).toBe(503);
    expect(failedEarly.json()).toMatchObject({ error: 'storage_unavailable' });
    expect(await files()).toEqual([blocker, join(root, '.incoming')].sort());

    expect(await api.db.evidence.count({ where: { communityId: t.communityA } })).toBe(0);
    const taskAfter = await api.db.obligation.findUniqueOrThrow({ where: { id }, include: { submissions: true } });
    expect(taskAfter).toEqual(taskBefore);

    await rm(blocker);
    await rm(join(root, '.incoming'));
    const ok = await upload(21);
    expect(ok.statusCode, ok.body).toBe(201);
    const submitted = await staff.post(`/api/tasks/${id}/submissions`, { evidenceIds: [ok.json().id, (await upload(23)).json().id] });
    expect(submitted.statusCode, submitted.body).toBe(200);
  });
});
