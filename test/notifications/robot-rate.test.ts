// More than 20 messages a minute to one WeCom group robot: the rate gate
// (earliestAllowedSend over the sends claimed in the outbox) spaces them, so
// the loopback robot, which refuses like WeCom past 20 a minute (45009),
// refuses none. Real worker, real notification workflows, PostgreSQL outbox.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { createActivities } from '../../activities';
import { startWecomProviderServer } from '../../notify/testing/wecom-provider-server';
import { connectTestStack, createTestWorker, uniqueTaskQueue, type TestStack } from '../support/stack';
import { testActivityDeps } from '../support/activity-deps';
import { createTestTownship, type TestTownship } from '../support/fixtures';
import { openTaskNow } from '../support/open-task';

const KEY = 'robot-rate-key';
let stack: TestStack;
let t: TestTownship;

beforeAll(async () => {
  stack = await connectTestStack();
  t = await createTestTownship(stack.db, 'robot-rate');
});
afterAll(async () => stack?.close());

describe('robot rate gate', () => {
  it('25 reminders to one WeCom robot within a minute are spaced, none refused', async () => {
    const server = await startWecomProviderServer([KEY], { perMinute: 20 });
    const taskQueue = uniqueTaskQueue('robot-rate');
    const deps = await testActivityDeps({
      db: stack.db,
      client: stack.client,
      taskQueue,
      notify: {
        quietHours: { start: '22:00', end: '07:00', enabled: false },
        robots: [{ communityId: t.community.id, kind: 'wecom', webhookUrl: `${server.url}/cgi-bin/webhook/send?key=${KEY}` }],
      },
    });
    const worker = await createTestWorker(stack, taskQueue, createActivities(deps));
    try {
      await worker.runUntil(async () => {
        const { spec } = await openTaskNow({
          db: stack.db,
          client: stack.client,
          taskQueue,
          communityId: t.community.id,
          ruleId: 'fraud.investigation',
          dueInMs: 7 * 86_400_000,
        });
        const at = new Date().toISOString();
        await Promise.all(
          Array.from({ length: 25 }, (_, i) =>
            stack.client.workflow.execute('notificationWorkflow', {
              taskQueue,
              workflowId: `test/robot-rate/${randomUUID()}`,
              args: [{ obligationKey: spec.key, event: 'reminder', sequence: `r${i}`, at }],
            }),
          ),
        );
      });
      expect(server.accepted).toHaveLength(25);
      expect(server.requests).toHaveLength(25); // nothing refused and retried
      const times = [...server.acceptedAt].sort((a, b) => a - b);
      for (const t0 of times) expect(times.filter((x) => x >= t0 && x < t0 + 60_000).length).toBeLessThanOrEqual(20);
      expect(times.at(-1)! - times[0]!).toBeGreaterThanOrEqual(60_000);
    } finally {
      await server.close();
    }
  }, 240_000);
});
