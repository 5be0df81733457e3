// Tasks through the API on the real Temporal dev server: list, detail,
// evidence submission through the workflow's Update, review, extension,
// waiver, escalations, heatmap; and the refusals a person can act on.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { testActivityDeps } from '../support/activity-deps';
import { openTaskNow } from '../support/open-task';
import { createTestWorker, uniqueTaskQueue } from '../support/stack';
import { createEvidence } from '../support/fixtures';
import { heatmapCell, login, seedTownship, startApi, type Client, type TestApi, type Township } from './support';

import { eventually } from '../support/eventually';

const HOUR = 3_600_000;

describe('task routes', () => {
  let api: TestApi;
  let t: Township;
  let worker: Worker;
  let running: Promise<void>;
  const taskQueue = uniqueTaskQueue('tasks');
  let staff: Client;
  let leader: Client;
  let staffB: Client;
  let zhengfa: Client;

  beforeAll(async () => {
    api = await startApi({ taskQueue });
    worker = await createTestWorker(
      api.stack,
      taskQueue,
      createActivities(await testActivityDeps({ db: api.db, client: api.stack.client, taskQueue })),
    );
    running = worker.run();
    t = await seedTownship(api.db);
    [staff, leader, staffB, zhengfa] = await Promise.all([
      login(api.app, t.users.staffA.username),
      login(api.app, t.users.leaderA.username),
      login(api.app, t.users.staffB.username),
      login(api.app, t.users.zhengfa.username),
    ]);
  });

  afterAll(async () => {
    worker?.shutdown();
    await running;
    await api?.close();
  });

  const openTask = (ruleId: string, dueInMs: number) =>
    openTaskNow({ db: api.db, client: api.stack.client, taskQueue, communityId: t.communityA, ruleId, dueInMs });

  it("lists a staff member's open tasks with the rubric clause and the evidence required", async () => {
    const { id } = await openTask('fraud.publicity', 24 * HOUR);
    const res = await staff.get('/api/tasks?scope=mine');
    expect(res.statusCode).toBe(200);
    const task = (res.json() as { tasks: Array<Record<string, unknown>> }).tasks.find((x) => x.id === id)!;
    expect(task).toMatchObject({
      ruleId: 'fraud.publicity',
      status: 'OPEN',
      clause: '每月未开展宣传、摸排相关工作，每次扣1分',
      evidence: { minCount: 2 },
      points: 1,
      requiresReview: true,
    });
    expect((await staffB.get(`/api/tasks/${id}`)).statusCode).toBe(404);
    expect(((await staffB.get('/api/tasks?scope=mine')).json() as { tasks: Array<{ id: string }> }).tasks.some((x) => x.id === id)).toBe(
      false,
    );
  });

  it('takes evidence through the workflow, refuses what it must, and closes on approval', async () => {
    const { id } = await openTask('fraud.publicity', 24 * HOUR);
    const mine = await createEvidence(api.db, t.communityA, t.users.staffA.id, 2);
    const theirs = await createEvidence(api.db, t.communityB, t.users.staffB.id, 1);

    const foreign = await staff.post(`/api/tasks/${id}/submissions`, { evidenceIds: [mine[0], theirs[0]] });
    expect(foreign.statusCode).toBe(400);
    expect(foreign.json().message).toContain(theirs[0]);
    const tooFew = await staff.post(`/api/tasks/${id}/submissions`, { evidenceIds: [mine[0]] });
    expect(tooFew.statusCode).toBe(409);
    expect(tooFew.json().message).toBe('请至少上传 2 份证据，本次只有 1 份');
    expect(
      (await staff.request({ method: 'POST', url: `/api/tasks/${id}/submissions`, payload: { evidenceIds: mine }, csrf: false }))
        .statusCode,
    ).toBe(403);

    const submitted = await staff.post(`/api/tasks/${id}/submissions`, { evidenceIds: mine });
    expect(submitted.statusCode).toBe(200);
    expect(submitted.json().status).toBe('SUBMITTED');
    const again = await staff.post(`/api/tasks/${id}/submissions`, { evidenceIds: mine });
    expect(again.statusCode).toBe(400); // the files are attached now: a double tap cannot submit them twice

    const detail = (await leader.get(`/api/tasks/${id}`)).json();
    const submissionId = detail.submissions[0].id;
    // The review request goes to the community's area leader and no one else (this test configures no
    // channel, so the row says so; with email it waits for the daily digest, see notify/routing.test.ts).
    await vi.waitFor(
      async () => {
        const rows = await api.db.notification.findMany({
          where: { event: 'review-requested', businessKey: { contains: `#review-requested#${submissionId}|` } },
        });
        expect(rows.map((r) => [r.userId, r.status, r.lastError])).toEqual([
          [t.users.leaderA.id, 'GIVEN_UP', expect.stringContaining('no channel configured')],
        ]);
      },
      { timeout: 15_000, interval: 200 },
    );
    expect(detail.submissions[0].files).toHaveLength(2);
    expect((await staff.post(`/api/tasks/${id}/submissions/${submissionId}/review`, { decision: 'approve' })).statusCode).toBe(403);
    const pending = (await leader.get('/api/reviews/pending')).json().reviews as Array<{
      submission: { id: string; files: Array<{ usedBefore: boolean }> };
    }>;
    expect(pending.find((r) => r.submission.id === submissionId)?.submission.files).toHaveLength(2);
    const noReason = await leader.post(`/api/tasks/${id}/submissions/${submissionId}/review`, { decision: 'reject' });
    expect(noReason.statusCode).toBe(409);
    expect(noReason.json().message).toBe('退回时请填写原因');
    const approved = await leader.post(`/api/tasks/${id}/submissions/${submissionId}/review`, { decision: 'approve' });
    expect(approved.json().status).toBe('CLOSED');
    const closed = await staff.post(`/api/tasks/${id}/submissions`, {
      evidenceIds: await createEvidence(api.db, t.communityA, t.users.staffA.id, 2),
    });
    expect(closed.statusCode).toBe(409);
    expect(closed.json().message).toMatch(/本期任务已关闭/);

    // "My tasks" keeps a task closed in the last 3 days (shown as done), then lets it go.
    const mineNow = (await staff.get('/api/tasks?scope=mine')).json().tasks as Array<{ id: string; status: string }>;
    expect(mineNow.find((x) => x.id === id)?.status).toBe('CLOSED');
    await api.db.obligation.update({ where: { id }, data: { closedAt: new Date(Date.now() - 4 * 24 * HOUR) } });
    expect(((await staff.get('/api/tasks?scope=mine')).json().tasks as Array<{ id: string }>).some((x) => x.id === id)).toBe(false);
    expect(((await staff.get('/api/tasks?scope=all')).json().tasks as Array<{ id: string }>).some((x) => x.id === id)).toBe(true);
  });

  it('lets officials extend and waive, with reasons, and not staff', async () => {
    const extended = await openTask('drugs.publicity', 24 * HOUR);
    const waived = await openTask('work-safety.publicity', 24 * HOUR);
    const newDueAt = new Date(Date.now() + 72 * HOUR).toISOString();
    expect((await staff.post(`/api/tasks/${extended.id}/extend`, { newDueAt, reason: '汛期延后' })).statusCode).toBe(403);
    const ok = await zhengfa.post(`/api/tasks/${extended.id}/extend`, { newDueAt, reason: '汛期延后' });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().dueAt).toBe(newDueAt);
    expect((await api.db.obligation.findUniqueOrThrow({ where: { id: extended.id } })).dueAt.toISOString()).toBe(newDueAt);
    expect((await zhengfa.post(`/api/tasks/${waived.id}/waive`, { reason: '' })).statusCode).toBe(400);
    expect((await zhengfa.post(`/api/tasks/${waived.id}/waive`, { reason: '村社撤并，本期免考' })).json().status).toBe('WAIVED');
  });

  it('shows a missed deadline as deducted on the heatmap and queues its escalation until acknowledged', async () => {
    const { id, spec } = await openTask('drugs.venue-patrol', 2_000);
    const escalations = await eventually(
      async () => (await leader.get('/api/escalations')).json().escalations as Array<{ taskId: string; level: number }>,
      {
        done: (list) => list.some((e) => e.taskId === id),
        intervalMs: 200,
        what: 'the escalation of the missed task',
      },
    );
    expect(escalations.find((e) => e.taskId === id)?.level).toBe(1);
    const deduction = await api.db.deduction.findUniqueOrThrow({ where: { businessKey: spec.key } });
    expect(Number(deduction.points)).toBe(1);
    expect(deduction.explanation).toContain('本期需完成2次，截止时仅完成0次');
    const month = new Date(Date.now() + 8 * HOUR).toISOString().slice(0, 7);
    const heatmap = (await leader.get(`/api/heatmap?month=${month}`)).json();
    expect(heatmapCell(heatmap, t.communityA, 'drugs.venue-patrol')).toBe('d'); // deducted
    expect((await staff.post(`/api/escalations/${id}/acknowledge`)).statusCode).toBe(403);
    expect((await leader.post(`/api/escalations/${id}/acknowledge`)).json()).toEqual({ acknowledged: true });
    expect(((await leader.get('/api/escalations')).json().escalations as Array<{ taskId: string }>).some((e) => e.taskId === id)).toBe(
      false,
    );
    expect(
      (await api.app.inject({ method: 'GET', url: `/api/heatmap?month=2022-13`, headers: { cookie: leader.cookie } })).statusCode,
    ).toBe(400);
  });
});
