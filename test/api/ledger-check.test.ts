// The automatic ledger check at the deadline, on the real Temporal dev server:
// a ledger the check passes closes its task in the database, in 我的任务 and
// in the heatmap; a gap deducts with Chinese field names; a yearly
// 本社区无此类人员 declaration stands for an empty ledger.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { shanghaiDateOf } from '../../domain';
import { testActivityDeps } from '../support/activity-deps';
import { createEvidence } from '../support/fixtures';
import { obligationSpec, startObligation, waitForTaskStatus } from '../support/open-task';
import { createTestWorker, uniqueTaskQueue } from '../support/stack';
import { heatmapCell, idNumber, login, seedTownship, startApi, type Client, type TestApi, type Township } from './support';

const HOUR = 3_600_000;

describe('the ledger check at the deadline (real workflow)', () => {
  let api: TestApi;
  let t: Township;
  let worker: Worker;
  let running: Promise<void>;
  const taskQueue = uniqueTaskQueue('ledger-check');
  let staff: Client;
  let secretary: Client;
  let leader: Client;

  beforeAll(async () => {
    api = await startApi({ taskQueue });
    worker = await createTestWorker(
      api.stack,
      taskQueue,
      createActivities(await testActivityDeps({ db: api.db, client: api.stack.client, taskQueue })),
    );
    running = worker.run();
    t = await seedTownship(api.db);
    [staff, secretary, leader] = await Promise.all([
      login(api.app, t.users.staffA.username),
      login(api.app, t.users.secretaryA.username),
      login(api.app, t.users.leaderA.username),
    ]);
  });

  afterAll(async () => {
    worker?.shutdown();
    await running;
    await api?.close();
  });

  /** A quarterly ledger task of the 2022 rulebook, opened an hour ago and due in a few seconds. */
  async function ledgerTask(ruleId: string, communityId = t.communityA) {
    const now = Date.now();
    const spec = await obligationSpec({
      communityId,
      ruleId,
      opensAt: new Date(now - HOUR),
      dueAt: new Date(now + 4_000),
      periodKey: `q-${randomUUID().slice(0, 6)}`,
      periodLabel: '本季度',
      generatedOn: new Date('2022-01-01T00:00:00+08:00'),
    });
    await startObligation(api.stack.client, taskQueue, spec);
    return spec;
  }

  it('closes the task of a complete ledger: CLOSED in the database, in 我的任务 and on the heatmap', async () => {
    const added = await secretary.post('/api/ledgers', {
      communityId: t.communityA,
      category: 'petitioner',
      displayName: '周某',
      startDate: '2022-01-01',
      idNumber: idNumber('51010419700101123'),
      responsibleUserId: t.users.staffA.id,
      fields: { address: '清水社区三组12号', grievance: '征地补偿争议' },
    });
    expect(added.statusCode, added.body).toBe(201);
    const spec = await ledgerTask('stability.ledger');
    const id = await waitForTaskStatus(api.db, spec.key, 'CLOSED', 30_000);
    expect(await api.db.deduction.count({ where: { businessKey: spec.deduction.key } })).toBe(0);
    const mine = (await staff.get('/api/tasks?scope=mine')).json() as { tasks: Array<{ id: string; status: string }> };
    expect(mine.tasks.find((x) => x.id === id)?.status).toBe('CLOSED');
    const month = new Date(Date.now() + 8 * HOUR).toISOString().slice(0, 7);
    const heatmap = (await leader.get(`/api/heatmap?month=${month}`)).json();
    expect(heatmapCell(heatmap, t.communityA, 'stability.ledger')).toBe('o'); // on track
  });

  it('deducts an incomplete ledger, naming the missing field in Chinese', async () => {
    const staffB = await login(api.app, t.users.secretaryB.username);
    expect(
      (
        await staffB.post('/api/ledgers', {
          communityId: t.communityB,
          category: 'petitioner',
          displayName: '钱某',
          startDate: '2022-01-01',
          fields: { address: '二组' },
        })
      ).statusCode,
    ).toBe(201);
    const spec = await ledgerTask('stability.ledger', t.communityB);
    await waitForTaskStatus(api.db, spec.key, 'OVERDUE', 30_000);
    const deduction = await api.db.deduction.findUniqueOrThrow({ where: { businessKey: spec.deduction.key } });
    expect(deduction.explanation).toContain('钱某：缺少“身份证号”');
    expect(deduction.explanation).toContain('钱某：缺少“信访诉求”');
    expect(deduction.explanation).not.toMatch(/grievance|idNumber/);
  });

  it('takes a yearly 本社区无此类人员 declaration for an empty ledger; without one the empty ledger is 未建立', async () => {
    const [statement] = await createEvidence(api.db, t.communityA, t.users.secretaryA.id, 1);
    const year = shanghaiDateOf(new Date()).year;
    const declared = await secretary.post('/api/ledgers/declarations', {
      communityId: t.communityA,
      category: 'cult-member',
      year,
      evidenceId: statement,
    });
    expect(declared.statusCode, declared.body).toBe(201);
    const [withDeclaration, without] = await Promise.all([ledgerTask('cult.ledger'), ledgerTask('hiv.ledger')]);
    await waitForTaskStatus(api.db, withDeclaration.key, 'CLOSED', 30_000);
    await waitForTaskStatus(api.db, without.key, 'OVERDUE', 30_000);
    expect((await api.db.deduction.findUniqueOrThrow({ where: { businessKey: without.deduction.key } })).explanation).toContain(
      '未建立台账',
    );
  });

  it('owes 一盯一 nothing in a community without petitioners', async () => {
    // Community B's only petitioner has no controller; a fresh community has none at all.
    const empty = await api.db.community.create({
      data: { townshipId: t.townshipId, code: `empty-${randomUUID().slice(0, 6)}`, name: '空社区' },
    });
    const spec = await ledgerTask('stability.controller-assigned', empty.id);
    await waitForTaskStatus(api.db, spec.key, 'CLOSED', 30_000);
  });
});
