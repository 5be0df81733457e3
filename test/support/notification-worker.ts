// The notification tests' shared setup: a worker with the real notification
// activities on the channels a test configures, and a task whose reminders go
// to the community secretary.
import type { Worker } from '@temporalio/worker';
import { createActivities, type Activities } from '../../activities';
import { createNotificationActivities } from '../../activities/notification-activities';
import type { NotifyConfig } from '../../notify';
import { testActivityDeps } from './activity-deps';
import type { TestTownship } from './fixtures';
import { openTaskNow } from './open-task';
import { createTestWorker, type TestStack } from './stack';

/** Quiet hours off: a test must not wait for 07:00 in Shanghai. */
export const QUIET_HOURS_OFF = { start: '22:00', end: '07:00', enabled: false };

const DAY = 86_400_000;

/** A worker whose notification activities use only the channels given (plus options such as test faults or the in-doubt grace). */
export async function notificationWorker(
  stack: TestStack,
  taskQueue: string,
  notify: Partial<NotifyConfig>,
  extra: Partial<Parameters<typeof createNotificationActivities>[0]> = {},
): Promise<Worker> {
  const deps = await testActivityDeps({
    db: stack.db,
    client: stack.client,
    taskQueue,
    notify: { quietHours: QUIET_HOURS_OFF, ...notify },
  });
  const activities: Activities = { ...createActivities(deps), ...createNotificationActivities({ ...deps, ...deps.notify, ...extra }) };
  return createTestWorker(stack, taskQueue, activities);
}

/** An open task (fraud.investigation, due in a week) assigned to `assigneeId`; returns its key. */
export async function assignedTask(stack: TestStack, township: TestTownship, taskQueue: string, assigneeId: string): Promise<string> {
  const { spec } = await openTaskNow({
    db: stack.db,
    client: stack.client,
    taskQueue,
    communityId: township.community.id,
    ruleId: 'fraud.investigation',
    dueInMs: 7 * DAY,
  });
  await stack.db.obligation.update({ where: { businessKey: spec.key }, data: { assigneeId } });
  return spec.key;
}

/** An open task assigned to the community secretary; returns its key. */
export function secretaryTask(stack: TestStack, township: TestTownship, taskQueue: string): Promise<string> {
  return assignedTask(stack, township, taskQueue, township.users.secretary);
}
