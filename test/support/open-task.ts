// Real obligation workflows for the browser tests: a rule of a real rulebook,
// re-dated to open and fall due when the test needs, started on whichever
// Temporal the test gives (the dev server in real time, or the time-skipping
// server whose clock the test moves).
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Database } from '../../db/client';
import type { TaskRow } from '../../db/task-repository';
import { generateObligations } from '../../domain';
import { obligationWorkflowId } from '../../workflows/ids';
import { toObligationSpec, type ObligationSpec } from '../../workflows/obligation/spec';
import { testRulebooks } from './activity-deps';
import { eventually } from './eventually';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * The spec of `ruleId` for one community as the planner generates it from the
 * 2022 rulebook (the seed rubric), re-dated to open at `opensAt` and fall due
 * at `dueAt`, without reminders (these tests do not look at them).
 */
export async function obligationSpec(opts: {
  communityId: string;
  ruleId: string;
  opensAt: Date;
  dueAt: Date;
  periodKey: string;
  periodLabel: string;
  generatedOn?: Date;
}): Promise<ObligationSpec> {
  const rulebook = (await testRulebooks()).byVersion(2022, 1)!;
  // 1 March opens a period of every monthly rule; quarterly ones (ledgers) open on 1 January, 1 April, ...
  const opens = opts.generatedOn ?? new Date('2022-03-01T00:00:00+08:00');
  const instance = generateObligations({
    rulebook,
    community: { id: opts.communityId },
    from: opens,
    to: new Date(opens.getTime() + DAY),
  }).find((i) => i.ruleId === opts.ruleId);
  if (!instance) throw new Error(`rule ${opts.ruleId} opens nothing on ${opens.toISOString()}`);
  const base = toObligationSpec(instance, rulebook);
  const key = [opts.ruleId, opts.communityId, opts.periodKey].join('|');
  return {
    ...base,
    key,
    periodKey: opts.periodKey,
    periodLabel: opts.periodLabel,
    reminderOffsetsMs: [],
    opensAt: opts.opensAt.toISOString(),
    dueAt: opts.dueAt.toISOString(),
    acceptLateUntil: new Date(opts.dueAt.getTime() + 30 * DAY).toISOString(),
    deduction: { ...base.deduction, key },
  };
}

export async function startObligation(client: Client, taskQueue: string, spec: ObligationSpec): Promise<void> {
  await client.workflow.start('obligationWorkflow', { taskQueue, workflowId: obligationWorkflowId(spec.key), args: [spec] });
}

/** Resolves with the task's id once its row (written by the workflow's activities) has `status`. */
export async function waitForTaskStatus(db: Database, key: string, status: TaskRow['status'], timeoutMs = 15_000): Promise<string> {
  const row = await eventually(() => db.obligation.findUnique({ where: { businessKey: key }, select: { id: true, status: true } }), {
    done: (r) => r?.status === status,
    timeoutMs,
    what: `task ${key} ${status}`,
  });
  return row!.id;
}

/** Monthly rules of the 2022 rulebook that carry a deduction: a storm of deadlines at one instant (crash and fault tests). */
export async function monthlyRulesWithDeduction(): Promise<string[]> {
  const rulebook = (await testRulebooks()).byVersion(2022, 1)!;
  const opens = new Date('2022-03-01T00:00:00+08:00');
  return generateObligations({ rulebook, community: { id: 'c' }, from: opens, to: new Date(opens.getTime() + DAY) })
    .filter((i) => i.periodKey === '2022-03' && i.deduction.amount > 0 && !i.subjectId)
    .map((i) => i.ruleId);
}

/**
 * Opens a task on the dev server (which runs in real time): opened an hour
 * ago, due after `dueInMs`. Resolves once the workflow has opened its row.
 */
export async function openTaskNow(opts: {
  db: Database;
  client: Client;
  taskQueue: string;
  communityId: string;
  ruleId: string;
  dueInMs: number;
  escalation?: ObligationSpec['escalation'];
}): Promise<{ spec: ObligationSpec; id: string }> {
  const now = Date.now();
  const base = await obligationSpec({
    communityId: opts.communityId,
    ruleId: opts.ruleId,
    opensAt: new Date(now - HOUR),
    dueAt: new Date(now + opts.dueInMs),
    periodKey: `now-${randomUUID().slice(0, 6)}`,
    periodLabel: '本期',
  });
  const spec = opts.escalation ? { ...base, escalation: opts.escalation } : base;
  await startObligation(opts.client, opts.taskQueue, spec);
  return { spec, id: await waitForTaskStatus(opts.db, spec.key, 'OPEN') };
}
