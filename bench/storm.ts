// Part 3: the month-boundary storm, end to end, with the workers in their own
// processes (as `npm run cluster` and docker-compose run them). Time is
// compressed: every generated obligation of the boundary day is started with
// its period opening at one common instant B and its deadline at D, with a
// first escalation step soon after, so the open storm, the deadline storm
// (deductions + escalations + their notifications) and the closing of the
// workflows all happen within minutes. The bare engine (a timer and one
// activity inserting a row: selfCheckWorkflow) runs the same count first, its
// timers all firing at one instant, on the same server and workers.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { generateObligationsAcrossVersions } from '../domain';
import type { Database } from '../db/client';
import { planningSource } from '../db/planning-source';
import type { RulebookStore } from '../platform/rulebook-store';
import { projectRoot } from '../stack/paths';
import { stopChild } from '../stack/temporal-dev-server';
import { obligationWorkflowId } from '../workflows/ids';
import { toObligationSpec, type ObligationSpec } from '../workflows/obligation/spec';
import { bundleWorkflows } from '../worker/create-worker';
import { seedCommunities } from './fixtures';
import { dayWindow } from './generation';
import { reapWhenGone } from './stack';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Starts in flight from the client, as the planner's activities run them (4 activities x 16). */
export const STORM_START_CONCURRENCY = 64;
/** After the deadline, the first escalation step fires this much later. */
const ESCALATION_AFTER_MS = 10_000;

export interface StormResult {
  communities: number;
  workflows: number;
  workers: number;
  bare: { startMs: number; startsPerSecond: number; timerToRowsMs?: number; rowsPerSecond?: number };
  duban: {
    startMs: number;
    startsPerSecond: number;
    startsEndedBeforeOpen: boolean;
    openedBeforeDeadline: boolean;
    openAllMs?: number;
    expectedDeductions: number;
    deadlineToDeductionsMs?: number;
    deductionsPerSecond?: number;
    expectedEscalations: number;
    deadlineToEscalationsMs?: number;
    notifications: number;
    notificationsPerSecond?: number;
    missing: number;
    doubled: number;
    unexpected: number;
    /** ledger duties the automatic check closed whose row still reads OPEN after the workflow completed */
    ledgerClosedButOpenInDb: number;
  };
  workerRssMb: number[];
}

async function bounded<T>(items: readonly T[], limit: number, task: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      await task(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}

/** Polls `count` until it reaches `target`; the elapsed ms since `from`, or undefined after `timeoutMs`. */
async function timeUntil(count: () => Promise<number>, target: number, from: number, timeoutMs: number): Promise<number | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await count()) >= target) return Date.now() - from;
    await sleep(500);
  }
  return undefined;
}

/** The worker processes' peak resident memory, sampled from /proc every second. */
function watchRss(children: ChildProcess[]): { stop(): number[] } {
  const peak = children.map(() => 0);
  const timer = setInterval(() => {
    children.forEach((child, i) => {
      try {
        const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0);
        peak[i] = Math.max(peak[i]!, kb / 1024);
      } catch {
        // gone or not Linux
      }
    });
  }, 1000);
  return {
    stop: () => {
      clearInterval(timer);
      return peak;
    },
  };
}

async function spawnWorkers(count: number, env: NodeJS.ProcessEnv): Promise<ChildProcess[]> {
  const children = Array.from({ length: count }, () =>
    spawn(process.execPath, ['--import', 'tsx', path.join(projectRoot, 'bench', 'worker.ts')], {
      cwd: projectRoot,
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    }),
  );
  reapWhenGone(
    process.pid,
    children.map((c) => c.pid),
  );
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve, reject) => {
          child.stdout!.on('data', (chunk: Buffer) => {
            if (chunk.toString().includes('worker ready')) resolve();
          });
          child.once('exit', (code) => reject(new Error(`a benchmark worker exited with code ${code} before it was ready`)));
        }),
    ),
  );
  return children;
}

/** The spec with time compressed: opens at `opensAt`, due at `dueAt`, one escalation step, no reminders. */
function compressed(spec: ObligationSpec, opensAt: number, dueAt: number, lateMs: number): ObligationSpec {
  const { preShiftNoticeMs: _notice, ...rest } = spec;
  const firstStep = spec.escalation.steps[0];
  return {
    ...rest,
    opensAt: new Date(opensAt).toISOString(),
    dueAt: new Date(dueAt).toISOString(),
    reminderOffsetsMs: [],
    escalation: {
      ...spec.escalation,
      steps: firstStep ? [{ ...firstStep, wait: `PT${ESCALATION_AFTER_MS / 1000}S` }] : [],
      repeatEvery: 'P1D',
    },
    // Late evidence is taken for a while after the escalation, then the workflow completes. A workflow
    // that reaches its deadline after this (an overloaded box) skips escalation: keep it generous.
    acceptLateUntil: new Date(dueAt + ESCALATION_AFTER_MS + lateMs).toISOString(),
  };
}

export async function runStorm(opts: {
  client: Client;
  db: Database;
  rulebooks: RulebookStore;
  communities: number;
  day: string;
  workers: number;
  workerEnv: NodeJS.ProcessEnv;
  taskQueue: string;
  notificationTaskQueue: string;
  scratch: string;
  log: (line: string) => void;
}): Promise<StormResult> {
  const { client, db, log } = opts;
  log(`storm: seeding ${opts.communities} communities`);
  const communityIds = await seedCommunities(db, opts.communities);
  const window = dayWindow(opts.day);
  const seasonIds = [...new Set(opts.rulebooks.all().flatMap((r) => r.settings.seasons.map((s) => s.id)))];
  const loaded = await planningSource(db).load(communityIds, seasonIds);
  const specs = loaded
    .flatMap(({ community, subjects, rosters, addedWindows }) =>
      generateObligationsAcrossVersions({ versions: opts.rulebooks.all(), community, subjects, rosters, addedWindows, ...window }),
    )
    .map((instance) => toObligationSpec(instance, opts.rulebooks.forInstant(instance.opensAt)!));
  const planned = specs.length;

  const bundleFile = path.join(opts.scratch, 'workflow-bundle.js');
  writeFileSync(bundleFile, (await bundleWorkflows()).code);
  log(`storm: starting ${opts.workers} worker processes`);
  const workers = await spawnWorkers(opts.workers, { ...opts.workerEnv, WORKFLOW_BUNDLE: bundleFile });
  const rss = watchRss(workers);
  try {
    // Warm-up (not counted): gives the start rate the timelines below are planned with.
    const warmStart = Date.now();
    await bounded(
      Array.from({ length: 200 }, (_, i) => i),
      STORM_START_CONCURRENCY,
      async (i) => {
        await client.workflow.start('selfCheckWorkflow', {
          taskQueue: opts.taskQueue,
          workflowId: `storm-warmup-${i}`,
          args: [{ requestedAt: new Date().toISOString(), delayMs: 0 }],
        });
      },
    );
    const warmRate = 200 / ((Date.now() - warmStart) / 1000);
    // Plan for half the warm-up rate, so all starts are done before the common instant.
    const startBudgetMs = (planned / (warmRate / 2)) * 1000 + 10_000;

    // 1. Bare engine: `planned` timers firing at one instant, each then inserting a row.
    log(`storm: bare engine, ${planned} selfCheckWorkflow starts (${STORM_START_CONCURRENCY} in flight), timers firing together`);
    const bareFireAt = Date.now() + startBudgetMs;
    const bareIds = Array.from({ length: planned }, (_, i) => `storm-bare-${i}`);
    const bareT0 = Date.now();
    await bounded(bareIds, STORM_START_CONCURRENCY, async (workflowId) => {
      await client.workflow.start('selfCheckWorkflow', {
        taskQueue: opts.taskQueue,
        workflowId,
        args: [{ requestedAt: new Date().toISOString(), delayMs: Math.max(0, bareFireAt - Date.now()) }],
      });
    });
    const bareStartMs = Date.now() - bareT0;
    const bareRows = () => db.selfCheck.count({ where: { workflowId: { startsWith: 'storm-bare-' } } });
    await sleep(Math.max(0, bareFireAt - Date.now()));
    const timerToRowsMs = await timeUntil(bareRows, planned, bareFireAt, 20 * 60_000);

    // 2. duban: the same count of obligation workflows, opening together at B, due together at D.
    log(`storm: duban, ${planned} obligationWorkflow starts for ${opts.communities} communities, opening and falling due together`);
    const openAt = Date.now() + startBudgetMs;
    // The open storm costs about two tasks per workflow: give it the start budget again before the deadline.
    const dueAt = openAt + startBudgetMs;
    const lateMs = Math.max(60_000, 2 * startBudgetMs);
    const t0 = Date.now();
    await bounded(specs, STORM_START_CONCURRENCY, async (spec) => {
      await client.workflow.start('obligationWorkflow', {
        taskQueue: opts.taskQueue,
        workflowId: obligationWorkflowId(spec.key),
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        args: [compressed(spec, openAt, dueAt, lateMs)],
      });
    });
    const startMs = Date.now() - t0;
    const inRun = { communityId: { in: communityIds } };
    await sleep(Math.max(0, openAt - Date.now()));
    const openAllMs = await timeUntil(
      () => db.obligation.count({ where: { ...inRun, status: { not: 'SCHEDULED' } } }),
      planned,
      openAt,
      20 * 60_000,
    );

    // Deadline storm: sample deductions, escalations and finished notifications until every
    // obligation workflow of the run has completed (a minute after its escalation), then read
    // off when each count first reached its final expected value.
    await sleep(Math.max(0, dueAt - Date.now()));
    const notificationsDone = async () =>
      (await client.workflow.count(`WorkflowType = 'notificationWorkflow' AND ExecutionStatus = 'Completed'`)).count;
    const samples: Array<{ at: number; deductions: number; escalations: number; notifications: number }> = [];
    const giveUpAt = Date.now() + 30 * 60_000;
    for (;;) {
      const [deductions, escalations, notifications, running] = await Promise.all([
        db.deduction.count({ where: inRun }),
        db.escalation.count({ where: { obligation: inRun } }),
        notificationsDone(),
        client.workflow.count(`WorkflowType = 'obligationWorkflow' AND ExecutionStatus = 'Running'`).then((c) => c.count),
      ]);
      samples.push({ at: Date.now() - dueAt, deductions, escalations, notifications });
      if ((running === 0 && Date.now() > dueAt + ESCALATION_AFTER_MS + lateMs) || Date.now() > giveUpAt) break;
      await sleep(1000);
    }
    const firstReached = (field: 'deductions' | 'escalations' | 'notifications', target: number) =>
      samples.find((x) => x[field] >= target)?.at;
    // Every scored obligation without evidence is missed, except ledger duties the automatic check found complete.
    const rows = await db.obligation.findMany({ where: inRun, select: { businessKey: true, status: true } });
    const statusOf = new Map(rows.map((r) => [r.businessKey, r.status]));
    const missed = specs.filter((s) => s.deduction.amount > 0 && (s.kind !== 'ledger' || statusOf.get(s.key) === 'OVERDUE'));
    const expectedKeys = new Set(missed.map((s) => s.deduction.key));
    const expectedEscalations = missed.filter((s) => s.escalation.steps.length > 0).length;
    const deadlineToDeductionsMs = firstReached('deductions', expectedKeys.size);
    const deadlineToEscalationsMs = firstReached('escalations', expectedEscalations);
    const notifications = samples.at(-1)?.notifications ?? 0;
    const notificationsMs = firstReached('notifications', notifications);

    // Exactly once: one Deduction row per expected key, none for anything else.
    const recorded = await db.deduction.groupBy({ by: ['businessKey'], where: inRun, _count: { _all: true } });
    const found = new Map(recorded.map((r) => [r.businessKey, r._count._all]));
    const missing = [...expectedKeys].filter((k) => !found.has(k)).length;
    const doubled = recorded.filter((r) => r._count._all > 1).length;
    const unexpected = recorded.filter((r) => !expectedKeys.has(r.businessKey)).length;
    return {
      communities: opts.communities,
      workflows: planned,
      workers: opts.workers,
      bare: {
        startMs: bareStartMs,
        startsPerSecond: planned / (bareStartMs / 1000),
        timerToRowsMs,
        ...(timerToRowsMs ? { rowsPerSecond: planned / (timerToRowsMs / 1000) } : {}),
      },
      duban: {
        startMs,
        startsPerSecond: planned / (startMs / 1000),
        startsEndedBeforeOpen: t0 + startMs <= openAt,
        openedBeforeDeadline: openAllMs !== undefined && openAt + openAllMs <= dueAt,
        openAllMs,
        expectedDeductions: expectedKeys.size,
        deadlineToDeductionsMs,
        ...(deadlineToDeductionsMs ? { deductionsPerSecond: expectedKeys.size / (deadlineToDeductionsMs / 1000) } : {}),
        expectedEscalations,
        deadlineToEscalationsMs,
        notifications,
        ...(notificationsMs ? { notificationsPerSecond: notifications / (notificationsMs / 1000) } : {}),
        missing,
        doubled,
        unexpected,
        ledgerClosedButOpenInDb: specs.filter((x) => x.kind === 'ledger' && x.deduction.amount > 0 && statusOf.get(x.key) === 'OPEN')
          .length,
      },
      workerRssMb: rss.stop(),
    };
  } finally {
    rss.stop();
    await Promise.all(workers.map((w) => stopChild(w)));
  }
}
