// Composition root of the Temporal worker process: reads configuration once,
// builds the real dependencies and runs until SIGINT/SIGTERM.
import path from 'node:path';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { parseConfig } from '../config';
import { createDatabase } from '../db/client';
import { createActivities } from '../activities';
import { connectTemporalClient, connectWorkerConnection, taskQueues, temporalTls } from '../platform/temporal';
import { runMain } from '../platform/run-main';
import { StartupError } from '../platform/errors';
import { loadRulebookStore } from '../platform/rulebook-store';
import { loadNotifyConfig, notifySetup } from '../platform/notify-setup';
import { projectRoot } from '../stack/paths';
import { ensurePlannerSchedule } from './planner-schedule';
import { ensureDigestSchedule } from './digest-schedule';
import { ensureReconcileSchedule } from './reconcile-schedule';
import { bundleWorkflows, createDubanWorker, workerTuning } from './create-worker';

runMain('worker', async () => {
  const config = parseConfig(process.env);
  if (!config.DATABASE_URL || !config.TEMPORAL_ADDRESS) {
    throw new StartupError('the worker needs DATABASE_URL and TEMPORAL_ADDRESS (npm start sets both)');
  }
  const rulebooks = await loadRulebookStore(path.join(projectRoot, 'rulebooks'));
  const notify = notifySetup(loadNotifyConfig(config), config.PUBLIC_URL ?? `http://${config.API_HOST}:${config.API_PORT}`);
  Runtime.install({
    shutdownSignals: ['SIGINT', 'SIGTERM'],
    logger: new DefaultLogger('WARN'),
    // The SDK's own metrics (task slots, latencies, sticky cache, polls) for Prometheus at /metrics.
    ...(config.WORKER_METRICS_PORT
      ? { telemetryOptions: { metrics: { prometheus: { bindAddress: `${config.METRICS_HOST}:${config.WORKER_METRICS_PORT}` } } } }
      : {}),
  });
  const db = createDatabase(config.DATABASE_URL);
  const tls = temporalTls(config);
  const connection = await connectWorkerConnection(config.TEMPORAL_ADDRESS, tls);
  const client = await connectTemporalClient(config.TEMPORAL_ADDRESS, config.TEMPORAL_NAMESPACE, tls);
  const queues = taskQueues(config);
  const activities = createActivities({
    db,
    rulebooks,
    temporal: { client, taskQueue: queues.main, notificationTaskQueue: queues.notifications },
    notify,
  });
  const workflowBundle = await bundleWorkflows();
  const tuning = workerTuning(config);
  // Both workers register every workflow and activity: a notification workflow
  // started on the main queue before the split still finds its activities there.
  const workers = await Promise.all([
    createDubanWorker({ connection, namespace: config.TEMPORAL_NAMESPACE, taskQueue: queues.main, activities, workflowBundle, tuning }),
    createDubanWorker({
      connection,
      namespace: config.TEMPORAL_NAMESPACE,
      taskQueue: queues.notifications,
      activities,
      workflowBundle,
      tuning: { ...tuning, activityTaskSlots: config.WORKER_NOTIFICATION_ACTIVITY_SLOTS ?? tuning.activityTaskSlots },
    }),
  ]);
  await ensurePlannerSchedule(client, queues.main);
  await ensureDigestSchedule(client, queues.main, notify.digestHour);
  await ensureReconcileSchedule(client, queues.notifications, notify.reconcileEveryMinutes);
  console.log(
    `worker polling task queues "${queues.main}" and "${queues.notifications}" on ${config.TEMPORAL_ADDRESS}` +
      (config.WORKER_METRICS_PORT ? `; metrics on http://${config.METRICS_HOST}:${config.WORKER_METRICS_PORT}/metrics` : ''),
  );
  await Promise.all(workers.map((w) => w.run()));
  await client.connection.close();
  await connection.close();
  await db.$disconnect();
});
