// Escalations are batched per person per window: a secretary with seven
// overdue tasks escalated at once gets one message listing the seven, whose
// link opens the page where they are acknowledged. Real worker, PostgreSQL
// rows, real notification workflows, a real SMTP server on loopback.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { createActivities, type Activities } from '../../activities';
import { createNotificationActivities } from '../../activities/notification-activities';
import { startSmtpProviderServer } from '../../notify/testing/smtp-provider-server';
import { connectTestStack, createTestWorker, uniqueTaskQueue, type TestStack } from '../support/stack';
import { testActivityDeps } from '../support/activity-deps';
import { createTestTownship, type TestTownship } from '../support/fixtures';
import { openTaskNow } from '../support/open-task';
import { eventually } from '../support/eventually';

const SMTP_USER = 'duban';
const SMTP_PASS = 'smtp-test-secret';
const DAY = 86_400_000;

let stack: TestStack;
let t: TestTownship;

beforeAll(async () => {
  stack = await connectTestStack();
  t = await createTestTownship(stack.db, 'esc-batch');
});
afterAll(async () => stack?.close());

describe('escalation messages batched per recipient per window', () => {
  it('seven escalations to one secretary in one window make one email listing seven tasks, linked to the escalation page', async () => {
    const server = await startSmtpProviderServer({ user: SMTP_USER, pass: SMTP_PASS });
    const taskQueue = uniqueTaskQueue('esc-batch');
    const deps = await testActivityDeps({
      db: stack.db,
      client: stack.client,
      taskQueue,
      // Quiet hours off: fraud.investigation escalates under the standard (not urgent) policy, which waits for 07:00 in Shanghai.
      notify: {
        quietHours: { start: '22:00', end: '07:00', enabled: false },
        smtp: {
          host: '127.0.0.1',
          port: server.port,
          secure: false,
          user: SMTP_USER,
          pass: SMTP_PASS,
          from: '督办系统 <duban@duban.test>',
          timeoutMs: 3000,
        },
      },
    });
    // A 12-second window keeps the test short (configured in whole minutes: NOTIFY escalationBatchMinutes).
    const windowMs = 12_000;
    const activities: Activities = {
      ...createActivities(deps),
      ...createNotificationActivities({ ...deps, ...deps.notify, escalationBatchMinutes: windowMs / 60_000 }),
    };
    const worker = await createTestWorker(stack, taskQueue, activities);
    try {
      await worker.runUntil(async () => {
        const keys: string[] = [];
        for (let i = 0; i < 7; i++)
          keys.push(
            (
              await openTaskNow({
                db: stack.db,
                client: stack.client,
                taskQueue,
                communityId: t.community.id,
                ruleId: 'fraud.investigation',
                dueInMs: 7 * DAY,
              })
            ).spec.key,
          );
        // Windows are aligned to the clock: the seven are raised just after a window opens, so that
        // all of them are held before it ends even on a loaded machine (one held after the end goes
        // out in a message of its own: test/db/escalation-batch-take.test.ts).
        await eventually(() => Date.now() % windowMs < 300, { intervalMs: 20, timeoutMs: 2 * windowMs, what: 'start of a batch window' });
        const at = new Date().toISOString();
        await Promise.all(
          keys.map((obligationKey) =>
            stack.client.workflow.execute('notificationWorkflow', {
              taskQueue,
              workflowId: `test/esc-batch/${randomUUID()}`,
              args: [{ obligationKey, event: 'escalation', sequence: '1', level: 1, role: 'secretary', at }],
            }),
          ),
        );

        expect(server.mails).toHaveLength(1);
        const mail = server.mails[0]!;
        expect(mail.subject).toBe('【督办升级】共7项逾期任务待您督促确认');
        expect(mail.to && 'text' in mail.to ? mail.to.text : '').toContain('secretary@duban.test');
        const lines = (mail.text ?? '').split('\n').filter((l) => /^\d+\. /.test(l));
        expect(lines).toHaveLength(7);
        for (const line of lines) expect(line).toContain('已升级至社区书记');
        expect(mail.text).toContain('http://duban.test/#/escalations');

        const held = await stack.db.notification.findMany({ where: { channel: 'escalation-batch', userId: t.users.secretary } });
        expect(held).toHaveLength(7);
        const sent = await stack.db.notification.findMany({ where: { channel: 'email', userId: t.users.secretary, event: 'digest' } });
        expect(sent).toHaveLength(1);
        expect(sent[0]).toMatchObject({ status: 'SENT', attempts: 1 });
        for (const row of held) expect(row).toMatchObject({ status: 'SENT', providerResponse: { foldedInto: sent[0]!.businessKey } });
      });
    } finally {
      await server.close();
    }
  });
});
