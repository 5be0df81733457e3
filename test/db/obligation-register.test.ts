// Registering an obligation's row, the first thing its workflow does.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { obligationRepository } from '../../db/obligation-repository';
import { connectTestStack, type TestStack } from '../support/stack';
import { createTestTownship, type TestTownship } from '../support/fixtures';

describe('registering an obligation row', () => {
  let stack: TestStack;
  let t: TestTownship;
  beforeAll(async () => {
    stack = await connectTestStack();
    t = await createTestTownship(stack.db, 'register');
  });
  afterAll(async () => stack?.close());

  const dutyRow = (day: string, plannedAssignee?: string) => ({
    businessKey: `flood.duty|${t.community.id}|${day}|${randomUUID().slice(0, 4)}`,
    ruleId: 'flood.duty',
    rulebookVersion: '2026-v1',
    communityId: t.community.id,
    periodKey: day,
    periodLabel: day,
    kind: 'seasonal-duty',
    section: 4,
    title: '汛期值班值守',
    points: 2,
    opensAt: new Date(`${day}T00:00:00+08:00`),
    dueAt: new Date(`${day}T09:00:00+08:00`),
    requiredCount: 1,
    workflowId: `wf-${randomUUID()}`,
    ...(plannedAssignee ? { assigneeId: plannedAssignee } : {}),
  });

  it('gives a duty day to whoever the roster names when the row is written, not when the planner read it', async () => {
    const day = '2026-07-15';
    // The planner read the roster while it named the staff member; the secretary took the day over before the row existed.
    await stack.db.dutyShift.create({
      data: { communityId: t.community.id, dutyDate: new Date(`${day}T00:00:00Z`), userId: t.users.secretary },
    });
    const row = dutyRow(day, t.users.staff);
    await obligationRepository(stack.db).register(row);
    expect((await stack.db.obligation.findUniqueOrThrow({ where: { businessKey: row.businessKey } })).assigneeId).toBe(t.users.secretary);

    // No one on the roster: the community's staff get it (no assignee), whatever the planner saw.
    const empty = dutyRow('2026-07-16', t.users.staff);
    await obligationRepository(stack.db).register(empty);
    expect((await stack.db.obligation.findUniqueOrThrow({ where: { businessKey: empty.businessKey } })).assigneeId).toBeNull();
  });

  it('changes nothing when registered again (a retried activity)', async () => {
    const row = dutyRow('2026-07-17');
    await obligationRepository(stack.db).register(row);
    await stack.db.obligation.update({ where: { businessKey: row.businessKey }, data: { status: 'OPEN' } });
    await obligationRepository(stack.db).register(row);
    expect((await stack.db.obligation.findUniqueOrThrow({ where: { businessKey: row.businessKey } })).status).toBe('OPEN');
  });
});
