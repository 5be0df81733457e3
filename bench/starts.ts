// Part 2: workflow starts at the month boundary on one Temporal server, the
// bare engine (trivial sleeping workflows) against duban's real start path.
import { MockActivityEnvironment } from '@temporalio/testing';
import type { Client } from '@temporalio/client';
import type { Database } from '../db/client';
import type { Activities } from '../activities';

export const START_CONCURRENCY = 16;
const DAY_MS = 86_400_000;

export interface BareResult {
  workflows: number;
  startMs: number;
  startsPerSecond: number;
  /** until the last started workflows show a completed first task (sampled with describe) */
  firstTasksMs: number | undefined;
}

export interface DubanResult {
  communities: number;
  generated: number;
  started: number;
  /** the whole activity: load from PostgreSQL, generate, start with bounded concurrency */
  activityMs: number;
  startsPerSecond: number;
  /** until every started workflow has run registerObligation (its row exists) */
  rowsMs: number | undefined;
  rowsPerSecond: number | undefined;
}

/** Runs `task` for 0..count-1 with at most `limit` in flight. */
async function bounded(count: number, limit: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, lane));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** True once the workflow's first workflow task has completed (its timer is started). */
async function firstTaskDone(client: Client, workflowId: string): Promise<boolean> {
  const description = await client.workflow.getHandle(workflowId).describe();
  return description.historyLength >= 5 || description.status.name !== 'RUNNING';
}

export async function benchBareStarts(client: Client, taskQueue: string, count: number, label: string): Promise<BareResult> {
  const requestedAt = new Date().toISOString();
  const ids = Array.from({ length: count }, (_, i) => `bench-${label}-${i}`);
  const t0 = performance.now();
  await bounded(count, START_CONCURRENCY, async (i) => {
    // A day-long durable timer: the workflow takes its first task, then just sleeps.
    await client.workflow.start('selfCheckWorkflow', { taskQueue, workflowId: ids[i]!, args: [{ requestedAt, delayMs: DAY_MS }] });
  });
  const startMs = performance.now() - t0;
  // Workflow tasks are dispatched roughly in start order: wait for the last one
  // started (few describes, so the polling does not load the server), then check
  // that the last START_CONCURRENCY ones are done too.
  const sample = ids.slice(-START_CONCURRENCY);
  let firstTasksMs: number | undefined;
  const deadline = performance.now() + 180_000;
  while (performance.now() < deadline) {
    if (await firstTaskDone(client, ids[ids.length - 1]!)) {
      const done = await Promise.all(sample.map((id) => firstTaskDone(client, id)));
      if (done.every(Boolean)) {
        firstTasksMs = performance.now() - t0;
        break;
      }
    }
    await sleep(250);
  }
  return { workflows: count, startMs, startsPerSecond: count / (startMs / 1000), firstTasksMs };
}

async function countObligations(db: Database, communityIds: string[]): Promise<number> {
  return db.obligation.count({ where: { communityId: { in: communityIds } } });
}

export async function benchDubanStarts(opts: {
  db: Database;
  activities: Activities;
  communityIds: string[];
  window: { from: Date; to: Date };
}): Promise<DubanResult> {
  const { db, activities, communityIds } = opts;
  const env = new MockActivityEnvironment();
  const t0 = performance.now();
  const target: { rows?: number } = {};
  let rowsMs: number | undefined;
  // Watch PostgreSQL while the activity runs: rows appear as workflows take their first task.
  const watcher = (async () => {
    const deadline = t0 + 300_000;
    while (performance.now() < deadline) {
      const rows = await countObligations(db, communityIds);
      if (target.rows !== undefined && rows >= target.rows) {
        rowsMs = performance.now() - t0;
        return;
      }
      await sleep(250);
    }
  })();
  const result: { generated: number; started: number } = await env.run(activities.startObligations, {
    communityIds,
    from: opts.window.from.toISOString(),
    to: opts.window.to.toISOString(),
    dueAfter: new Date().toISOString(),
  });
  const activityMs = performance.now() - t0;
  target.rows = result.started;
  await watcher;
  return {
    communities: communityIds.length,
    generated: result.generated,
    started: result.started,
    activityMs,
    startsPerSecond: result.started / (activityMs / 1000),
    rowsMs,
    rowsPerSecond: rowsMs === undefined ? undefined : result.started / (rowsMs / 1000),
  };
}
