// `npm run bench`: obligation generation and workflow-start throughput on a
// throw-away PostgreSQL + Temporal dev server, and scoreboard reads at 3,000
// communities (bench/scoreboard.ts). Prints figures, judges nothing.
//   BENCH_COMMUNITIES  communities for pure generation (default 3000)
//   BENCH_WORKFLOWS    workflows started per side of the start comparison (default 2000)
//   BENCH_GEN_DAY      month boundary for pure generation (default 2026-07-01: quarter + month + flood season)
//   BENCH_TEMPORAL_STORE  file (default: SQLite file in the temp folder, as npm start) | memory (in-memory SQLite, as the tests)
//   BENCH_DAY          month boundary the obligation workflows are started for (default: next 1st of a month)
//   BENCH_TEMPORAL     dev (default: a throw-away dev server) | cluster (a throw-away real Temporal server on the
//                      benchmark's PostgreSQL, BENCH_SHARDS history shards, default 16) | host:port (a running
//                      cluster, e.g. npm run cluster's: a fresh namespace per run, deleted afterwards)
//   BENCH_PARTS        which parts run, comma-separated (default generation,starts,storm,scoreboard)
//   BENCH_STORM_COMMUNITIES  communities in the month-boundary storm (default 300)
//   BENCH_WORKERS      worker processes in the storm (default 2)
// `npm run bench -- --reads` runs the read benchmark at prefecture scale instead (bench/reads.ts).
import os from 'node:os';
import path from 'node:path';
import { Runtime, DefaultLogger, NativeConnection } from '@temporalio/worker';
import { createActivities } from '../activities';
import { createDatabase } from '../db/client';
import { generateObligations, type Rulebook } from '../domain';
import { notifySetup } from '../platform/notify-setup';
import { loadRulebookStore, type RulebookStore } from '../platform/rulebook-store';
import { connectTemporalClient } from '../platform/temporal';
import { notifyConfigSchema } from '../notify';
import { projectRoot } from '../stack/paths';
import { bundleWorkflows, createDubanWorker } from '../worker/create-worker';
import { seedCommunities, syntheticCommunities, SUBJECTS_PER_COMMUNITY } from './fixtures';
import { benchGeneration, dayWindow, type GenerationResult } from './generation';
import { benchBareStarts, benchDubanStarts, START_CONCURRENCY } from './starts';
import { startBenchStack, type BenchStack } from './stack';
import { fmt, table } from './table';
import { benchScoreboard } from './scoreboard';
import { cpuBetween, cpuSnapshot, postmasterPidOf, type CpuShare } from './cpu';
import { runStorm, STORM_START_CONCURRENCY, type StormResult } from './storm';
import { describeTemporalServer } from '../platform/temporal';
import { deleteNamespace, ensureNamespace } from '../stack/temporal-server';
import { Connection } from '@temporalio/client';
import type { BenchEngine } from './stack';

const log = (line: string) => console.log(`[bench] ${line}`);

function positiveInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return value;
}

function benchEngine(): BenchEngine {
  const raw = process.env.BENCH_TEMPORAL || 'dev';
  if (raw === 'dev') return { kind: 'dev' };
  if (raw === 'cluster') return { kind: 'cluster', historyShards: positiveInt('BENCH_SHARDS', 16) };
  if (/^[A-Za-z0-9.-]+:\d{1,5}$/.test(raw)) return { kind: 'external', address: raw };
  throw new Error(`BENCH_TEMPORAL must be dev, cluster or host:port of a running Temporal cluster, got "${raw}"`);
}

const PARTS = ['generation', 'starts', 'storm', 'scoreboard'] as const;
function benchParts(): Set<(typeof PARTS)[number]> {
  const raw = (process.env.BENCH_PARTS || PARTS.join(',')).split(',').map((p) => p.trim());
  const unknown = raw.find((p) => !(PARTS as readonly string[]).includes(p));
  if (unknown) throw new Error(`BENCH_PARTS takes ${PARTS.join(', ')}; got "${unknown}"`);
  return new Set(raw as Array<(typeof PARTS)[number]>);
}

/** Namespaces left by runs killed midway on a running cluster are deleted at the next start. */
async function deleteStaleBenchNamespaces(address: string, log: (line: string) => void): Promise<void> {
  const connection = await Connection.connect({ address });
  try {
    const { namespaces } = await connection.workflowService.listNamespaces({ pageSize: 1000 });
    for (const ns of namespaces ?? []) {
      const name = ns.namespaceInfo?.name ?? '';
      if (!name.startsWith('duban-bench-')) continue;
      log(`deleting namespace ${name} left by an earlier run`);
      await connection.operatorService.deleteNamespace({ namespace: name }).catch(() => {});
    }
  } finally {
    await connection.close();
  }
}

function isoDay(name: string, fallback: string): string {
  const raw = process.env[name] || fallback;
  if (!/^\d{4}-\d{2}-01$/.test(raw)) throw new Error(`${name} must be the 1st of a month as YYYY-MM-01, got "${raw}"`);
  return raw;
}

/** The next 1st of a month in Asia/Shanghai that a rulebook governs; else the last one that one does. */
function nextMonthBoundary(store: RulebookStore): string {
  const shanghai = new Date(Date.now() + 8 * 3_600_000);
  const next = new Date(Date.UTC(shanghai.getUTCFullYear(), shanghai.getUTCMonth() + 1, 1)).toISOString().slice(0, 10);
  if (store.forInstant(dayWindow(next).from)) return next;
  const lastYear = Math.max(...store.all().map((r) => r.year));
  return `${lastYear}-12-01`;
}

function perCommunity(rulebook: Rulebook, day: string): number {
  const [input] = syntheticCommunities(1);
  return generateObligations({ rulebook, ...input!, ...dayWindow(day) }).length;
}

async function main(): Promise<void> {
  if (process.argv.includes('--reads')) return (await import('./reads')).runReads();
  const totalStart = performance.now();
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // a runtime exists already
  }
  const communities = positiveInt('BENCH_COMMUNITIES', 3000);
  const workflows = positiveInt('BENCH_WORKFLOWS', 2000);
  const temporalStore = process.env.BENCH_TEMPORAL_STORE || 'file';
  const engine = benchEngine();
  const parts = benchParts();
  const stormCommunities = positiveInt('BENCH_STORM_COMMUNITIES', 300);
  const stormWorkers = positiveInt('BENCH_WORKERS', 2);
  if (temporalStore !== 'file' && temporalStore !== 'memory')
    throw new Error(`BENCH_TEMPORAL_STORE must be file or memory, got "${temporalStore}"`);
  const rulebooks = await loadRulebookStore(path.join(projectRoot, 'rulebooks'));
  const genDay = isoDay('BENCH_GEN_DAY', '2026-07-01');
  const startDay = isoDay('BENCH_DAY', nextMonthBoundary(rulebooks));
  const genRulebook = rulebooks.forInstant(dayWindow(genDay).from);
  const startRulebook = rulebooks.forInstant(dayWindow(startDay).from);
  if (!genRulebook || !startRulebook) throw new Error(`no rulebook governs ${!genRulebook ? genDay : startDay}`);

  console.log(
    `duban benchmark: node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? 'unknown'}), ` +
      `${fmt.num(os.totalmem() / 2 ** 30)} GiB RAM, ${os.platform()} ${os.release()}`,
  );

  // 1. Pure generation.
  if (parts.has('generation')) {
    log(`generating obligations for ${communities} communities x ${SUBJECTS_PER_COMMUNITY} subjects`);
    const generation: GenerationResult[] = [genDay, ...(startDay !== genDay ? [startDay] : [])].map((day) =>
      benchGeneration(day === genDay ? genRulebook : startRulebook, communities, day),
    );
    console.log(
      table(
        `1. Pure generation (${genRulebook.year} rulebook v${genRulebook.version}, ${SUBJECTS_PER_COMMUNITY} subjects + flood roster per community, instances opening that day)`,
        ['day', 'communities', 'instances', 'per community', 'total', 'instances/s', 'heap after', 'retained heap'],
        generation.map((g) => [
          g.day,
          fmt.int(g.communities),
          fmt.int(g.instances),
          fmt.num(g.perCommunity),
          fmt.ms(g.ms),
          fmt.int(g.instancesPerSecond),
          `${fmt.num(g.heapAfterMb)} MB`,
          `${fmt.num(g.retainedHeapMb)} MB`,
        ]),
      ),
    );
  }

  // 2. Starts on a real server.
  const perDubanCommunity = perCommunity(startRulebook, startDay);
  const dubanCommunities = Math.max(1, Math.ceil(workflows / perDubanCommunity));
  log(
    `starting a throw-away PostgreSQL${engine.kind === 'external' ? '' : engine.kind === 'dev' ? ' and Temporal dev server' : ' and the real Temporal server on it'}`,
  );
  let stack: BenchStack | undefined;
  const cleanups: Array<() => Promise<unknown>> = [];
  const onSignal = () => {
    void (async () => {
      for (const c of cleanups.reverse()) await c().catch(() => {});
      await stack?.close();
      process.exit(130);
    })();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  process.once('SIGHUP', onSignal);
  try {
    const stackStart = performance.now();
    stack = await startBenchStack(log, temporalStore, engine);
    const stackMs = performance.now() - stackStart;
    const db = createDatabase(stack.databaseUrl);
    cleanups.push(() => db.$disconnect());
    // A fresh namespace per run: a running cluster never sees an earlier run's workflow ids.
    if (engine.kind === 'external') await deleteStaleBenchNamespaces(stack.temporalAddress, log);
    const namespace = `duban-bench-${Date.now().toString(36)}`;
    await ensureNamespace(stack.temporalAddress, namespace, { retentionDays: 1 });
    if (engine.kind === 'external') cleanups.push(() => deleteNamespace(stack!.temporalAddress, namespace));
    const client = await connectTemporalClient(stack.temporalAddress, namespace);
    const server = await describeTemporalServer(client);
    console.log(
      `Temporal: ${server} at ${stack.temporalAddress}, namespace ${namespace}; load average ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
    cleanups.push(() => client.connection.close());
    const connection = await NativeConnection.connect({ address: stack.temporalAddress });
    cleanups.push(() => connection.close());
    const taskQueue = 'duban-bench';
    if (parts.has('starts')) {
      const activities = createActivities({
        db,
        rulebooks,
        temporal: { client, taskQueue },
        notify: notifySetup(notifyConfigSchema.parse({}), 'http://duban.bench'),
      });
      log('bundling workflows and starting the worker');
      const worker = await createDubanWorker({ connection, namespace, taskQueue, activities, workflowBundle: await bundleWorkflows() });
      const running = worker.run();
      cleanups.push(async () => {
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await running;
      });

      log(`seeding ${dubanCommunities} communities (${perDubanCommunity} obligations each open on ${startDay})`);
      const communityIds = await seedCommunities(db, dubanCommunities);
      const planned = dubanCommunities * perDubanCommunity;

      const pids = { temporal: stack.temporalPid, postmaster: postmasterPidOf(stack.postgresDataDir) };
      log('warm-up: 100 bare starts (not counted)');
      await benchBareStarts(client, taskQueue, 100, 'warmup');
      log(`bare engine: ${planned} selfCheckWorkflow starts, ${START_CONCURRENCY} in flight`);
      const cpu0 = cpuSnapshot(pids);
      const bare = await benchBareStarts(client, taskQueue, planned, 'bare');
      const cpu1 = cpuSnapshot(pids);
      log(`duban: startObligations for ${dubanCommunities} communities, ${START_CONCURRENCY} in flight`);
      const duban = await benchDubanStarts({ db, activities, communityIds, window: dayWindow(startDay) });
      const cpu2 = cpuSnapshot(pids);

      console.log(
        table(
          `2. Workflow starts at the month boundary (${startDay}), same dev server (SQLite ${temporalStore}), ${START_CONCURRENCY} starts in flight, worker running`,
          ['path', 'workflows', 'start phase', 'starts/s', 'first tasks done', 'per second'],
          [
            [
              'bare: selfCheckWorkflow (sleeps)',
              fmt.int(bare.workflows),
              fmt.ms(bare.startMs),
              fmt.num(bare.startsPerSecond),
              fmt.ms(bare.firstTasksMs),
              bare.firstTasksMs ? fmt.num(bare.workflows / (bare.firstTasksMs / 1000)) : 'n/a',
            ],
            [
              'duban: startObligations -> obligationWorkflow',
              fmt.int(duban.started),
              fmt.ms(duban.activityMs),
              fmt.num(duban.startsPerSecond),
              fmt.ms(duban.rowsMs),
              duban.rowsPerSecond ? fmt.num(duban.rowsPerSecond) : 'n/a',
            ],
          ],
        ),
      );
      const ratio = duban.startsPerSecond / bare.startsPerSecond;
      console.log(
        table(
          'Ratios',
          ['measure', 'value'],
          [
            ['duban starts/s / bare starts/s (product target >= 80 %)', fmt.pct(ratio)],
            ...(duban.rowsMs && bare.firstTasksMs
              ? [['duban all rows in PostgreSQL / bare all first tasks (time)', `${fmt.num(duban.rowsMs / bare.firstTasksMs, 2)} x`]]
              : []),
            ['duban generated / started', `${fmt.int(duban.generated)} / ${fmt.int(duban.started)}`],
          ],
        ),
      );
      const share = (name: string, c: CpuShare) => [
        name,
        fmt.num(c.wallS),
        fmt.num(c.bench, 2),
        c.temporal === undefined ? 'n/a' : fmt.num(c.temporal, 2),
        c.postgres === undefined ? 'n/a' : fmt.num(c.postgres, 2),
      ];
      console.log(
        table(
          `CPU per phase (cores busy on average; this machine has ${os.cpus().length})`,
          ['phase (starts + first tasks)', 'wall s', 'bench process (client + worker)', 'Temporal dev server', 'PostgreSQL'],
          [share('bare', cpuBetween(cpu0, cpu1)), share('duban', cpuBetween(cpu1, cpu2))],
        ),
      );
      console.log(
        `\nfirst tasks done: bare = the last ${START_CONCURRENCY} workflows started show a completed first workflow task (describe, polled every 250 ms);` +
          '\n                  duban = every started obligation has its Obligation row (registerObligation ran), counted every 250 ms.' +
          `\nduban start phase includes loading ${dubanCommunities} communities from PostgreSQL and generating their obligations.` +
          `\nstack start (PostgreSQL init + migrations + Temporal): ${fmt.ms(stackMs)}; whole run: ${fmt.ms(performance.now() - totalStart)}`,
      );
      // Part 3 uses its own worker processes: this one stops polling.
      worker.shutdown();
      await running;
    }

    // 3. The month-boundary storm, workers in their own processes.
    if (parts.has('storm')) {
      const storm = await runStorm({
        client,
        db,
        rulebooks,
        communities: stormCommunities,
        day: startDay,
        workers: stormWorkers,
        taskQueue: 'duban-storm',
        notificationTaskQueue: 'duban-storm-notifications',
        scratch: stack.scratch,
        log,
        workerEnv: {
          ...process.env,
          DATABASE_URL: stack.databaseUrl,
          TEMPORAL_ADDRESS: stack.temporalAddress,
          TEMPORAL_NAMESPACE: namespace,
          TEMPORAL_TASK_QUEUE: 'duban-storm',
          TEMPORAL_NOTIFICATION_TASK_QUEUE: 'duban-storm-notifications',
          TZ: 'Asia/Shanghai',
        },
      });
      printStorm(storm, startDay, server);
    }
    // 4. Scoreboard reads (its own PostgreSQL, no Temporal): bench/scoreboard.ts.
    if (parts.has('scoreboard')) {
      const score = await benchScoreboard(log, communities);
      console.log(
        table(
          `4. Scoreboard at ${fmt.int(score.communities)} communities, ${fmt.int(score.tallyRows)} tally rows (a year), ${score.runs} runs each`,
          ['reader', 'p50', 'p95'],
          [
            ...score.readers.map((r) => [r.who, fmt.ms(r.p50), fmt.ms(r.p95)]),
            ['score function alone (township)', '', fmt.ms(score.scoreFunctionP95)],
          ],
        ),
      );
    }
    console.log(
      `\nload average at the end: ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}; whole run: ${fmt.ms(performance.now() - totalStart)}`,
    );
  } finally {
    for (const c of cleanups.reverse()) await c().catch((e: unknown) => console.error(`[bench] cleanup: ${String(e)}`));
    await stack?.close();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

function printStorm(r: StormResult, day: string, server: string): void {
  const s = (ms: number | undefined) => (ms === undefined ? 'not reached' : `${fmt.num(ms / 1000)} s`);
  const perS = (n: number, ms: number | undefined) => (ms ? fmt.num(n / (ms / 1000)) : 'n/a');
  console.log(
    table(
      `3. Month-boundary storm (${day}): ${fmt.int(r.communities)} communities, ${fmt.int(r.workflows)} workflows, ${r.workers} worker processes, ${server}, ${STORM_START_CONCURRENCY} starts in flight`,
      ['measure', 'bare engine', 'duban', 'duban / bare'],
      [
        [
          'starts/s',
          fmt.num(r.bare.startsPerSecond),
          fmt.num(r.duban.startsPerSecond),
          fmt.pct(r.duban.startsPerSecond / r.bare.startsPerSecond),
        ],
        ['start phase', s(r.bare.startMs), s(r.duban.startMs), ''],
        ['open every period (from the boundary)', '', s(r.duban.openAllMs), ''],
        [
          'timer fired -> every row / deadline -> every deduction',
          s(r.bare.timerToRowsMs),
          s(r.duban.deadlineToDeductionsMs),
          r.bare.timerToRowsMs && r.duban.deadlineToDeductionsMs ? fmt.pct(r.bare.timerToRowsMs / r.duban.deadlineToDeductionsMs) : 'n/a',
        ],
        [
          '  workflows per second through it',
          perS(r.workflows, r.bare.timerToRowsMs),
          perS(r.workflows, r.duban.deadlineToDeductionsMs),
          '',
        ],
        ['deadline -> every escalation', '', s(r.duban.deadlineToEscalationsMs), ''],
        [
          'notifications (workflows completed) per second',
          '',
          r.duban.notificationsPerSecond ? `${fmt.num(r.duban.notificationsPerSecond)} (${fmt.int(r.duban.notifications)})` : 'n/a',
          '',
        ],
        ['worker RSS peak per process', '', r.workerRssMb.map((mb) => `${fmt.int(mb)} MB`).join(', '), ''],
      ],
    ),
  );
  console.log(
    table(
      'Exactly once (after every obligation workflow completed)',
      ['check', 'value'],
      [
        ['expected deductions (scored, missed; ledger duties the check closed excluded)', fmt.int(r.duban.expectedDeductions)],
        ['missing', fmt.int(r.duban.missing)],
        ['doubled', fmt.int(r.duban.doubled)],
        ['unexpected', fmt.int(r.duban.unexpected)],
        ['expected level-1 escalations', fmt.int(r.duban.expectedEscalations)],
        ['ledger duties closed by the check whose row still reads OPEN', fmt.int(r.duban.ledgerClosedButOpenInDb)],
        [
          'all duban starts ended before the common opening instant',
          r.duban.startsEndedBeforeOpen ? 'yes' : 'NO: the open figure includes late starts',
        ],
        [
          'every period opened before the common deadline',
          r.duban.openedBeforeDeadline ? 'yes' : 'NO: the open and deadline storms overlapped',
        ],
      ],
    ),
  );
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  },
);
