// Fault: the worker is killed (SIGKILL) in the middle of a month-boundary
// storm: the planner opens the new month's periods for every community while
// last month's monthly duties fall due, deduct, escalate and notify. Another
// worker takes over; every period, deduction, escalation and notification row
// then exists exactly once, and exactly the ones the domain generator and the
// rulebook say. Real worker process, real Temporal dev server, real PostgreSQL.
//
// The dev server runs in real time (a static Go binary: libfaketime cannot move
// its clock), so the boundary is the current month's start. The new periods are
// the planner's own: planObligationsWorkflow, as the nightly Schedule starts it,
// for the month's first day, run after 00:00 as on a night the planner ran late
// (each workflow opens at once instead of waking at 00:00). Last month's duties
// are the rubric's monthly rules with their real keys, re-dated to fall due as
// the planner runs (test/support/open-task.ts), as test/worker-crash.test.ts does.
// (The time-skipping test server, which libfaketime can start just before a real
// 00:00, cannot hand a killed worker's work to another: it never moves a workflow
// task off a dead worker's sticky queue, nor implements ResetStickyTaskQueue.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { planningSource } from '../../db/planning-source';
import { generateObligationsAcrossVersions } from '../../domain';
import { addDays, civilDate, shanghaiDateOf, startOfDay } from '../../domain/time/shanghai';
import { notificationWorkflowId, obligationWorkflowId } from '../../workflows/ids';
import { testRulebooks } from '../support/activity-deps';
import { eventually } from '../support/eventually';
import { createTestTownship, type TestTownship } from '../support/fixtures';
import { monthlyRulesWithDeduction, obligationSpec, startObligation } from '../support/open-task';
import { spawnWorkerProcess } from '../support/spawn-worker';
import { connectTestStack, uniqueTaskQueue, type TestStack } from '../support/stack';

const TOWNSHIPS = 2;
const monthKey = (year: number, month: number) => `${year}-${String(month).padStart(2, '0')}`;

describe('a worker killed mid month-boundary storm', () => {
  let stack: TestStack;
  const workers: ChildProcess[] = [];
  const taskQueue = uniqueTaskQueue('fault-boundary');

  beforeAll(async () => {
    stack = await connectTestStack();
    workers.push(await spawnWorkerProcess({ taskQueue }));
  });
  afterAll(async () => {
    for (const child of workers) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await stack?.close();
  });

  it('opens each new period once and records each deduction, escalation and notification once after a restart', async () => {
    const { db, client } = stack;
    const townships: TestTownship[] = [];
    for (let i = 0; i < TOWNSHIPS; i++) townships.push(await createTestTownship(db, 'fault-boundary'));
    const communityIds = townships.flatMap((t) => [t.community.id, t.otherCommunity.id]);
    const today = shanghaiDateOf(new Date());
    const monthStart = startOfDay(civilDate(today.year, today.month, 1));
    const previous = today.month === 1 ? { year: today.year - 1, month: 12 } : { year: today.year, month: today.month - 1 };
    const previousKey = monthKey(previous.year, previous.month);

    // Last month: each monthly rule with a deduction in each community, open since its first day, all due at one instant.
    const rules = await monthlyRulesWithDeduction();
    expect(rules).toHaveLength(8); // the 2022 rubric's monthly duties: 9 points a community (geo.inspection 2)
    // Far enough ahead that all of them are open first (a loaded box takes a while to start 32 workflows).
    const dueAt = new Date(Date.now() + 45_000);
    const falling = await Promise.all(
      communityIds.flatMap((communityId) =>
        rules.map((ruleId) =>
          obligationSpec({
            communityId,
            ruleId,
            opensAt: startOfDay(civilDate(previous.year, previous.month, 1)),
            dueAt,
            periodKey: previousKey,
            periodLabel: `${previous.year}年${previous.month}月`,
          }),
        ),
      ),
    );
    await Promise.all(falling.map((spec) => startObligation(client, taskQueue, spec)));
    const dueKeys = falling.map((s) => s.key).sort();
    await eventually(() => db.obligation.count({ where: { businessKey: { in: dueKeys }, status: 'OPEN' } }), {
      done: (n) => n === dueKeys.length,
      timeoutMs: 40_000,
      what: "last month's duties open",
    });

    // This month: what the planner will open, from the same generator and rulebooks it uses,
    // for its window (the month's first day) and its cut-off (deadlines still ahead).
    const window = { from: monthStart, to: startOfDay(addDays(civilDate(today.year, today.month, 1), 1)) };
    const rulebooks = await testRulebooks();
    const seasonIds = [...new Set(rulebooks.all().flatMap((r) => r.settings.seasons.map((s) => s.id)))];
    const loaded = await planningSource(db).load(communityIds, seasonIds);
    const opening = loaded
      .flatMap(({ community, subjects, rosters, addedWindows }) =>
        generateObligationsAcrossVersions({ versions: rulebooks.all(), community, subjects, rosters, addedWindows, ...window }),
      )
      .filter((i) => i.dueAt.getTime() > dueAt.getTime());
    // Nothing opens in a month no rulebook covers (the township's next year not yet loaded): then there is no storm to test.
    expect(
      opening.length,
      `no rulebook opens anything on ${monthKey(today.year, today.month)}-01: add rulebooks/${today.year}.yaml`,
    ).toBeGreaterThan(0);
    // Every community owes the same rules, each once, for this month (December 2026: the 7 monthly rules of the 2026 rubric).
    const rulesOf = (communityId: string) =>
      opening
        .filter((i) => i.communityId === communityId)
        .map((i) => `${i.ruleId} ${i.periodKey}`)
        .sort();
    const perCommunity = rulesOf(communityIds[0]!);
    expect(new Set(perCommunity).size).toBe(perCommunity.length);
    for (const communityId of communityIds) expect(rulesOf(communityId)).toEqual(perCommunity);
    expect(perCommunity.filter((r) => r.endsWith(monthKey(today.year, today.month))).length).toBeGreaterThan(0);
    console.log(`the planner is to open ${opening.length} periods: ${perCommunity.length} in each of ${communityIds.length} communities`);
    const newPeriodKeys = opening.map((i) => i.key).sort();

    // What the deadlines must leave: one deduction per duty (its key is the duty's, per period),
    // 9 points a community; the standard escalation's first step (PT0S) to the secretary, keyed
    // `<duty>|1`; notifications (no channel configured here: each a row of its own, channel `none`,
    // keyed `<duty>#<event>#<sequence>|<user>`): "overdue" to the community's staff
    // (policy notify.unassignedReminder) and "escalation" level 1 to its secretary.
    const deductionKeys = falling.map((s) => s.deduction.key).sort();
    expect(falling.reduce((sum, s) => sum + s.deduction.amount, 0)).toBe(9 * communityIds.length);
    const escalationKeys = dueKeys.map((k) => `${k}|1`).sort();
    const members = async (role: 'STAFF' | 'SECRETARY', communityId: string) =>
      (await db.user.findMany({ where: { role, memberships: { some: { communityId } } }, select: { id: true } })).map((u) => u.id);
    const notificationKeys: string[] = [];
    for (const s of falling) {
      for (const user of await members('STAFF', s.communityId)) notificationKeys.push(`${s.key}#overdue#${s.dueAt}|${user}`);
      for (const user of await members('SECRETARY', s.communityId)) notificationKeys.push(`${s.key}#escalation#1|${user}`);
    }
    notificationKeys.sort();
    // Each township: 16 duties to one staff member each, the 8 of 清水社区 also to its secretary (桃花村 has none).
    expect(notificationKeys).toHaveLength(24 * TOWNSHIPS);

    // The storm: the planner opens this month's periods as last month's deadlines pass.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, dueAt.getTime() - Date.now() - 500)));
    const planner = await client.workflow.start('planObligationsWorkflow', {
      taskQueue,
      workflowId: `${taskQueue}-planner`,
      args: [{ communityIds, from: window.from.toISOString(), to: window.to.toISOString() }],
    });
    const inRun = { communityId: { in: communityIds } };
    const progress = async () => ({
      periods: await db.obligation.count({ where: { businessKey: { in: newPeriodKeys } } }),
      deductions: await db.deduction.count({ where: inRun }),
    });
    // Kill when some, not all, of the new periods have their row.
    const atKill = await eventually(progress, {
      done: (p) => p.periods > 0,
      intervalMs: 10,
      timeoutMs: 60_000,
      what: 'the first new period',
    });
    workers[0]!.kill('SIGKILL');
    const killedAt = Date.now();
    const landed = await progress();
    console.log(
      `killed with ${atKill.periods} of ${newPeriodKeys.length} new periods and ${atKill.deductions} of ${deductionKeys.length} deductions recorded` +
        ` (a moment later: ${landed.periods} and ${landed.deductions})`,
    );
    expect(landed.periods).toBeLessThan(newPeriodKeys.length);

    // Another worker process takes over what the dead one held once its timeouts pass.
    workers.push(await spawnWorkerProcess({ taskQueue }));

    // Settled when the planner has finished and no workflow of the boundary has an activity in flight
    // (no retry can still write a row) and every notification workflow has finished.
    const obligationHandles = [...newPeriodKeys, ...dueKeys].map((k) => client.workflow.getHandle(obligationWorkflowId(k)));
    const notificationHandles = falling.flatMap((s) => [
      client.workflow.getHandle(notificationWorkflowId(s.key, 'overdue', s.dueAt)),
      client.workflow.getHandle(notificationWorkflowId(s.key, 'escalation', '1')),
    ]);
    const settled = async () => {
      const counts = {
        open: await db.obligation.count({ where: { businessKey: { in: newPeriodKeys }, status: 'OPEN' } }),
        overdue: await db.obligation.count({ where: { businessKey: { in: dueKeys }, status: 'OVERDUE' } }),
        deductions: await db.deduction.count({ where: inRun }),
        escalations: await db.escalation.count({ where: { obligation: inRun } }),
        notifications: await db.notification.count({ where: { businessKey: { in: notificationKeys } } }),
      };
      const complete =
        counts.open === newPeriodKeys.length &&
        counts.overdue === dueKeys.length &&
        counts.deductions >= deductionKeys.length &&
        counts.escalations >= escalationKeys.length &&
        counts.notifications === notificationKeys.length;
      if (!complete) return { ...counts, busy: -1 };
      let busy = (await planner.describe()).status.name === 'COMPLETED' ? 0 : 1;
      for (const h of obligationHandles) if ((await h.describe()).raw.pendingActivities?.length) busy++;
      for (const h of notificationHandles) if ((await h.describe()).status.name !== 'COMPLETED') busy++;
      return { ...counts, busy };
    };
    const final = await eventually(settled, {
      done: (s) => s.busy === 0,
      intervalMs: 1000,
      timeoutMs: 150_000,
      what: 'the boundary settled',
    }).catch(async (error: unknown) => {
      // Which notifications never came: a lost one shows here by its key.
      const found = new Set(
        (await db.notification.findMany({ where: { businessKey: { in: notificationKeys } } })).map((n) => n.businessKey),
      );
      console.log(`missing notifications: ${JSON.stringify(notificationKeys.filter((k) => !found.has(k)))}`);
      throw error;
    });
    console.log(`settled ${Date.now() - killedAt} ms after the kill: ${JSON.stringify(final)}`);

    // Each new period opened exactly once: one row per generated key, OPEN, and no other period
    // (a second start of the same period would be a second row under another key, or a refused start).
    const obligations = await db.obligation.findMany({ where: inRun, select: { businessKey: true, status: true } });
    expect(obligations.map((o) => o.businessKey).sort()).toEqual([...newPeriodKeys, ...dueKeys].sort());
    const status = new Map(obligations.map((o) => [o.businessKey, o.status]));
    expect(newPeriodKeys.filter((k) => status.get(k) !== 'OPEN')).toEqual([]);
    expect(dueKeys.filter((k) => status.get(k) !== 'OVERDUE')).toEqual([]);
    // ... each by one running workflow (its id is the business key).
    for (const h of obligationHandles) expect((await h.describe()).status.name).toBe('RUNNING');

    // Each deduction exactly once, with the rulebook's points.
    const deductions = await db.deduction.findMany({ where: inRun, select: { businessKey: true, points: true } });
    expect(deductions.map((d) => d.businessKey).sort()).toEqual(deductionKeys);
    expect(deductions.reduce((sum, d) => sum + Number(d.points), 0)).toBe(9 * communityIds.length);

    // Each escalation exactly once: level 1 to the secretary, none further (the next step is two days on).
    const escalations = await db.escalation.findMany({
      where: { obligation: inRun },
      select: { businessKey: true, level: true, targetRole: true },
    });
    expect(escalations.map((e) => e.businessKey).sort()).toEqual(escalationKeys);
    expect(escalations.filter((e) => e.level !== 1 || e.targetRole !== 'SECRETARY')).toEqual([]);

    // Each notification exactly once: the expected outbox rows and no other for these people.
    const users = townships.flatMap((t) => Object.values(t.users));
    const notifications = await db.notification.findMany({ where: { userId: { in: users } }, select: { businessKey: true } });
    expect(notifications.map((n) => n.businessKey).sort()).toEqual(notificationKeys);
  }, 280_000);
});
