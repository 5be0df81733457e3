// Opens a real obligation workflow on the dev server (which runs in real
// time): a rule of the 2022 rulebook, re-dated to open an hour ago and fall
// due after `dueInMs`. Resolves once the workflow has opened its row.
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Database } from '../../db/client';
import { generateObligations } from '../../domain';
import { obligationWorkflowId } from '../../workflows/ids';
import { toObligationSpec, type ObligationSpec } from '../../workflows/obligation/spec';
import { testRulebooks } from './activity-deps';

const HOUR = 3_600_000;

export async function openTaskNow(opts: { db: Database; client: Client; taskQueue: string; communityId: string; ruleId: string; dueInMs: number }): Promise<{ spec: ObligationSpec; id: string }> {
  const rulebook = (await testRulebooks()).byVersion(2022, 1)!;
  const opens = new Date('2022-03-01T00:00:00+08:00');
  const instance = generateObligations({ rulebook, community: { id: opts.communityId }, from: opens, to: new Date(opens.getTime() + 24 * HOUR) })
    .find((i) => i.ruleId === opts.ruleId);
  if (!instance) throw new Error(`rule ${opts.ruleId} opens nothing on 1 March`);
  const period = `now-${randomUUID().slice(0, 6)}`;
  const base = toObligationSpec(instance, rulebook);
  const key = [opts.ruleId, opts.communityId, period].join('|');
  const spec: ObligationSpec = {
    ...base, key, periodKey: period, periodLabel: '本期', reminderOffsetsMs: [],
    opensAt: new Date(Date.now() - HOUR).toISOString(), dueAt: new Date(Date.now() + opts.dueInMs).toISOString(),
    acceptLateUntil: new Date(Date.now() + 30 * 24 * HOUR).toISOString(), deduction: { ...base.deduction, key },
  };
  await opts.client.workflow.start('obligationWorkflow', { taskQueue: opts.taskQueue, workflowId: obligationWorkflowId(key), args: [spec] });
  for (let i = 0; i < 150; i++) {
    const row = await opts.db.obligation.findUnique({ where: { businessKey: key } });
    if (row?.status === 'OPEN') return { spec, id: row.id };
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`task ${key} did not open`);
}
