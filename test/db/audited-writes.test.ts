// A workflow activity that changes a task and writes its audit row does both
// in one transaction, keyed: Temporal retrying the activity after the commit
// (the worker died before reporting) adds no second audit row. System actors
// (system:ledger) appear in /api/audit's rows with a Chinese name.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { createObligationActivities } from '../../activities/obligation-activities';
import { auditRepository } from '../../db/audit-repository';
import { obligationRepository } from '../../db/obligation-repository';
import { testRulebooks } from '../support/activity-deps';
import { connectTestStack, type TestStack } from '../support/stack';
import { createTestTownship, type TestTownship } from '../support/fixtures';

describe('audited activity writes', () => {
  let stack: TestStack;
  let t: TestTownship;
  beforeAll(async () => {
    stack = await connectTestStack();
    t = await createTestTownship(stack.db, 'audited');
  });
  afterAll(async () => stack?.close());

  const register = async () => {
    const day = '2026-03-10';
    const businessKey = `stability.monthly|${t.community.id}|${day}|${randomUUID().slice(0, 4)}`;
    await obligationRepository(stack.db).register({
      businessKey,
      ruleId: 'stability.monthly',
      rulebookVersion: '2026-v1',
      communityId: t.community.id,
      periodKey: day,
      periodLabel: day,
      kind: 'periodic',
      section: 1,
      title: '月度排查',
      points: 1,
      opensAt: new Date(`${day}T00:00:00+08:00`),
      dueAt: new Date(`${day}T23:59:59+08:00`),
      requiredCount: 1,
      workflowId: `wf-${randomUUID()}`,
    });
    return businessKey;
  };

  it('a waiver retried after commit leaves one audit row, and the system actor is named in Chinese', async () => {
    const activities = createObligationActivities({ db: stack.db, rulebooks: await testRulebooks() });
    const obligationKey = await register();
    const input = { obligationKey, reason: '台账已无此类人员', by: 'system:ledger', at: '2026-03-05T02:00:00.000Z' };
    await activities.recordWaiver(input);
    await activities.recordWaiver(input); // Temporal's retry: same input
    const rows = await stack.db.auditLog.findMany({ where: { entityId: obligationKey, action: 'obligation.waive' } });
    expect(rows).toHaveLength(1);
    expect((await stack.db.obligation.findUniqueOrThrow({ where: { businessKey: obligationKey } })).status).toBe('WAIVED');

    const listed = await auditRepository(stack.db).list({ townshipId: t.townshipId, action: 'obligation.waive', limit: 50 });
    const mine = listed.find((r) => r.entityId === obligationKey);
    expect(mine).toMatchObject({ actorId: 'system:ledger', actorName: '系统（台账自动核对）' });
  });

  it('an extension retried after commit leaves one audit row; a second extension at another time leaves its own', async () => {
    const activities = createObligationActivities({ db: stack.db, rulebooks: await testRulebooks() });
    const obligationKey = await register();
    const first = {
      obligationKey,
      newDueAt: '2026-03-12T15:59:59.000Z',
      reason: '汛期',
      by: t.users.secretary,
      at: '2026-03-09T01:00:00.000Z',
    };
    await activities.recordDeadlineChange(first);
    await activities.recordDeadlineChange(first);
    await activities.recordDeadlineChange({ ...first, newDueAt: '2026-03-14T15:59:59.000Z', at: '2026-03-11T01:00:00.000Z' });
    const rows = await stack.db.auditLog.findMany({
      where: { entityId: obligationKey, action: 'obligation.extend' },
      orderBy: { id: 'asc' },
    });
    expect(rows.map((r) => (r.details as { newDueAt: string }).newDueAt)).toEqual(['2026-03-12T15:59:59.000Z', '2026-03-14T15:59:59.000Z']);
    expect((await stack.db.obligation.findUniqueOrThrow({ where: { businessKey: obligationKey } })).dueAt.toISOString()).toBe(
      '2026-03-14T15:59:59.000Z',
    );
  });
});
