import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { WorkflowUpdateFailedError, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { createActivities } from '../activities';
import { createDatabase, type Database } from '../db/client';
import { generateObligations } from '../domain';
import { shanghaiDateOf } from '../domain/time/shanghai';
import { obligationWorkflowId } from '../workflows/ids';
import { toObligationSpec, type ObligationSpec } from '../workflows/obligation/spec';
import {
  reviewUpdate,
  stateQuery,
  submitEvidenceUpdate,
  extendDeadlineUpdate,
  waiveUpdate,
  acknowledgeEscalationUpdate,
  type SubmitEvidenceInput,
} from '../workflows/obligation/messages';
import { testActivityDeps, testRulebooks } from './support/activity-deps';
import { createEvidence, createTestTownship, type TestTownship } from './support/fixtures';
import { createTimeSkippingEnvAt } from './support/time-skipping';
import { taskRepository } from '../db/task-repository';

const shanghai = (iso: string) => new Date(`${iso}+08:00`);

describe('obligation workflow on the time-skipping server (2022, one month per test)', () => {
  let env: TestWorkflowEnvironment;
  let db: Database;
  let worker: Worker;
  let running: Promise<void>;
  const taskQueue = `obligations-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    // From January: every test takes a month (some two), and the 2022 rulebook ends with the year.
    env = await createTimeSkippingEnvAt(shanghai('2021-12-31T23:00:00'));
    db = createDatabase(inject('databaseUrl'));
    worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: { codePath: inject('workflowBundlePath') },
      activities: createActivities(await testActivityDeps({ db, client: env.client, taskQueue })),
    });
    running = worker.run();
  });

  afterAll(async () => {
    worker?.shutdown();
    await running;
    await env?.teardown();
    await db?.$disconnect();
  });

  // The server's clock is shared by the tests and only moves forward: each
  // test works in the first month that has not begun yet, and speaks of days
  // relative to it ("day 10 09:00" of that month, "next 02 00:00" of the month after).
  let month = '';
  async function beginNextMonth(): Promise<void> {
    const now = new Date(Number(await env.currentTimeMs()) + 8 * 3_600_000);
    const next = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
    month = next.toISOString().slice(0, 7);
    await sleepUntil(`${month}-01T00:00:00`, -3_600_000); // an hour before it opens
  }
  const monthAfter = () => {
    const [y, m] = month.split('-').map(Number) as [number, number];
    return new Date(Date.UTC(y, m, 1)).toISOString().slice(0, 7);
  };
  const day = (d: number, time: string) => `${month}-${String(d).padStart(2, '0')}T${time}:00`;
  const next = (d: number, time: string) => `${monthAfter()}-${String(d).padStart(2, '0')}T${time}:00`;

  async function startInMonth(
    ruleId: string,
    township: TestTownship,
  ): Promise<{ spec: ObligationSpec; handle: ReturnType<TestWorkflowEnvironment['client']['workflow']['getHandle']> }> {
    const opens = shanghai(`${month}-01T00:00:00`);
    const rulebook = (await testRulebooks()).forInstant(opens)!;
    const instance = generateObligations({
      rulebook,
      community: { id: township.community.id },
      from: opens,
      to: new Date(opens.getTime() + 86_400_000),
    }).find((i) => i.ruleId === ruleId)!;
    const spec = toObligationSpec(instance, rulebook);
    const handle = await env.client.workflow.start('obligationWorkflow', {
      taskQueue,
      workflowId: obligationWorkflowId(spec.key),
      args: [spec],
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
    });
    return { spec, handle };
  }

  const sleepUntil = async (iso: string, offsetMs = 0) => {
    const target = shanghai(iso).getTime() + offsetMs;
    const now = Number(await env.currentTimeMs());
    if (target > now) await env.sleep(target - now);
  };
  const deductionsOf = (communityId: string) => db.deduction.findMany({ where: { communityId }, orderBy: { createdAt: 'asc' } });
  const submit = async (township: TestTownship, handle: Awaited<ReturnType<typeof startInMonth>>['handle'], files = 2) =>
    handle.executeUpdate(submitEvidenceUpdate, {
      args: [
        {
          submissionId: randomUUID(),
          communityId: township.community.id,
          submittedBy: township.users.staff,
          evidenceIds: await createEvidence(db, township.community.id, township.users.staff, files),
        },
      ],
    });

  it('closes on time when evidence is approved before the deadline, and deducts nothing', async () => {
    await beginNextMonth();
    const township = await createTestTownship(db, 'ontime');
    const { handle } = await startInMonth('fraud.publicity', township);
    await sleepUntil(day(10, '09:00'));
    const submitted = await submit(township, handle);
    expect(submitted.status).toBe('SUBMITTED');
    const reviewed = await handle.executeUpdate(reviewUpdate, {
      args: [{ submissionId: submitted.seenSubmissions[0]!, reviewerId: township.users.leader, decision: 'approve' }],
    });
    expect(reviewed.status).toBe('CLOSED');
    await sleepUntil(next(2, '00:00'));
    expect(await deductionsOf(township.community.id)).toHaveLength(0);
    const row = await db.obligation.findFirstOrThrow({ where: { communityId: township.community.id, ruleId: 'fraud.publicity' } });
    expect(row.status).toBe('CLOSED');
    expect(await db.evidence.count({ where: { communityId: township.community.id, submissionId: { not: null } } })).toBe(2);
  });

  it('records the deduction exactly once when the deadline passes, escalates until acknowledged, and late evidence does not undo it', async () => {
    await beginNextMonth();
    const township = await createTestTownship(db, 'missed');
    const { spec, handle } = await startInMonth('fraud.publicity', township);
    await sleepUntil(next(7, '12:00')); // secretary at once, area leader +2 d, 政法委员 +3 d, then daily
    const escalations = await db.escalation.findMany({ where: { obligation: { businessKey: spec.key } }, orderBy: { level: 'asc' } });
    expect(escalations.map((e) => [e.level, e.targetRole])).toEqual([
      [1, 'SECRETARY'],
      [2, 'AREA_LEADER'],
      [3, 'POLITICAL_LEGAL'],
      [4, 'POLITICAL_LEGAL'],
    ]);
    await handle.executeUpdate(acknowledgeEscalationUpdate, { args: [{ by: township.users.zhengfa }] });
    await sleepUntil(next(12, '12:00'));
    expect(await db.escalation.count({ where: { obligation: { businessKey: spec.key } } })).toBe(4);

    const late = await submit(township, handle);
    await handle.executeUpdate(reviewUpdate, {
      args: [{ submissionId: late.seenSubmissions[0]!, reviewerId: township.users.leader, decision: 'approve' }],
    });
    expect((await handle.query(stateQuery)).status).toBe('CLOSED_LATE');

    const deductions = await deductionsOf(township.community.id);
    expect(deductions).toHaveLength(1);
    expect(deductions[0]).toMatchObject({
      businessKey: spec.deduction.key,
      ruleId: 'fraud.publicity',
      recordedBy: 'auto:deadline',
      periodKey: month,
    });
    expect(Number(deductions[0]!.points)).toBe(1);
    expect(deductions[0]!.explanation).toContain('每月未开展宣传、摸排相关工作，每次扣1分');
    expect(deductions[0]!.explanation).toContain(`${Number(month.slice(0, 4))}年${Number(month.slice(5))}月`);
    // Due before the 1st of next month 00:00: the miss counts in the period's own month (and year), not the next.
    const { year, month: m } = shanghaiDateOf(deductions[0]!.occurredAt);
    expect(`${year}-${String(m).padStart(2, '0')}`).toBe(month);
  });

  it('bounds the wait for a reviewer, and after a late rejection escalates at most once per slot (no burst of missed slots)', async () => {
    await beginNextMonth();
    const township = await createTestTownship(db, 'latereview');
    const { spec, handle } = await startInMonth('fraud.publicity', township);
    const queue = () => taskRepository(db).openEscalations([township.community.id], 50);
    await sleepUntil(day(20, '10:00'));
    const submitted = await submit(township, handle); // on time; nobody reviews it for four days after the deadline
    await sleepUntil(next(2, '12:00'));
    // A day after the deadline the reviewers (area leaders) are reminded; nothing is escalated yet.
    expect(
      await db.notification.count({
        where: { event: 'review-requested', userId: township.users.leader, businessKey: { contains: '#unreviewed-' } },
      }),
    ).toBe(1);
    expect(await queue()).toHaveLength(0);
    await sleepUntil(next(4, '12:00'));
    // Three days after: the unreviewed evidence is its own overdue item; the task is not deducted while it waits.
    expect((await queue()).map((e) => [e.kind, e.targetRole])).toEqual([['REVIEW', 'POLITICAL_LEGAL']]);
    expect(await deductionsOf(township.community.id)).toHaveLength(0);

    await sleepUntil(next(5, '09:00')); // 4 days 9 hours late: slots at +0 and +2 d have passed
    await handle.executeUpdate(reviewUpdate, {
      args: [
        {
          submissionId: submitted.seenSubmissions[0]!,
          reviewerId: township.users.leader,
          decision: 'reject',
          reason: '照片与宣传内容无关',
        },
      ],
    });
    await sleepUntil(next(5, '12:00'));
    const escalations = () =>
      db.escalation.findMany({ where: { obligation: { businessKey: spec.key }, kind: 'DEADLINE' }, orderBy: { level: 'asc' } });
    // One escalation for the missed slots, not one per slot; the reviewed item left the queue.
    expect((await escalations()).map((e) => e.level)).toEqual([1]);
    expect((await queue()).map((e) => e.kind)).toEqual(['DEADLINE']);
    await sleepUntil(next(7, '12:00'));
    // Then the schedule anchored at the deadline: area leader at +5 d, 政法委员 at +6 d.
    const later = await escalations();
    expect(later.map((e) => [e.level, e.targetRole])).toEqual([
      [1, 'SECRETARY'],
      [2, 'AREA_LEADER'],
      [3, 'POLITICAL_LEGAL'],
    ]);
    const slots = [next(5, '09:00'), next(6, '00:00'), next(7, '00:00')].map((at) => shanghai(at).getTime());
    later.forEach((e, i) => expect(e.notifiedAt.getTime() - slots[i]!).toBeGreaterThanOrEqual(0));
    later.forEach((e, i) => expect(e.notifiedAt.getTime() - slots[i]!).toBeLessThan(60_000));

    // Late evidence approved: the task is CLOSED_LATE and leaves the queue at once, unacknowledged.
    const late = await submit(township, handle);
    await handle.executeUpdate(reviewUpdate, {
      args: [{ submissionId: late.seenSubmissions.at(-1)!, reviewerId: township.users.leader, decision: 'approve' }],
    });
    expect(await queue()).toHaveLength(0);
    expect(await deductionsOf(township.community.id)).toHaveLength(1);
  });

  it('reopens a rejected submission with the reason, and a resubmission in time closes it', async () => {
    await beginNextMonth();
    const township = await createTestTownship(db, 'rejected');
    const { handle } = await startInMonth('fraud.publicity', township);
    await sleepUntil(day(20, '10:00'));
    const first = await submit(township, handle);
    const rejected = await handle.executeUpdate(reviewUpdate, {
      args: [
        { submissionId: first.seenSubmissions[0]!, reviewerId: township.users.leader, decision: 'reject', reason: '照片看不清宣传现场' },
      ],
    });
    expect(rejected.status).toBe('OPEN');
    const review = await db.review.findFirstOrThrow({ where: { submissionId: first.seenSubmissions[0]! } });
    expect(review).toMatchObject({ decision: 'REJECTED', reason: '照片看不清宣传现场' });
    await sleepUntil(day(25, '10:00'));
    const second = await submit(township, handle);
    await handle.executeUpdate(reviewUpdate, {
      args: [{ submissionId: second.seenSubmissions[1]!, reviewerId: township.users.leader, decision: 'approve' }],
    });
    await sleepUntil(next(2, '00:00'));
    expect((await handle.query(stateQuery)).status).toBe('CLOSED');
    expect(await deductionsOf(township.community.id)).toHaveLength(0);
  });

  it('refuses bad submissions with a reason a person can act on', async () => {
    await beginNextMonth();
    const township = await createTestTownship(db, 'refused');
    const { handle } = await startInMonth('fraud.investigation', township);
    const refusal = (input: Partial<SubmitEvidenceInput>) =>
      handle
        .executeUpdate(submitEvidenceUpdate, {
          args: [
            {
              submissionId: randomUUID(),
              communityId: township.community.id,
              submittedBy: township.users.staff,
              evidenceIds: ['x'],
              ...input,
            },
          ],
        })
        .then(
          () => 'accepted',
          (e: unknown) => (e instanceof WorkflowUpdateFailedError ? String(e.cause?.message) : String(e)),
        );
    expect(await refusal({})).toContain('本期任务尚未开始'); // an hour before the month opens
    await sleepUntil(day(2, '09:00'));
    expect(await refusal({ communityId: township.otherCommunity.id })).toBe(
      '证据所属社区与任务不符 (evidence belongs to another community)',
    );
    expect(await refusal({ evidenceIds: [] })).toContain('请至少上传 1 份证据');
    expect(await refusal({})).toBe('accepted');
    const state = await handle.query(stateQuery);
    expect(
      await handle
        .executeUpdate(reviewUpdate, {
          args: [{ submissionId: 'no-such-submission', reviewerId: township.users.leader, decision: 'approve' }],
        })
        .catch((e: WorkflowUpdateFailedError) => e.cause?.message),
    ).toBe('该提交不在待审核状态，可能已被审核 (this submission is not awaiting review)');
    expect(
      await handle
        .executeUpdate(reviewUpdate, {
          args: [{ submissionId: state.seenSubmissions[0]!, reviewerId: township.users.leader, decision: 'reject' }],
        })
        .catch((e: WorkflowUpdateFailedError) => e.cause?.message),
    ).toBe('退回时请填写原因 (a rejection needs a reason)');
    await handle.executeUpdate(reviewUpdate, {
      args: [{ submissionId: state.seenSubmissions[0]!, reviewerId: township.users.leader, decision: 'approve' }],
    });
    // A closed period's workflow has finished: the API turns "not found" into 本期任务已关闭.
    // (handle.result() would let the shared clock race ahead: ask the server instead.)
    expect((await handle.describe()).status.name).toBe('COMPLETED');
    expect((await handle.query(stateQuery)).status).toBe('CLOSED');
    expect(await refusal({})).toMatch(/WorkflowNotFoundError/);
  });

  it('moves the deadline when an official extends it, and deducts nothing when a period is waived', async () => {
    await beginNextMonth();
    const township = await createTestTownship(db, 'extended');
    const extended = await startInMonth('drugs.publicity', township);
    const waived = await startInMonth('work-safety.publicity', township);
    await sleepUntil(day(28, '10:00'));
    await extended.handle.executeUpdate(extendDeadlineUpdate, {
      args: [{ newDueAt: shanghai(next(10, '00:00')).toISOString(), reason: '疫情防控期间暂停集中宣传', by: township.users.zhengfa }],
    });
    await waived.handle.executeUpdate(waiveUpdate, { args: [{ reason: '本月该村撤并，免于考核', by: township.users.zhengfa }] });
    await sleepUntil(next(5, '10:00'));
    expect(await deductionsOf(township.community.id)).toHaveLength(0);
    const submitted = await submit(township, extended.handle);
    await extended.handle.executeUpdate(reviewUpdate, {
      args: [{ submissionId: submitted.seenSubmissions[0]!, reviewerId: township.users.leader, decision: 'approve' }],
    });
    await sleepUntil(next(12, '00:00'));
    expect((await extended.handle.query(stateQuery)).status).toBe('CLOSED');
    expect((await waived.handle.query(stateQuery)).status).toBe('WAIVED');
    expect(await deductionsOf(township.community.id)).toHaveLength(0);
    const audit = await db.auditLog.findMany({
      where: { entityId: { in: [extended.spec.key, waived.spec.key] } },
      orderBy: { action: 'asc' },
    });
    expect(audit.map((a) => a.action)).toEqual(['obligation.extend', 'obligation.waive']);
  });

  it('starting the same period twice neither creates a second workflow nor a second deduction', async () => {
    await beginNextMonth();
    const township = await createTestTownship(db, 'twice');
    const { spec } = await startInMonth('drugs.venue-patrol', township);
    await expect(
      env.client.workflow.start('obligationWorkflow', {
        taskQueue,
        workflowId: obligationWorkflowId(spec.key),
        args: [spec],
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
      }),
    ).rejects.toBeInstanceOf(WorkflowExecutionAlreadyStartedError);
    await sleepUntil(next(2, '00:00'));
    const deductions = await db.deduction.findMany({ where: { communityId: township.community.id, ruleId: spec.ruleId } });
    expect(deductions).toHaveLength(1);
  });
});
