// `npm run bench`: obligation generation and workflow-start throughput on a
// throw-away PostgreSQL + Temporal dev server, and scoreboard reads at 3,000
// communities (bench/scoreboard.ts). Prints figures, judges nothing.
//   BENCH_COMMUNITIES  communities for pure generation (default 3000)
//   BENCH_WORKFLOWS    workflows started per side of the start comparison (default 2000)
//   BENCH_GEN_DAY      month boundary for pure generation (default 2026-07-01: quarter + month + flood season)
//   BENCH_TEMPORAL_STORE  file (default: SQLite file in the temp folder, as npm start) | memory (in-memory SQLite, as the tests)
//   BENCH_DAY          month boundary the obligation workflows are started for (default: next 1st of a month)
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

const log = (line: string) => console.log(`[bench] ${line}`);

function positiveInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return value;
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
  const totalStart = performance.now();
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // a runtime exists already
  }
  const communities = positiveInt('BENCH_COMMUNITIES', 3000);
  const workflows = positiveInt('BENCH_WORKFLOWS', 2000);
  const temporalStore = process.env.BENCH_TEMPORAL_STORE || 'file';
  if (temporalStore !== 'file' && temporalStore !== 'memory') throw new Error(`BENCH_TEMPORAL_STORE must be file or memory, got "${temporalStore}"`);
  const rulebooks = await loadRulebookStore(path.join(projectRoot, 'rulebooks'));
  const genDay = isoDay('BENCH_GEN_DAY', '2026-07-01');
  const startDay = isoDay('BENCH_DAY', nextMonthBoundary(rulebooks));
  const genRulebook = rulebooks.forInstant(dayWindow(genDay).from);
  const startRulebook = rulebooks.forInstant(dayWindow(startDay).from);
  if (!genRulebook || !startRulebook) throw new Error(`no rulebook governs ${!genRulebook ? genDay : startDay}`);

  console.log(`duban benchmark: node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? 'unknown'}), ` +
    `${fmt.num(os.totalmem() / 2 ** 30)} GiB RAM, ${os.platform()} ${os.release()}`);

  // 1. Pure generation.
  log(`generating obligations for ${communities} communities x ${SUBJECTS_PER_COMMUNITY} subjects`);
  const generation: GenerationResult[] = [genDay, ...(startDay !== genDay ? [startDay] : [])].map((day) =>
    benchGeneration(day === genDay ? genRulebook : startRulebook, communities, day));
  console.log(table(`1. Pure generation (${genRulebook.year} rulebook v${genRulebook.version}, ${SUBJECTS_PER_COMMUNITY} subjects + flood roster per community, instances opening that day)`,
    ['day', 'communities', 'instances', 'per community', 'total', 'instances/s', 'heap after', 'retained heap'],
    generation.map((g) => [g.day, fmt.int(g.communities), fmt.int(g.instances), fmt.num(g.perCommunity), fmt.ms(g.ms),
      fmt.int(g.instancesPerSecond), `${fmt.num(g.heapAfterMb)} MB`, `${fmt.num(g.retainedHeapMb)} MB`])));

  // 2. Starts on a real server.
  const perDubanCommunity = perCommunity(startRulebook, startDay);
  const dubanCommunities = Math.max(1, Math.ceil(workflows / perDubanCommunity));
  log('starting a throw-away PostgreSQL and Temporal dev server');
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
  try {
    const stackStart = performance.now();
    stack = await startBenchStack(log, temporalStore);
    const stackMs = performance.now() - stackStart;
    const db = createDatabase(stack.databaseUrl);
    cleanups.push(() => db.$disconnect());
    const client = await connectTemporalClient(stack.temporalAddress, 'default');
    cleanups.push(() => client.connection.close());
    const connection = await NativeConnection.connect({ address: stack.temporalAddress });
    cleanups.push(() => connection.close());
    const taskQueue = 'duban-bench';
    const activities = createActivities({
      db,
      rulebooks,
      temporal: { client, taskQueue },
      notify: notifySetup(notifyConfigSchema.parse({}), 'http://duban.bench'),
    });
    log('bundling workflows and starting the worker');
    const worker = await createDubanWorker({ connection, namespace: 'default', taskQueue, activities, workflowBundle: await bundleWorkflows() });
    const running = worker.run();
    cleanups.push(async () => {
      worker.shutdown();
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

    console.log(table(`2. Workflow starts at the month boundary (${startDay}), same dev server (SQLite ${temporalStore}), ${START_CONCURRENCY} starts in flight, worker running`,
      ['path', 'workflows', 'start phase', 'starts/s', 'first tasks done', 'per second'],
      [
        ['bare: selfCheckWorkflow (sleeps)', fmt.int(bare.workflows), fmt.ms(bare.startMs), fmt.num(bare.startsPerSecond),
          fmt.ms(bare.firstTasksMs), bare.firstTasksMs ? fmt.num(bare.workflows / (bare.firstTasksMs / 1000)) : 'n/a'],
        ['duban: startObligations -> obligationWorkflow', fmt.int(duban.started), fmt.ms(duban.activityMs), fmt.num(duban.startsPerSecond),
          fmt.ms(duban.rowsMs), duban.rowsPerSecond ? fmt.num(duban.rowsPerSecond) : 'n/a'],
      ]));
    const ratio = duban.startsPerSecond / bare.startsPerSecond;
    console.log(table('Ratios', ['measure', 'value'], [
      ['duban starts/s / bare starts/s (product target >= 80 %)', fmt.pct(ratio)],
      ...(duban.rowsMs && bare.firstTasksMs ? [['duban all rows in PostgreSQL / bare all first tasks (time)', `${fmt.num(duban.rowsMs / bare.firstTasksMs, 2)} x`]] : []),
      ['duban generated / started', `${fmt.int(duban.generated)} / ${fmt.int(duban.started)}`],
    ]));
    const share = (name: string, c: CpuShare) => [name, fmt.num(c.wallS), fmt.num(c.bench, 2),
      c.temporal === undefined ? 'n/a' : fmt.num(c.temporal, 2), c.postgres === undefined ? 'n/a' : fmt.num(c.postgres, 2)];
    console.log(table(`CPU per phase (cores busy on average; this machine has ${os.cpus().length})`,
      ['phase (starts + first tasks)', 'wall s', 'bench process (client + worker)', 'Temporal dev server', 'PostgreSQL'],
      [share('bare', cpuBetween(cpu0, cpu1)), share('duban', cpuBetween(cpu1, cpu2))]));
    console.log(`\nfirst tasks done: bare = the last ${START_CONCURRENCY} workflows started show a completed first workflow task (describe, polled every 250 ms);` +
      '\n                  duban = every started obligation has its Obligation row (registerObligation ran), counted every 250 ms.' +
      `\nduban start phase includes loading ${dubanCommunities} communities from PostgreSQL and generating their obligations.` +
      `\nstack start (PostgreSQL init + migrations + dev server): ${fmt.ms(stackMs)}; whole run: ${fmt.ms(performance.now() - totalStart)}`);

    // 3. Scoreboard reads (its own PostgreSQL, no Temporal): bench/scoreboard.ts.
    const score = await benchScoreboard(log, communities);
    console.log(table(`3. Scoreboard at ${fmt.int(score.communities)} communities, ${fmt.int(score.tallyRows)} tally rows (a year), ${score.runs} runs each`,
      ['reader', 'p50', 'p95'], [...score.readers.map((r) => [r.who, fmt.ms(r.p50), fmt.ms(r.p95)]), ['score function alone (township)', '', fmt.ms(score.scoreFunctionP95)]]));
  } finally {
    for (const c of cleanups.reverse()) await c().catch((e: unknown) => console.error(`[bench] cleanup: ${String(e)}`));
    await stack?.close();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  },
);
