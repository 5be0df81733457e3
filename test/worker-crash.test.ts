// A worker killed (SIGKILL) while deadline activities are recording
// deductions: after another worker takes over, every deduction exists exactly
// once. Real worker process, real Temporal dev server, real PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import type { Worker } from '@temporalio/worker';
import { createActivities } from '../activities';
import { testActivityDeps } from './support/activity-deps';
import { createTestTownship } from './support/fixtures';
import { monthlyRulesWithDeduction, openTaskNow } from './support/open-task';
import { connectTestStack, createTestWorker, uniqueTaskQueue, type TestStack } from './support/stack';
import { eventually } from './support/eventually';
import { spawnWorkerProcess } from './support/spawn-worker';

describe('a worker crash during deadline activities', () => {
  let stack: TestStack;
  let child: ChildProcess;
  let worker: Worker | undefined;
  let running: Promise<void> | undefined;
  const taskQueue = uniqueTaskQueue('crash');

  beforeAll(async () => {
    stack = await connectTestStack();
    child = await spawnWorkerProcess({ taskQueue });
  });

  afterAll(async () => {
    if (child.exitCode === null) child.kill('SIGKILL');
    worker?.shutdown();
    await running;
    await stack?.close();
  });

  it('leaves every deduction recorded exactly once after a restart', async () => {
    const t = await createTestTownship(stack.db, 'crash');
    // Each rule in two communities: enough deadlines at the same instant that the kill lands among them.
    const rules = await monthlyRulesWithDeduction();
    expect(rules.length).toBeGreaterThanOrEqual(8);
    const communities = [t.community.id, t.otherCommunity.id];
    const tasks = await Promise.all(
      communities.flatMap((communityId) =>
        rules.map((ruleId) => openTaskNow({ db: stack.db, client: stack.client, taskQueue, communityId, ruleId, dueInMs: 6_000 })),
      ),
    );
    const keys = tasks.map((task) => task.spec.key);
    const count = () => stack.db.deduction.count({ where: { businessKey: { in: keys } } });

    // Kill the worker as soon as the first deduction lands: the others are being recorded right then.
    await eventually(count, { done: (n) => n > 0, intervalMs: 20, timeoutMs: 60_000, what: 'the first deduction' });
    child.kill('SIGKILL');
    const atKill = await count();

    worker = await createTestWorker(
      stack,
      taskQueue,
      createActivities(await testActivityDeps({ db: stack.db, client: stack.client, taskQueue })),
    );
    running = worker.run();
    await eventually(() => stack.db.obligation.count({ where: { businessKey: { in: keys }, status: 'OVERDUE' } }), {
      done: (n) => n === keys.length,
      intervalMs: 500,
      timeoutMs: 150_000,
      what: 'every task overdue after the restart',
    });
    const rows = await stack.db.deduction.findMany({ where: { communityId: { in: communities } } });
    console.log(`deductions when the worker was killed: ${atKill} of ${keys.length}; after restart: ${rows.length}`);
    expect(atKill).toBeLessThan(keys.length);
    expect(rows.map((r) => r.businessKey).sort()).toEqual([...keys].sort());
    expect(await stack.db.obligation.count({ where: { businessKey: { in: keys }, status: 'OVERDUE' } })).toBe(keys.length);
  }, 200_000);
});
