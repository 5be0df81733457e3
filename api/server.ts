// The API process: configuration, real dependencies, listen, graceful close.
import { parseConfig } from '../config';
import { createDatabase, pingDatabase } from '../db/client';
import { listenForChanges } from '../db/change-feed';
import { connectTemporalClient, temporalTls } from '../platform/temporal';
import { runMain } from '../platform/run-main';
import { StartupError } from '../platform/errors';
import { buildApp } from './app';
import { composeApp, schedulerEvents } from './compose';
import { evidenceStorageFromConfig } from '../storage/from-config';
import { dataDir } from '../stack/paths';
import { startHousekeeping } from './housekeeping';
import { loadNotifyConfig } from '../platform/notify-setup';
import { instrumentApi, serveMetrics } from './metrics';
import { secureCookiesFor } from './plugins/auth';
import { warmExportWorker } from './services/scoreboard-export';

runMain('api', async () => {
  const config = parseConfig(process.env);
  if (!config.DATABASE_URL || !config.TEMPORAL_ADDRESS) {
    throw new StartupError('the API needs DATABASE_URL and TEMPORAL_ADDRESS (npm start sets both)');
  }
  const db = createDatabase(config.DATABASE_URL);
  await pingDatabase(db).catch((error: unknown) => {
    const host = new URL(config.DATABASE_URL!).host;
    throw new StartupError(`cannot reach PostgreSQL at ${host} (DATABASE_URL): ${(error as Error).message.split('\n')[0]}`);
  });
  const temporal = await connectTemporalClient(config.TEMPORAL_ADDRESS, config.TEMPORAL_NAMESPACE, temporalTls(config));
  const { storage: evidenceStorage, description: evidenceWhere } = await evidenceStorageFromConfig(
    config,
    config.DUBAN_DATA_DIR ?? dataDir,
  );
  // Cached scoreboards are dropped when any process commits a tally change.
  const changes = listenForChanges(config.DATABASE_URL, (message, error) =>
    console.warn(`[api] ${message}${error ? `: ${String(error)}` : ''}`),
  );
  const app = await buildApp(
    await composeApp({
      db,
      temporal,
      changes,
      namespace: config.TEMPORAL_NAMESPACE,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      logLevel: config.LOG_LEVEL,
      ledgerEncryptionKey: config.LEDGER_ENCRYPTION_KEY,
      notify: loadNotifyConfig(config),
      evidenceStorage,
      ...schedulerEvents(db, temporal, config.TEMPORAL_TASK_QUEUE),
      // On loopback (npm start, plain http) the cookie is Secure when the request came over HTTPS; listening anywhere else, always.
      secureCookies: secureCookiesFor(config.API_HOST),
      trustProxy: config.TRUST_PROXY,
    }),
  );
  app.log.info(`evidence storage: ${evidenceWhere}`);
  const metrics = config.API_METRICS_PORT
    ? await serveMetrics(instrumentApi(app), config.METRICS_HOST, config.API_METRICS_PORT)
    : undefined;
  if (metrics) app.log.info(`Prometheus metrics on ${metrics.url}`);
  const housekeeping = startHousekeeping({ db, uploadTempDir: evidenceStorage.tempDir, log: (m) => app.log.info(m) });
  const close = async () => {
    await housekeeping.stop();
    await metrics?.close();
    await app.close();
    await changes.close();
    await temporal.connection.close();
    await db.$disconnect();
    process.exit(0);
  };
  process.once('SIGINT', close);
  process.once('SIGTERM', close);
  await app.listen({ host: config.API_HOST, port: config.API_PORT });
  warmExportWorker();
});
