// Composition root of the Temporal worker process: reads configuration once,
// builds the real dependencies and runs until SIGINT/SIGTERM.
import path from 'node:path';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { parseConfig } from '../config';
import { createDatabase } from '../db/client';
import { createActivities } from '../activities';
import { connectTemporalClient, connectWorkerConnection } from '../platform/temporal';
import { runMain } from '../platform/run-main';
import { StartupError } from '../platform/errors';
import { loadRulebookStore } from '../platform/rulebook-store';
import { loadNotifyConfig, notifySetup } from '../platform/notify-setup';
import { projectRoot } from '../stack/paths';
import { ensurePlannerSchedule } from './planner-schedule';
import { ensureDigestSchedule } from './digest-schedule';
import { bundleWorkflows, createDubanWorker } from './create-worker';

runMain('worker', async () => {
  const config = parseConfig(process.env);
  if (!config.DATABASE_URL || !config.TEMPORAL_ADDRESS) {
    throw new StartupError('the worker needs DATABASE_URL and TEMPORAL_ADDRESS (npm start sets both)');
  }
  const rulebooks = await loadRulebookStore(path.join(projectRoot, 'rulebooks'));
  const notify = notifySetup(loadNotifyConfig(config), config.PUBLIC_URL ?? `http://${config.API_HOST}:${config.API_PORT}`);
  Runtime.install({ shutdownSignals: ['SIGINT', 'SIGTERM'], logger: new DefaultLogger('WARN') });
  const db = createDatabase(config.DATABASE_URL);
  const connection = await connectWorkerConnection(config.TEMPORAL_ADDRESS);
  const client = await connectTemporalClient(config.TEMPORAL_ADDRESS, config.TEMPORAL_NAMESPACE);
  const worker = await createDubanWorker({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    activities: createActivities({ db, rulebooks, temporal: { client, taskQueue: config.TEMPORAL_TASK_QUEUE }, notify }),
    workflowBundle: await bundleWorkflows(),
  });
  await ensurePlannerSchedule(client, config.TEMPORAL_TASK_QUEUE);
  await ensureDigestSchedule(client, config.TEMPORAL_TASK_QUEUE, notify.digestHour);
  console.log(`worker polling task queue "${config.TEMPORAL_TASK_QUEUE}" on ${config.TEMPORAL_ADDRESS}`);
  await worker.run();
  await client.connection.close();
  await connection.close();
  await db.$disconnect();
});
