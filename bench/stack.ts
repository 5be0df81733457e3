// A throw-away stack for the benchmark: embedded PostgreSQL and the Temporal
// dev server (or the real Temporal server on that PostgreSQL) on free ports,
// data in a temp folder that close() removes. A watchdog process removes them
// too if the benchmark is killed outright (SIGKILL runs no handler).
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureTemporalBinaries } from '../stack/provision';
import { startEmbeddedPostgres } from '../stack/postgres';
import { startTemporalDevServer } from '../stack/temporal-dev-server';
import { migrateDatabase } from '../stack/migrate';
import { freePort } from '../stack/ports';
import { waitForTemporal } from '../platform/temporal';
import { ensureTemporalServerBuilt, setupTemporalSchema, startTemporalServer, temporalDatabaseFrom } from '../stack/temporal-server';
import { postmasterPidOf } from './cpu';

export interface BenchStack {
  databaseUrl: string;
  temporalAddress: string;
  scratch: string;
  temporalPid: number | undefined;
  postgresDataDir: string;
  close(): Promise<void>;
}

/** dev: the Temporal CLI's dev server; cluster: the real server on the benchmark's PostgreSQL; external: a running cluster at `address`. */
export type BenchEngine = { kind: 'dev' } | { kind: 'cluster'; historyShards: number } | { kind: 'external'; address: string };

export async function startBenchStack(
  log: (line: string) => void,
  temporalStore: 'file' | 'memory',
  engine: BenchEngine = { kind: 'dev' },
): Promise<BenchStack> {
  const binaries = engine.kind === 'dev' ? ensureTemporalBinaries(log) : undefined;
  const server = engine.kind === 'cluster' ? ensureTemporalServerBuilt(log) : undefined;
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'duban-bench-'));
  // PostgreSQL runs as the `postgres` user when we are root: it must reach the folder.
  chmodSync(scratch, 0o755);
  const stops: Array<() => Promise<void>> = [];
  const close = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => {});
    rmSync(scratch, { recursive: true, force: true });
  };
  try {
    const postgresDataDir = path.join(scratch, 'pg');
    const postgres = await startEmbeddedPostgres({ dataDir: postgresDataDir, port: await freePort(), database: 'duban_bench' });
    stops.push(postgres.stop);
    await migrateDatabase(postgres.url);
    if (engine.kind === 'external') {
      reapWhenGone(process.pid, [postmasterPidOf(postgresDataDir)], scratch);
      return { databaseUrl: postgres.url, temporalAddress: engine.address, scratch, temporalPid: undefined, postgresDataDir, close };
    }
    let temporal;
    if (server) {
      const db = temporalDatabaseFrom(postgres.url);
      await setupTemporalSchema(server.sqlTool, db, log);
      temporal = await startTemporalServer({
        server: server.server,
        dir: path.join(scratch, 'temporal'),
        db,
        port: await freePort(),
        historyShards: engine.kind === 'cluster' ? engine.historyShards : 1,
        log,
      });
    } else {
      // 'file': a SQLite file (WAL) in the temp folder, as `npm start` runs it; 'memory': in-memory SQLite, as the tests run it.
      temporal = await startTemporalDevServer({
        cliPath: binaries!.cli,
        port: await freePort(),
        ...(temporalStore === 'file' ? { dbFile: path.join(scratch, 'temporal.sqlite') } : {}),
      });
    }
    stops.push(temporal.stop);
    reapWhenGone(process.pid, [temporal.process.pid, postmasterPidOf(postgresDataDir)], scratch);
    if (!server) await waitForTemporal(temporal.address, 30_000);
    return {
      databaseUrl: postgres.url,
      temporalAddress: temporal.address,
      scratch,
      temporalPid: temporal.process.pid,
      postgresDataDir,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * A detached shell that waits for the benchmark process to end, then stops
 * the servers it started and removes their folder. After an orderly close it
 * finds them gone already and only exits.
 */
export function reapWhenGone(parentPid: number, pids: Array<number | undefined>, dir?: string): void {
  const targets = pids.filter((p): p is number => p !== undefined).join(' ');
  // SIGINT is PostgreSQL's fast shutdown; the others get SIGTERM, then SIGKILL.
  const script =
    `while kill -0 ${parentPid} 2>/dev/null; do sleep 1; done; ` +
    `for p in ${targets}; do kill -INT $p 2>/dev/null; kill -TERM $p 2>/dev/null; done; sleep 10; ` +
    `for p in ${targets}; do kill -KILL $p 2>/dev/null; done; ${dir ? `rm -rf '${dir}'` : 'true'}`;
  spawn('sh', ['-c', script], { detached: true, stdio: 'ignore' }).unref();
}
