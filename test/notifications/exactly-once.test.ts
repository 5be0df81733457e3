// Exactly-once through the real path: the notification workflow and its
// activities on a real worker, the PostgreSQL outbox (db/notification-outbox.ts),
// and email to a real smtp-server on loopback, parsed by mailparser.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import type { ParsedMail } from 'mailparser';
import { createNotificationActivities } from '../../activities/notification-activities';
import type { NotificationRequest } from '../../workflows/notification/notification-workflow';
import { startSmtpProviderServer, type SmtpProviderServer } from '../../notify/testing/smtp-provider-server';
import { notificationWorker, secretaryTask as secretaryTaskOf } from '../support/notification-worker';
import { connectTestStack, uniqueTaskQueue, type TestStack } from '../support/stack';
import { createTestTownship, type TestTownship } from '../support/fixtures';
import { eventually } from '../support/eventually';

const SMTP_USER = 'duban';
const SMTP_PASS = 'smtp-test-secret';

let stack: TestStack;
let t: TestTownship;

beforeAll(async () => {
  stack = await connectTestStack();
  t = await createTestTownship(stack.db, 'exactly-once');
});
afterAll(async () => stack?.close());

/** A worker whose notification activities send email to `port`, with an optional fault hook. */
const workerFor = (port: number, taskQueue: string, testFaults?: Parameters<typeof createNotificationActivities>[0]['testFaults']) =>
  notificationWorker(
    stack,
    taskQueue,
    {
      smtp: {
        host: '127.0.0.1',
        port,
        secure: false,
        user: SMTP_USER,
        pass: SMTP_PASS,
        from: '督办系统 <duban@duban.test>',
        timeoutMs: 3000,
      },
    },
    { testFaults },
  );

/** A task assigned to the community secretary, whose only configured route here is email. */
const secretaryTask = (taskQueue: string) => secretaryTaskOf(stack, t, taskQueue);

const request = (obligationKey: string, sequence: string): NotificationRequest => ({
  obligationKey,
  event: 'reminder',
  sequence,
  at: new Date().toISOString(),
});
const keyOf = (mail: ParsedMail) => String(mail.headers.get('x-duban-key'));

describe('exactly-once delivery through Temporal, the PostgreSQL outbox and a real SMTP server', () => {
  it('an activity that fails after the provider accepted is retried by Temporal and sends nothing twice; the row ends SENT', async () => {
    const server = await startSmtpProviderServer({ user: SMTP_USER, pass: SMTP_PASS });
    const taskQueue = uniqueTaskQueue('ntf-after-accept');
    const faults: string[] = [];
    const worker = await workerFor(server.port, taskQueue, {
      afterProviderAccepted: ({ key, activityAttempt }) => {
        if (activityAttempt > 1) return;
        faults.push(key);
        throw new Error('TEST FAULT: the activity dies after the provider accepted, before the row is marked');
      },
    });
    try {
      await worker.runUntil(async () => {
        const key = await secretaryTask(taskQueue);
        const workflowId = `test/ntf/${randomUUID()}`;
        await stack.client.workflow.execute('notificationWorkflow', { taskQueue, workflowId, args: [request(key, 'after-accept')] });

        expect(faults).toHaveLength(1);
        expect(server.mails).toHaveLength(1);
        const mail = server.mails[0]!;
        expect(keyOf(mail)).toBe(faults[0]);
        expect(mail.subject).toBe('【督办提醒】清水社区·每月电信诈骗线索摸排、可疑人口问询和伪基站巡查记录（本期）');
        const row = await stack.db.notification.findUniqueOrThrow({ where: { businessKey: faults[0]! } });
        expect(row).toMatchObject({
          status: 'SENT',
          channel: 'email',
          recipient: 'secretary@duban.test',
          userId: t.users.secretary,
          attempts: 1,
          lastError: null,
        });
        expect(row.subject).toBe(mail.subject);
        expect((row.providerResponse as { messageId: string }).messageId).toBe(mail.messageId);
        expect(row.sentAt).toBeInstanceOf(Date);

        // Temporal did retry the activity: attempt 1 failed with the injected fault, attempt 2 completed.
        const history = await stack.client.workflow.getHandle(workflowId).fetchHistory();
        const started = (history.events ?? [])
          .filter((e) => e.activityTaskStartedEventAttributes)
          .map((e) => e.activityTaskStartedEventAttributes!);
        expect(started.at(-1)?.attempt).toBe(2);
        expect(started.at(-1)?.lastFailure?.message).toContain('TEST FAULT');
      });
    } finally {
      await server.close();
    }
  });

  it('SMTP down for a while, then back on the same port: every message arrives exactly once and every row ends SENT', async () => {
    const mails: ParsedMail[] = [];
    const probe = await startSmtpProviderServer({ user: SMTP_USER, pass: SMTP_PASS, mails });
    const port = probe.port;
    await probe.close(); // down before the first send
    const taskQueue = uniqueTaskQueue('ntf-outage');
    const worker = await workerFor(port, taskQueue);
    let server: SmtpProviderServer | undefined;
    try {
      await worker.runUntil(async () => {
        const key = await secretaryTask(taskQueue);
        const sequences = ['outage-1', 'outage-2', 'outage-3'];
        const handles = await Promise.all(
          sequences.map((s) =>
            stack.client.workflow.start('notificationWorkflow', {
              taskQueue,
              workflowId: `test/ntf/${randomUUID()}`,
              args: [request(key, s)],
            }),
          ),
        );

        // Each send has failed at least twice (two activity attempts, 5 s apart) before the server returns.
        const where = { userId: t.users.secretary, event: 'reminder', channel: 'email', businessKey: { contains: 'outage-' } };
        await until(async () => {
          const rows = await stack.db.notification.findMany({ where });
          return rows.length === 3 && rows.every((r) => r.status === 'FAILED' && r.attempts >= 2);
        }, 30_000);
        const failed = await stack.db.notification.findMany({ where });
        expect(failed.every((r) => /smtp: ECONNECTION|ECONNREFUSED/.test(r.lastError ?? ''))).toBe(true);
        expect(mails).toHaveLength(0);

        server = await startSmtpProviderServer({ user: SMTP_USER, pass: SMTP_PASS, port, mails });
        await Promise.all(handles.map((h) => h.result()));

        expect(mails).toHaveLength(3);
        const rows = await stack.db.notification.findMany({ where });
        expect(new Set(mails.map(keyOf))).toEqual(new Set(rows.map((r) => r.businessKey)));
        for (const row of rows) {
          expect(row.status).toBe('SENT');
          expect(row.attempts).toBeGreaterThanOrEqual(3);
          expect(row.lastError).toBeNull();
        }
      });
    } finally {
      await server?.close();
    }
  });
});

const until = (check: () => Promise<boolean>, timeoutMs: number) => eventually(check, { timeoutMs, intervalMs: 200 });
