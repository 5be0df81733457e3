// Data requests (资料报送) end to end on the real stack: the API on the test
// PostgreSQL, the obligation workflows on the time-skipping Temporal server
// with a real worker and the real activities. A request to three communities;
// two upload the file in time and get it approved, one misses the deadline:
// exactly one deduction, in that community only, with the rule's points,
// visible through the deductions API. Plus the refusals.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes, randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../api/app';
import { composeApp } from '../../api/compose';
import type { Database } from '../../db/client';
import { connectTestStack, type TestStack } from '../support/stack';
import { startTimeSkippingWorker, type TimeSkippingWorker } from '../support/time-skipping';
import { waitForTaskStatus } from '../support/open-task';
import { BOUNDARY, minimalPdf, multipartBody } from './evidence-samples';
import { login, seedTownship, type Client, type Township } from './support';

const HOUR = 3_600_000;
/** 1 June 2026, 10:00 in Asia/Shanghai: the time-skipping server's clock starts here. */
const START = new Date('2026-06-01T02:00:00Z');

describe('data requests: one obligation workflow per community, deducted where the file is missing', () => {
  let ts: TimeSkippingWorker;
  let stack: TestStack;
  let app: FastifyInstance;
  let db: Database;
  let t: Township;
  let communityC: string;
  let clock = START;
  let zhengfa: Client;
  let leader: Client;
  let staffA: Client;
  let staffB: Client;

  beforeAll(async () => {
    stack = await connectTestStack();
    db = stack.db;
    // The API and the worker share the time-skipping server; the API's clock follows the one the test moves.
    ts = await startTimeSkippingWorker({ db, start: START, label: 'data-requests' });
    app = await buildApp(
      await composeApp({
        db,
        temporal: ts.env.client,
        namespace: 'default',
        taskQueue: ts.taskQueue,
        ledgerEncryptionKey: randomBytes(32).toString('base64'),
        planning: { now: () => clock },
      }),
    );
    t = await seedTownship(db);
    const township = await db.community.findUniqueOrThrow({ where: { id: t.communityA }, select: { townshipId: true } });
    communityC = (
      await db.community.create({
        data: { townshipId: township.townshipId, code: `c-${randomUUID().slice(0, 8)}`, name: `丙村${randomUUID().slice(0, 4)}` },
      })
    ).id;
    [zhengfa, leader, staffA, staffB] = await Promise.all([
      login(app, t.users.zhengfa.username),
      login(app, t.users.leaderA.username),
      login(app, t.users.staffA.username),
      login(app, t.users.staffB.username),
    ]);
  }, 300_000);

  afterAll(async () => {
    await app?.close();
    await ts?.stop();
    await stack?.close();
  });

  const request = (extra: object = {}) => ({
    title: '2026年5月矛盾纠纷排查统计表',
    ruleId: 'general.late-submission',
    communityIds: [t.communityA, t.communityB, communityC],
    dueAt: new Date(START.getTime() + 2 * 24 * HOUR).toISOString(),
    note: '请按附表格式填写，盖章后上传扫描件',
    ...extra,
  });

  /** Staff upload the requested file to their task and an official approves it, all before the deadline. */
  async function answer(staff: Client, communityId: string, taskId: string) {
    const upload = await staff.request({
      method: 'POST',
      url: `/api/evidence?communityId=${communityId}`,
      headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
      payload: multipartBody('统计表.pdf', minimalPdf()),
    });
    expect(upload.statusCode, upload.body).toBe(201);
    const submitted = await staff.post(`/api/tasks/${taskId}/submissions`, { evidenceIds: [upload.json().id] });
    expect(submitted.statusCode, submitted.body).toBe(200);
    const detail = (await zhengfa.get(`/api/tasks/${taskId}`)).json();
    const review = await zhengfa.post(`/api/tasks/${taskId}/submissions/${detail.submissions[0].id}/review`, { decision: 'approve' });
    expect(review.statusCode, review.body).toBe(200);
  }

  it('refuses an unknown or non-reporting rule naming the reporting rules, a deadline too soon, and non-editors', async () => {
    const before = await db.dataRequest.count();
    for (const ruleId of ['general.nope', 'general.county-notice', 'fraud.publicity']) {
      const res = await zhengfa.post('/api/data-requests', request({ ruleId }));
      expect(res.statusCode, ruleId).toBe(400);
      expect(res.json().error).toBe('unknown_rule');
      expect(res.json().message).toContain('综合·资料报送（general.late-submission）');
      expect(res.json().message).toContain('防灾减灾·灾情统计上报（disaster.report）');
      expect(res.json().message).toContain('多元化解·及时上报矛盾纠纷相关资料（mediation.late-report）');
    }
    expect(
      (await zhengfa.post('/api/data-requests', request({ dueAt: new Date(START.getTime() + 10 * 60_000).toISOString() }))).json().error,
    ).toBe('due_too_soon');
    expect((await zhengfa.post('/api/data-requests', request({ dueAt: '2027-03-01T00:00:00+08:00' }))).json().error).toBe('due_too_late');
    expect((await zhengfa.post('/api/data-requests', request({ communityIds: [] }))).statusCode).toBe(400);
    expect((await zhengfa.post('/api/data-requests', request({ title: ' ' }))).statusCode).toBe(400);
    expect((await leader.post('/api/data-requests', request())).statusCode).toBe(403);
    expect((await staffA.post('/api/data-requests', request())).statusCode).toBe(403);
    expect((await staffA.get('/api/data-requests')).statusCode).toBe(403);
    expect(await db.dataRequest.count()).toBe(before);
    const rules = (await zhengfa.get('/api/data-requests/rules')).json().rules as Array<{ id: string; points: number }>;
    expect(rules.map((r) => [r.id, r.points]).sort()).toEqual([
      ['disaster.relief-application', 2],
      ['disaster.report', 2],
      ['general.late-submission', 0.5],
      ['mediation.late-report', 1],
    ]);
  });

  it("two communities upload in time, one misses: exactly one deduction, in that community, with the rule's points", async () => {
    const created = await zhengfa.post('/api/data-requests', request());
    expect(created.statusCode, created.body).toBe(201);
    const { request: sent, notStarted } = created.json();
    expect(notStarted).toBe(0);
    expect(sent).toMatchObject({ ruleTitle: '资料报送', item: '综合', points: 0.5, note: '请按附表格式填写，盖章后上传扫描件' });
    const key = (communityId: string) => `general.late-submission|${communityId}|2026-req-${sent.id}`;
    const [taskA, taskB] = await Promise.all([
      waitForTaskStatus(db, key(t.communityA), 'OPEN'),
      waitForTaskStatus(db, key(t.communityB), 'OPEN'),
      waitForTaskStatus(db, key(communityC), 'OPEN'),
    ]);

    // Staff see it in 我的任务 under the request's title, and only their own community's part.
    const mine = (await staffA.get('/api/tasks?scope=mine')).json().tasks as Array<{ id: string; periodLabel: string; ruleId: string }>;
    expect(mine.filter((x) => x.ruleId === 'general.late-submission')).toEqual([
      expect.objectContaining({ id: taskA, periodLabel: '2026年5月矛盾纠纷排查统计表' }),
    ]);
    // The official's note reaches the staff in the task.
    expect((await staffA.get(`/api/tasks/${taskA}`)).json()).toMatchObject({
      periodLabel: '2026年5月矛盾纠纷排查统计表',
      requestNote: '请按附表格式填写，盖章后上传扫描件',
    });
    // An area leader sees the request with their community only.
    const leaders = (await leader.get(`/api/data-requests/${sent.id}`)).json();
    expect(leaders.communities.map((c: { communityId: string }) => c.communityId)).toEqual([t.communityA]);

    await answer(staffA, t.communityA, taskA!);
    await answer(staffB, t.communityB, taskB!);
    await waitForTaskStatus(db, key(t.communityA), 'CLOSED');
    await waitForTaskStatus(db, key(t.communityB), 'CLOSED');

    // The deadline passes; community C never uploaded.
    await ts.sleepUntil(new Date(Date.parse(sent.dueAt) + HOUR));
    clock = new Date(Date.parse(sent.dueAt) + HOUR);
    await waitForTaskStatus(db, key(communityC), 'OVERDUE');

    const deductionsOf = async (communityId: string) =>
      (await zhengfa.get(`/api/deductions?communityId=${communityId}&ruleId=general.late-submission`)).json() as Array<{
        points: number;
        recordedBy: string;
        periodKey: string;
        explanation: string;
      }>;
    const missed = await deductionsOf(communityC);
    expect(missed).toEqual([expect.objectContaining({ points: 0.5, recordedBy: 'auto:deadline', periodKey: `2026-req-${sent.id}` })]);
    expect(missed[0]!.explanation).toContain('资料报送不及时每次扣0.5分');
    expect(await deductionsOf(t.communityA)).toEqual([]);
    expect(await deductionsOf(t.communityB)).toEqual([]);
    expect(await db.deduction.count({ where: { periodKey: `2026-req-${sent.id}` } })).toBe(1);

    const status = (await zhengfa.get(`/api/data-requests/${sent.id}`)).json();
    const byCommunity = Object.fromEntries(status.communities.map((c: { communityId: string }) => [c.communityId, c]));
    expect(byCommunity[t.communityA]).toMatchObject({ status: 'CLOSED', deduction: null });
    expect(byCommunity[t.communityB]).toMatchObject({ status: 'CLOSED', deduction: null });
    expect(byCommunity[communityC]).toMatchObject({ status: 'OVERDUE', deduction: { points: 0.5, reversed: false } });
    expect((await zhengfa.get('/api/data-requests')).json().requests.map((r: { id: string }) => r.id)).toContain(sent.id);
    // Starting again is a no-op: the workflows exist.
    expect((await zhengfa.post(`/api/data-requests/${sent.id}/start`)).statusCode).toBe(200);
    expect(await db.deduction.count({ where: { periodKey: `2026-req-${sent.id}` } })).toBe(1);
  }, 300_000);
});
