import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Worker } from '@temporalio/worker';
import proto from '@temporalio/proto';
import { buildApp } from '../api/app';
import { composeApp } from '../api/compose';
import { createActivities } from '../activities';
import { testActivityDeps } from './support/activity-deps';
import { connectTestStack, createTestWorker, uniqueTaskQueue, type TestStack } from './support/stack';
import { login, seedTownship, type Client } from './api/support';

const { EventType } = proto.temporal.api.enums.v1;

describe('self-check workflow on the real Temporal dev server and PostgreSQL', () => {
  let stack: TestStack;
  let worker: Worker;
  let app: FastifyInstance;
  let running: Promise<void>;
  let admin: Client;
  const taskQueue = uniqueTaskQueue('self-check');

  beforeAll(async () => {
    stack = await connectTestStack();
    worker = await createTestWorker(
      stack,
      taskQueue,
      createActivities(await testActivityDeps({ db: stack.db, client: stack.client, taskQueue })),
    );
    running = worker.run();
    app = await buildApp(await composeApp({ db: stack.db, temporal: stack.client, namespace: stack.namespace, taskQueue }));
    admin = await login(app, (await seedTownship(stack.db)).users.admin.username);
  });

  afterAll(async () => {
    await app?.close();
    worker?.shutdown();
    await running;
    await stack?.close();
  });

  it('starts through the API, waits on a durable timer, writes a row through Prisma and reads it back through the API', async () => {
    const started = await admin.post('/api/system/self-checks', { delayMs: 1500 });
    expect(started.statusCode).toBe(202);
    const { workflowId } = started.json() as { workflowId: string };

    const before = await admin.get(`/api/system/self-checks/${encodeURIComponent(workflowId)}`);
    expect(before.statusCode).toBe(404);

    const handle = stack.client.workflow.getHandle(workflowId);
    const result = await handle.result();
    expect(result.workflowId).toBe(workflowId);

    const history = await handle.fetchHistory();
    const eventTypes = (history.events ?? []).map((e) => e.eventType);
    expect(eventTypes).toContain(EventType.EVENT_TYPE_TIMER_FIRED);
    expect(eventTypes).toContain(EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED);

    const after = await admin.get(`/api/system/self-checks/${encodeURIComponent(workflowId)}`);
    expect(after.statusCode).toBe(200);
    const row = after.json() as { workflowId: string; requestedAt: string; completedAt: string; note: string };
    expect(row.workflowId).toBe(workflowId);
    expect(row.note).toBe('timer of 1500 ms elapsed');
    expect(new Date(row.completedAt).getTime() - new Date(row.requestedAt).getTime()).toBeGreaterThanOrEqual(1500);
  });

  it('rejects an out-of-range delay with a 400 that names the field', async () => {
    const response = await admin.post('/api/system/self-checks', { delayMs: -5 });
    expect(response.statusCode).toBe(400);
    expect(response.json().message).toContain('delayMs');
  });

  it('starts nothing for anyone but an admin: each call would start a workflow', async () => {
    expect((await app.inject({ method: 'POST', url: '/api/system/self-checks', payload: { delayMs: 0 } })).statusCode).toBe(401);
    const staff = await login(app, (await seedTownship(stack.db)).users.staffA.username);
    expect((await staff.post('/api/system/self-checks', { delayMs: 0 })).statusCode).toBe(403);
  });

  it('reports database, Temporal and worker healthy', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/health' });
    expect(response.json()).toMatchObject({
      status: 'ok',
      checks: { database: { ok: true }, temporal: { ok: true }, worker: { ok: true } },
    });
    expect(response.statusCode).toBe(200);
  });
});
