// A duban worker process for the storm benchmark: both task queues and the
// real activities, like worker/main.ts, but without the planner and digest
// Schedules (they would plan real periods for the benchmark's communities).
// Env as worker/main.ts, plus WORKFLOW_BUNDLE (a bundle file the parent wrote).
import path from 'node:path';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { parseConfig } from '../config';
import { createActivities } from '../activities';
import { createDatabase } from '../db/client';
import { notifyConfigSchema } from '../notify';
import { notifySetup } from '../platform/notify-setup';
import { loadRulebookStore } from '../platform/rulebook-store';
import { connectTemporalClient, connectWorkerConnection, taskQueues } from '../platform/temporal';
import { projectRoot } from '../stack/paths';
import { createDubanWorker, workerTuning } from '../worker/create-worker';

const config = parseConfig(process.env);
Runtime.install({ shutdownSignals: ['SIGINT', 'SIGTERM'], logger: new DefaultLogger('ERROR') });
const db = createDatabase(config.DATABASE_URL!);
const connection = await connectWorkerConnection(config.TEMPORAL_ADDRESS!);
const client = await connectTemporalClient(config.TEMPORAL_ADDRESS!, config.TEMPORAL_NAMESPACE);
const queues = taskQueues(config);
const activities = createActivities({
  db,
  rulebooks: await loadRulebookStore(path.join(projectRoot, 'rulebooks')),
  temporal: { client, taskQueue: queues.main, notificationTaskQueue: queues.notifications },
  notify: notifySetup(notifyConfigSchema.parse({}), 'http://duban.bench'),
});
const workflowBundle = { codePath: process.env.WORKFLOW_BUNDLE! };
const tuning = workerTuning(config);
const workers = await Promise.all(
  [queues.main, queues.notifications].map((taskQueue) =>
    createDubanWorker({ connection, namespace: config.TEMPORAL_NAMESPACE, taskQueue, activities, workflowBundle, tuning }),
  ),
);
console.log('worker ready');
await Promise.all(workers.map((w) => w.run()));
await client.connection.close();
await connection.close();
await db.$disconnect();
