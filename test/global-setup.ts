// Starts the real services the integration tests need, once per run:
// PostgreSQL (embedded, throw-away cluster) and the Temporal CLI dev server.
// Set TEST_DATABASE_URL / TEST_TEMPORAL_ADDRESS to use running ones instead.
import { mkdtempSync, rmSync, chmodSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { ensureTemporalBinaries } from '../stack/provision';
import { startEmbeddedPostgres } from '../stack/postgres';
import { startTemporalDevServer } from '../stack/temporal-dev-server';
import { migrateDatabase } from '../stack/migrate';
import { freePort } from '../stack/ports';
import { waitForTemporal } from '../platform/temporal';
import { bundleWorkflows } from '../worker/create-worker';
import { writeFileSync } from 'node:fs';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    temporalAddress: string;
    temporalCliPath: string;
    temporalTestServerPath: string;
    libfaketimePath: string;
    /** Workflow code bundled once for every test worker of the run. */
    workflowBundlePath: string;
  }
}

export default async function setup(project: TestProject) {
  const binaries = ensureTemporalBinaries((line) => console.log(`[setup] ${line}`));
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'duban-test-'));
  chmodSync(scratch, 0o755);
  const stops: Array<() => Promise<void>> = [];

  let databaseUrl = process.env.TEST_DATABASE_URL;
  if (!databaseUrl) {
    const postgres = await startEmbeddedPostgres({ dataDir: path.join(scratch, 'pg'), port: await freePort(), database: 'duban_test' });
    stops.push(postgres.stop);
    databaseUrl = postgres.url;
  }
  await migrateDatabase(databaseUrl);

  let temporalAddress = process.env.TEST_TEMPORAL_ADDRESS;
  if (!temporalAddress) {
    const temporal = await startTemporalDevServer({ cliPath: binaries.cli, port: await freePort() });
    stops.push(temporal.stop);
    temporalAddress = temporal.address;
  }
  await waitForTemporal(temporalAddress, 30_000);

  const bundle = await bundleWorkflows();
  const workflowBundlePath = path.join(scratch, 'workflow-bundle.js');
  writeFileSync(workflowBundlePath, bundle.code);

  project.provide('databaseUrl', databaseUrl);
  project.provide('workflowBundlePath', workflowBundlePath);
  project.provide('temporalAddress', temporalAddress);
  project.provide('temporalCliPath', binaries.cli);
  project.provide('temporalTestServerPath', binaries.testServer);
  project.provide('libfaketimePath', binaries.libfaketime);

  return async () => {
    for (const stop of stops.reverse()) await stop().catch(() => {});
    rmSync(scratch, { recursive: true, force: true });
  };
}
