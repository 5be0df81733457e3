// The planner Schedule is reconciled at every worker start, like the digest
// one: a Schedule left with another hour or task queue is brought in line.
// Real Temporal dev server; no worker polls the queue (the triggered run only waits).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScheduleOverlapPolicy } from '@temporalio/client';
import { ensurePlannerSchedule } from '../worker/planner-schedule';
import { connectTestStack, uniqueTaskQueue, type TestStack } from './support/stack';

let stack: TestStack;
beforeAll(async () => {
  stack = await connectTestStack();
});
afterAll(async () => {
  await stack?.close();
});

describe('planner Schedule on worker start', () => {
  it('updates a Schedule left with another hour and task queue, and leaves a current one alone', async () => {
    const scheduleId = `planner-test-${uniqueTaskQueue('p')}`;
    const taskQueue = uniqueTaskQueue('planner');
    // What an older release left behind: 03:00 UTC on another queue.
    await stack.client.schedule.create({
      scheduleId,
      spec: { calendars: [{ hour: 3, minute: 0 }], timezone: 'UTC' },
      action: { type: 'startWorkflow', workflowType: 'planObligationsWorkflow', taskQueue: 'old-queue', args: [{}] },
      policies: { overlap: ScheduleOverlapPolicy.BUFFER_ONE },
      state: { paused: true },
    });
    try {
      await ensurePlannerSchedule(stack.client, taskQueue, scheduleId);
      const described = await stack.client.schedule.getHandle(scheduleId).describe();
      expect(described.spec.timezone).toBe('Asia/Shanghai');
      expect(described.spec.calendars?.[0]?.hour).toEqual([{ start: 22, end: 22, step: 1 }]);
      expect(described.action.type === 'startWorkflow' && described.action.taskQueue).toBe(taskQueue);

      // A second start finds it current: nothing changes (the update time stays).
      const updatedAt = described.info.lastUpdatedAt?.getTime();
      await ensurePlannerSchedule(stack.client, taskQueue, scheduleId);
      expect((await stack.client.schedule.getHandle(scheduleId).describe()).info.lastUpdatedAt?.getTime()).toBe(updatedAt);
    } finally {
      await stack.client.schedule.getHandle(scheduleId).delete();
    }
  });
});
