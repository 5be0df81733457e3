// Officials' daily digest on a real worker: routine notifications to officials
// are queued as digest rows by the real notification workflow, the digest
// Schedule is triggered, and one email per official arrives at a real SMTP
// server; a second run the same day sends nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import type { ParsedMail } from 'mailparser';
import { createActivities } from '../../activities';
import { digestKey } from '../../activities/notification-activities';
import { digestWindow } from '../../notify';
import { startSmtpProviderServer, type SmtpProviderServer } from '../../notify/testing/smtp-provider-server';
import { ensureDigestSchedule } from '../../worker/digest-schedule';
import type { DigestRunResult } from '../../workflows/digest/digest-workflow';
import { connectTestStack, createTestWorker, uniqueTaskQueue, type TestStack } from '../support/stack';
import { testActivityDeps } from '../support/activity-deps';
import { createTestTownship, type TestTownship } from '../support/fixtures';
import { openTaskNow } from '../support/open-task';
import { assignedTask } from '../support/notification-worker';
import { eventually } from '../support/eventually';

const DAY = 86_400_000;
let stack: TestStack;
let t: TestTownship;
let server: SmtpProviderServer;
const fullMailboxes = new Set<string>();

beforeAll(async () => {
  stack = await connectTestStack();
  t = await createTestTownship(stack.db, 'digest');
  server = await startSmtpProviderServer({ user: 'duban', pass: 'smtp-test-secret', fullMailboxes });
});
afterAll(async () => {
  await server?.close();
  await stack?.close();
});

describe('daily digest for officials (Schedule, real worker, PostgreSQL rows, real SMTP)', () => {
  it('one email per official listing their items; a second trigger the same day sends nothing new', async () => {
    const taskQueue = uniqueTaskQueue('digest');
    const deps = await testActivityDeps({
      db: stack.db,
      client: stack.client,
      taskQueue,
      notify: {
        smtp: {
          host: '127.0.0.1',
          port: server.port,
          secure: false,
          user: 'duban',
          pass: 'smtp-test-secret',
          from: '督办系统 <duban@duban.test>',
          timeoutMs: 3000,
        },
      },
    });
    const worker = await createTestWorker(stack, taskQueue, createActivities(deps));
    const scheduleId = `test-digest-${randomUUID().slice(0, 8)}`;
    await worker
      .runUntil(async () => {
        // Three tasks: two assigned to the area leader, one to the political-legal member.
        const task = async (ruleId: string, assigneeId: string) => {
          const { spec } = await openTaskNow({
            db: stack.db,
            client: stack.client,
            taskQueue,
            communityId: t.community.id,
            ruleId,
            dueInMs: 7 * DAY,
          });
          await stack.db.obligation.update({ where: { businessKey: spec.key }, data: { assigneeId } });
          return spec.key;
        };
        const keys = [
          await task('fraud.investigation', t.users.leader),
          await task('fraud.publicity', t.users.leader),
          await task('fraud.investigation', t.users.zhengfa),
        ];
        // The real notification workflow routes a routine reminder for an official to the digest.
        for (const key of keys) {
          await stack.client.workflow.execute('notificationWorkflow', {
            taskQueue,
            workflowId: `test/digest/${randomUUID()}`,
            args: [{ obligationKey: key, event: 'reminder', sequence: 'd1', at: new Date().toISOString() }],
          });
        }
        const rows = () =>
          stack.db.notification.findMany({
            where: { channel: 'digest', userId: { in: [t.users.leader, t.users.zhengfa] } },
            orderBy: { businessKey: 'asc' },
          });
        expect((await rows()).map((r) => r.status)).toEqual(['QUEUED', 'QUEUED', 'QUEUED']);
        expect(server.mails).toHaveLength(0);

        // Queued yesterday: before the cut-off of the digest the schedule's run now stands for.
        const { day, cutoff } = digestWindow(new Date().toISOString(), 8);
        await stack.db.notification.updateMany({
          where: { channel: 'digest', userId: { in: [t.users.leader, t.users.zhengfa] } },
          data: { createdAt: new Date(Date.parse(cutoff) - 3_600_000) },
        });

        await ensureDigestSchedule(stack.client, taskQueue, 8, scheduleId);
        await ensureDigestSchedule(stack.client, taskQueue, 8, scheduleId); // idempotent at every worker start
        const schedule = stack.client.schedule.getHandle(scheduleId);
        const described = await schedule.describe();
        expect(described.spec.timezone).toBe('Asia/Shanghai');
        expect(described.spec.calendars?.[0]?.hour).toEqual([{ start: 8, end: 8, step: 1 }]);

        const first = await triggerAndWait(scheduleId);
        const mine = (mail: ParsedMail) =>
          [t.users.leader, t.users.zhengfa].some((u) => String(mail.headers.get('x-duban-key')).includes(u));
        const mails = server.mails.filter(mine);
        expect(mails).toHaveLength(2);
        const toLeader = mails.find((m) => String(m.headers.get('x-duban-key')).includes(t.users.leader))!;
        const toZhengfa = mails.find((m) => String(m.headers.get('x-duban-key')).includes(t.users.zhengfa))!;
        expect(toLeader.headers.get('x-duban-key')).toBe(digestKey(t.users.leader, day, 'email'));
        expect(toLeader.subject).toMatch(/^【督办日报】\d{4}年\d{1,2}月\d{1,2}日：共2项待关注$/);
        expect(toLeader.text).toContain('1. 清水社区·');
        expect(toLeader.text).toContain('每月电信诈骗线索摸排、可疑人口问询和伪基站巡查记录（本期）：待办');
        expect(toLeader.text).toContain('2. 清水社区·');
        expect(toZhengfa.subject).toMatch(/共1项待关注$/);
        expect(toZhengfa.text).toContain('每月电信诈骗线索摸排、可疑人口问询和伪基站巡查记录（本期）：待办');
        expect(first.sent).toBeGreaterThanOrEqual(2);

        const folded = await rows();
        expect(folded.map((r) => r.status)).toEqual(['SENT', 'SENT', 'SENT']);
        for (const row of folded) {
          expect((row.providerResponse as { foldedInto: string }).foldedInto).toBe(digestKey(row.userId!, day, 'email'));
        }
        expect(
          await stack.db.notification.findUniqueOrThrow({ where: { businessKey: digestKey(t.users.leader, day, 'email') } }),
        ).toMatchObject({ status: 'SENT', channel: 'email', attempts: 1 });

        // A second run the same day: nothing new to send.
        const second = await triggerAndWait(scheduleId);
        expect(second).toMatchObject({ day, sent: 0 });
        expect(server.mails.filter(mine)).toHaveLength(2);

        // A run that died after sending but before closing its rows: the retry finds the digest sent and only closes them.
        await stack.db.notification.updateMany({ where: { channel: 'digest', userId: t.users.leader }, data: { status: 'QUEUED' } });
        const third = await triggerAndWait(scheduleId);
        expect(third.sent).toBe(0);
        expect(third.alreadySent).toBe(1);
        expect(server.mails.filter(mine)).toHaveLength(2);
        expect((await rows()).map((r) => r.status)).toEqual(['SENT', 'SENT', 'SENT']);
      })
      .finally(() =>
        stack.client.schedule
          .getHandle(scheduleId)
          .delete()
          .catch(() => undefined),
      );
  });
});

describe("one official's mailbox full does not hold up the others", () => {
  it('the others get their digest at once; the full one gets it on the retry once the mailbox takes mail again', async () => {
    const taskQueue = uniqueTaskQueue('digest-full');
    const township = await createTestTownship(stack.db, 'digest-full');
    const deps = await testActivityDeps({
      db: stack.db,
      client: stack.client,
      taskQueue,
      notify: {
        smtp: {
          host: '127.0.0.1',
          port: server.port,
          secure: false,
          user: 'duban',
          pass: 'smtp-test-secret',
          from: '督办系统 <duban@duban.test>',
          timeoutMs: 3000,
        },
      },
    });
    const worker = await createTestWorker(stack, taskQueue, createActivities(deps));
    const scheduleId = `test-digest-${randomUUID().slice(0, 8)}`;
    const officials = [township.users.leader, township.users.zhengfa];
    await worker
      .runUntil(async () => {
        for (const userId of officials) {
          const key = await assignedTask(stack, township, taskQueue, userId);
          await stack.client.workflow.execute('notificationWorkflow', {
            taskQueue,
            workflowId: `test/digest/${randomUUID()}`,
            args: [{ obligationKey: key, event: 'reminder', sequence: 'd1', at: new Date().toISOString() }],
          });
        }
        const { cutoff } = digestWindow(new Date().toISOString(), 8);
        await stack.db.notification.updateMany({
          where: { channel: 'digest', userId: { in: officials } },
          data: { createdAt: new Date(Date.parse(cutoff) - 3_600_000) },
        });
        // Digests go out in user-id order: the full mailbox is the first one tried, so the other official waits behind it.
        const [full, other] = [...officials].sort() as [string, string];
        const fullEmail = (await stack.db.user.findUniqueOrThrow({ where: { id: full } })).email!;
        fullMailboxes.add(fullEmail);
        const to = (userId: string) => server.mails.filter((m) => String(m.headers.get('x-duban-key')).includes(userId));
        const rowsOf = async (userId: string) =>
          (await stack.db.notification.findMany({ where: { channel: 'digest', userId } })).map((r) => r.status);

        await ensureDigestSchedule(stack.client, taskQueue, 8, scheduleId);
        const run = triggerAndWait(scheduleId);
        await eventually(() => to(other).length > 0, { what: 'the digest to the other official' });
        expect(to(other)).toHaveLength(1);
        // The row is marked once the SMTP server has answered, a moment after the mail arrived there.
        const sent = await eventually(() => rowsOf(other), {
          done: (rows) => rows.join() === 'SENT',
          what: "the other official's row SENT",
        });
        expect(sent).toEqual(['SENT']);
        expect(to(full)).toHaveLength(0);
        expect(await rowsOf(full)).toEqual(['QUEUED']);

        fullMailboxes.delete(fullEmail);
        await run;
        expect(to(full)).toHaveLength(1);
        expect(to(other)).toHaveLength(1); // the retry did not send to the other again
        expect(await rowsOf(full)).toEqual(['SENT']);
      })
      .finally(() =>
        stack.client.schedule
          .getHandle(scheduleId)
          .delete()
          .catch(() => undefined),
      );
  });
});

let lastTriggerSecond = 0;
/** Triggers the schedule and waits for the run it started. */
async function triggerAndWait(scheduleId: string): Promise<DigestRunResult> {
  const handle = stack.client.schedule.getHandle(scheduleId);
  const before = new Set((await handle.describe()).info.recentActions.map((a) => a.action.workflow.workflowId));
  // A scheduled run's workflow id ends in the trigger time to the second: two triggers in one second are one run,
  // so a second trigger waits for the next second (not a fixed 1.1 s).
  await eventually(() => Math.floor(Date.now() / 1000) > lastTriggerSecond, { intervalMs: 20, what: 'the next second' });
  lastTriggerSecond = Math.floor(Date.now() / 1000);
  await handle.trigger();
  const started = await eventually(
    async () => (await handle.describe()).info.recentActions.map((a) => a.action.workflow.workflowId).find((id) => !before.has(id)),
    {
      intervalMs: 200,
      what: `a run of schedule ${scheduleId}`,
    },
  );
  return stack.client.workflow.getHandle<() => Promise<DigestRunResult>>(started!).result();
}
