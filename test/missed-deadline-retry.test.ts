// recordMissedDeadline retried after a worker died between its insert and
// reporting it (SIGKILL): the retry finds the row its own first attempt wrote
// and must still answer `created`, or the workflow never announces "overdue"
// (seen in test/faults/month-boundary-crash.test.ts: 47 of 48 notifications).
// Real activities on the real PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { createActivities } from '../activities';
import { testActivityDeps } from './support/activity-deps';
import { createTestTownship, type TestTownship } from './support/fixtures';
import { obligationSpec } from './support/open-task';
import { connectTestStack, uniqueTaskQueue, type TestStack } from './support/stack';

describe('a missed deadline recorded again by a retried activity', () => {
  let stack: TestStack;
  let t: TestTownship;
  beforeAll(async () => {
    stack = await connectTestStack();
    t = await createTestTownship(stack.db, 'missed-retry');
  });
  afterAll(async () => stack?.close());

  it("answers created for the obligation's own row, once per row, and not for a row another obligation recorded", async () => {
    const taskQueue = uniqueTaskQueue('missed-retry');
    const acts = createActivities(await testActivityDeps({ db: stack.db, client: stack.client, taskQueue }));
    const periodKey = `retry-${randomUUID().slice(0, 6)}`;
    const spec = await obligationSpec({
      communityId: t.community.id,
      ruleId: 'drugs.publicity',
      opensAt: new Date(Date.now() - 86_400_000),
      dueAt: new Date(Date.now() - 60_000),
      periodKey,
      periodLabel: '本期',
    });
    await acts.registerObligation({ spec, workflowId: `wf-${spec.key}` });
    const input = { spec, dueAt: spec.dueAt, acceptedUnits: 0, requiredUnits: 1, recordedAt: new Date().toISOString() };

    expect(await acts.recordMissedDeadline(input)).toEqual({ created: true });
    // The same activity again, as Temporal retries it when the worker died before reporting the first attempt.
    expect(await acts.recordMissedDeadline(input)).toEqual({ created: true });
    expect(await stack.db.deduction.count({ where: { businessKey: spec.deduction.key } })).toBe(1);

    // Another obligation whose deduction shares the key (a per-period deduction over several subjects): not its row.
    const sibling = { ...spec, key: `${spec.key}|sibling` };
    await acts.registerObligation({ spec: sibling, workflowId: `wf-${sibling.key}` });
    expect(await acts.recordMissedDeadline({ ...input, spec: sibling })).toEqual({ created: false });
    expect(await stack.db.deduction.count({ where: { businessKey: spec.deduction.key } })).toBe(1);
  });
});
