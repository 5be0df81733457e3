// Composition root of the Temporal worker process: reads configuration once,
// builds the real dependencies and runs until SIGINT/SIGTERM.
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { parseConfig } from '../config';
import { createDatabase } from '../db/client';
import { selfCheckRepository } from '../db/self-check-repository';
import { createActivities } from '../activities';
import { connectWorkerConnection } from '../platform/temporal';
import { runMain } from '../platform/run-main';
import { StartupError } from '../platform/errors';
import { bundleWorkflows, createDubanWorker } from './create-worker';

runMain('worker', async () => {
  const config = parseConfig(process.env);
  if (!config.DATABASE_URL || !config.TEMPORAL_ADDRESS) {
    throw new StartupError('the worker needs DATABASE_URL and TEMPORAL_ADDRESS (npm start sets both)');
  }
  Runtime.install({ shutdownSignals: ['SIGINT', 'SIGTERM'], logger: new DefaultLogger('WARN') });
  const db = createDatabase(config.DATABASE_URL);
  const connection = await connectWorkerConnection(config.TEMPORAL_ADDRESS);
  const worker = await createDubanWorker({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    activities: createActivities({ selfChecks: selfCheckRepository(db) }),
    workflowBundle: await bundleWorkflows(),
  });
  console.log(`worker polling task queue "${config.TEMPORAL_TASK_QUEUE}" on ${config.TEMPORAL_ADDRESS}`);
  await worker.run();
  await connection.close();
  await db.$disconnect();
});
