// The real Temporal server (frontend, history, matching and worker services in
// one process) on PostgreSQL with N history shards: the production engine for
// `npm run cluster` and `npm run bench -- --cluster`. Built once from the Go
// module proxy into .tools/temporal-server (no binary download works here).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import proto from '@temporalio/proto';
import pg from 'pg';
import { projectRoot, toolsDir } from './paths';
import { freePort, freePortIn } from './ports';
import { ProvisioningError } from './provision';
import { SEARCH_ATTRIBUTES, spawnUntilListening, stopChild, type RunningTemporal } from './temporal-dev-server';

export const TEMPORAL_SERVER_VERSION = 'v1.32.2';
/** v1.32 needs Go >= 1.26.10: the go command fetches this toolchain from the proxy. */
export const GO_TOOLCHAIN = 'go1.27.3';
export const temporalServerDir = path.join(toolsDir, 'temporal-server');
const serverBinary = path.join(temporalServerDir, 'server');
const sqlToolBinary = path.join(temporalServerDir, 'sql');
const dynamicConfigFile = path.join(projectRoot, 'deploy', 'temporal-dynamicconfig.yaml');

/** Builds `server` and `sql` (the schema tool) into .tools/temporal-server when missing; returns their paths. */
export function ensureTemporalServerBuilt(log: (line: string) => void = () => {}): { server: string; sqlTool: string } {
  const paths = { server: serverBinary, sqlTool: sqlToolBinary };
  if (existsSync(serverBinary) && existsSync(sqlToolBinary)) return paths;
  if (spawnSync('go', ['version'], { stdio: 'ignore' }).status !== 0) {
    throw new ProvisioningError(
      'the Go command is needed once to build the Temporal server: install Go (apt-get install golang, any version >= 1.21; ' +
        `it fetches ${GO_TOOLCHAIN} itself), or point TEMPORAL_ADDRESS at a running Temporal cluster.`,
    );
  }
  mkdirSync(temporalServerDir, { recursive: true });
  log(`building the Temporal server ${TEMPORAL_SERVER_VERSION} and its SQL schema tool from the Go module proxy into ${temporalServerDir}`);
  log('this happens once: about 8 CPU-minutes, 13 minutes or more on a busy 2-core machine (the binary is 160 MB)');
  const packages = ['go.temporal.io/server/cmd/server', 'go.temporal.io/server/cmd/tools/sql'].map(
    (p) => `${p}@${TEMPORAL_SERVER_VERSION}`,
  );
  const result = spawnSync('nice', ['-n', '15', 'go', 'install', ...packages], {
    cwd: temporalServerDir,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, GOTOOLCHAIN: GO_TOOLCHAIN, GOBIN: temporalServerDir },
  });
  if (result.status !== 0 || !existsSync(serverBinary) || !existsSync(sqlToolBinary)) {
    throw new ProvisioningError(
      `building the Temporal server failed (exit ${result.status}). Build it by hand: ` +
        `GOTOOLCHAIN=${GO_TOOLCHAIN} GOBIN=${temporalServerDir} go install ${packages.join(' ')}`,
    );
  }
  return paths;
}

export interface TemporalDatabase {
  host: string;
  port: number;
  user: string;
  password: string;
}

/** The connection details of a postgresql:// URL (the embedded PostgreSQL's, for Temporal's own databases). */
export function temporalDatabaseFrom(url: string): TemporalDatabase {
  const u = new URL(url);
  return { host: u.hostname, port: Number(u.port || 5432), user: decodeURIComponent(u.username), password: decodeURIComponent(u.password) };
}

/**
 * Creates and migrates the `temporal` and `temporal_visibility` databases with
 * the SQL tool's embedded schemas. Idempotent: on databases already set up only
 * the versions not yet applied run (as after a server upgrade).
 */
export async function setupTemporalSchema(sqlTool: string, db: TemporalDatabase, log: (line: string) => void = () => {}): Promise<void> {
  const base = ['--plugin', 'postgres12', '--ep', db.host, '-p', String(db.port), '-u', db.user, '--pw', db.password];
  const run = (args: string[]) => {
    const result = spawnSync(sqlTool, [...base, ...args], { encoding: 'utf8' });
    if (result.status !== 0)
      throw new ProvisioningError(
        `temporal-sql-tool ${args.join(' ')} failed: ${(result.stderr || result.stdout).trim().split('\n').slice(-3).join(' ')}`,
      );
  };
  for (const [database, schema] of [
    ['temporal', 'postgresql/v12/temporal'],
    ['temporal_visibility', 'postgresql/v12/visibility'],
  ] as const) {
    if (!(await databaseExists(db, database))) {
      log(`creating Temporal's ${database} database`);
      run(['--db', database, 'create-database']);
    }
    if (!(await hasSchemaVersion(db, database))) run(['--db', database, 'setup-schema', '-v', '0.0']);
    run(['--db', database, 'update-schema', '--schema-name', schema]);
  }
}

async function withDb<T>(db: TemporalDatabase, database: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ host: db.host, port: db.port, user: db.user, password: db.password, database });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

function databaseExists(db: TemporalDatabase, database: string): Promise<boolean> {
  return withDb(db, 'postgres', async (c) => (await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [database])).rowCount === 1);
}

function hasSchemaVersion(db: TemporalDatabase, database: string): Promise<boolean> {
  return withDb(db, database, async (c) => Boolean((await c.query("SELECT to_regclass('schema_version') AS t")).rows[0]?.t));
}

/**
 * Starts the server with its configuration written to `dir/config/development.yaml`:
 * every port set (the defaults clash with other programs), loopback only.
 * The shard count is fixed when the database is first used: a different count
 * later is refused here with a message instead of by the server.
 */
export async function startTemporalServer(opts: {
  server: string;
  dir: string;
  db: TemporalDatabase;
  port: number;
  historyShards: number;
  /** Prometheus endpoint of the server itself */
  metricsPort?: number;
  log?: (line: string) => void;
}): Promise<RunningTemporal> {
  const { dir, db } = opts;
  mkdirSync(path.join(dir, 'config'), { recursive: true });
  const shardsFile = path.join(dir, 'history-shards');
  if (existsSync(shardsFile)) {
    const fixed = Number(readFileSync(shardsFile, 'utf8'));
    if (fixed !== opts.historyShards) {
      throw new ProvisioningError(
        `this Temporal database was created with ${fixed} history shards; the count cannot change. ` +
          `Set TEMPORAL_HISTORY_SHARDS=${fixed}, or delete ${path.dirname(dir)} to start a new cluster.`,
      );
    }
  }
  writeFileSync(shardsFile, String(opts.historyShards));
  // Below 32768: Temporal's PostgreSQL schema stores membership ports as SMALLINT, and the
  // OS hands out ephemeral ports above it (the server then stops with "out of range for type smallint").
  const [httpPort, ...servicePorts] = await distinctPorts(8, () => freePortIn(20_000, 32_767));
  const metricsPort = opts.metricsPort ?? (await freePort());
  const service = (grpc: number, membership: number, extra = '') =>
    `    rpc:\n      grpcPort: ${grpc}\n      membershipPort: ${membership}\n      bindOnLocalHost: true\n${extra}`;
  const store = (database: string, maxConns: number) => `      sql:
        pluginName: postgres12
        databaseName: ${database}
        connectAddr: "${db.host}:${db.port}"
        connectProtocol: tcp
        user: ${JSON.stringify(db.user)}
        password: ${JSON.stringify(db.password)}
        maxConns: ${maxConns}
        maxIdleConns: ${maxConns}
        maxConnLifetime: 1h`;
  const [historyGrpc, historyMembership, matchingGrpc, matchingMembership, workerGrpc, workerMembership, frontendMembership] =
    servicePorts as [number, number, number, number, number, number, number];
  writeFileSync(
    path.join(dir, 'config', 'development.yaml'),
    `# Written by stack/temporal-server.ts on every start.
log:
  stdout: true
  level: warn
persistence:
  defaultStore: default
  visibilityStore: visibility
  numHistoryShards: ${opts.historyShards}
  datastores:
    default:
${store('temporal', 40)}
    visibility:
${store('temporal_visibility', 10)}
global:
  membership:
    maxJoinDuration: 30s
    broadcastAddress: 127.0.0.1
  pprof:
    port: 0
  metrics:
    prometheus:
      framework: tally
      timerType: histogram
      listenAddress: "127.0.0.1:${metricsPort}"
services:
  frontend:
${service(opts.port, frontendMembership, `      httpPort: ${httpPort}\n`)}  history:
${service(historyGrpc, historyMembership)}  matching:
${service(matchingGrpc, matchingMembership)}  worker:
${service(workerGrpc, workerMembership)}clusterMetadata:
  enableGlobalNamespace: false
  failoverVersionIncrement: 10
  masterClusterName: active
  currentClusterName: active
  clusterInformation:
    active:
      enabled: true
      initialFailoverVersion: 1
      rpcName: frontend
      rpcAddress: "127.0.0.1:${opts.port}"
dcRedirectionPolicy:
  policy: noop
dynamicConfigClient:
  filepath: ${JSON.stringify(dynamicConfigFile)}
  pollInterval: 10s
`,
  );
  const child = await spawnUntilListening(
    opts.server,
    ['--root', dir, '--config', 'config', '--env', 'development', '--allow-no-auth', 'start'],
    { cwd: dir, port: opts.port, timeoutMs: 120_000, name: 'the Temporal server' },
  );
  return { address: `127.0.0.1:${opts.port}`, process: child, stop: () => stopChild(child, 20_000) };
}

async function distinctPorts(count: number, pick: () => Promise<number>): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await pick());
  return [...ports];
}

/**
 * Registers `namespace` (when missing) and duban's search attributes on it,
 * then waits until the frontend serves it. Idempotent.
 */
export async function ensureNamespace(
  address: string,
  namespace: string,
  opts: { retentionDays?: number; timeoutMs?: number } = {},
): Promise<void> {
  const connection = await Connection.connect({ address, connectTimeout: '10 seconds' });
  const { IndexedValueType } = proto.temporal.api.enums.v1;
  const deadline = Date.now() + (opts.timeoutMs ?? 120_000);
  try {
    // A fresh server answers "not ready" for a while: retry until the deadline.
    for (;;) {
      try {
        await connection.workflowService.registerNamespace({
          namespace,
          workflowExecutionRetentionPeriod: msToTs(`${opts.retentionDays ?? 30} days`),
        });
        break;
      } catch (error) {
        if ((error as { code?: number }).code === 6) break; // ALREADY_EXISTS
        if (Date.now() > deadline) throw error;
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
    const searchAttributes = Object.fromEntries(
      SEARCH_ATTRIBUTES.map((sa) => [sa.split('=')[0]!, IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD]),
    );
    for (;;) {
      try {
        const existing = await connection.operatorService.listSearchAttributes({ namespace });
        const missing = Object.fromEntries(
          Object.entries(searchAttributes).filter(([name]) => !(name in (existing.customAttributes ?? {}))),
        );
        if (Object.keys(missing).length === 0) break;
        await connection.operatorService.addSearchAttributes({ namespace, searchAttributes: missing });
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
    // The namespace cache refreshes every few seconds: wait until a workflow call is accepted.
    for (;;) {
      try {
        await connection.workflowService.listOpenWorkflowExecutions({ namespace, maximumPageSize: 1 });
        return;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  } finally {
    await connection.close();
  }
}

/** Deletes a namespace and everything in it (the server removes it in the background). */
export async function deleteNamespace(address: string, namespace: string): Promise<void> {
  const connection = await Connection.connect({ address, connectTimeout: '10 seconds' });
  try {
    await connection.operatorService.deleteNamespace({ namespace });
  } finally {
    await connection.close();
  }
}
