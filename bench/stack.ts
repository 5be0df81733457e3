// A throw-away stack for the benchmark: embedded PostgreSQL and the Temporal
// dev server on free ports, data in a temp folder that close() removes.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureTemporalBinaries } from '../stack/provision';
import { startEmbeddedPostgres } from '../stack/postgres';
import { startTemporalDevServer } from '../stack/temporal-dev-server';
import { migrateDatabase } from '../stack/migrate';
import { freePort } from '../stack/ports';
import { waitForTemporal } from '../platform/temporal';

export interface BenchStack {
  databaseUrl: string;
  temporalAddress: string;
  scratch: string;
  temporalPid: number | undefined;
  postgresDataDir: string;
  close(): Promise<void>;
}

export async function startBenchStack(log: (line: string) => void, temporalStore: 'file' | 'memory'): Promise<BenchStack> {
  const binaries = ensureTemporalBinaries(log);
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
    // 'file': a SQLite file (WAL) in the temp folder, as `npm start` runs it; 'memory': in-memory SQLite, as the tests run it.
    const temporal = await startTemporalDevServer({
      cliPath: binaries.cli, port: await freePort(), ...(temporalStore === 'file' ? { dbFile: path.join(scratch, 'temporal.sqlite') } : {}),
    });
    stops.push(temporal.stop);
    await waitForTemporal(temporal.address, 30_000);
    return { databaseUrl: postgres.url, temporalAddress: temporal.address, scratch, temporalPid: temporal.process.pid, postgresDataDir, close };
  } catch (error) {
    await close();
    throw error;
  }
}
