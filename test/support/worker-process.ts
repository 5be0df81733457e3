// A duban worker in its own process, so a test can kill it with SIGKILL.
// Env: DATABASE_URL, TEMPORAL_ADDRESS, TASK_QUEUE, WORKFLOW_BUNDLE; NOTIFY (JSON notification settings, optional).
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { createDatabase } from '../../db/client';
import { connectTemporalClient, connectWorkerConnection } from '../../platform/temporal';
import { createDubanWorker } from '../../worker/create-worker';
import { testActivityDeps } from './activity-deps';

Runtime.install({ logger: new DefaultLogger('ERROR') });
const { DATABASE_URL, TEMPORAL_ADDRESS, TASK_QUEUE, WORKFLOW_BUNDLE } = process.env;
const db = createDatabase(DATABASE_URL!);
const client = await connectTemporalClient(TEMPORAL_ADDRESS!, 'default');
const worker = await createDubanWorker({
  connection: await connectWorkerConnection(TEMPORAL_ADDRESS!),
  namespace: 'default',
  taskQueue: TASK_QUEUE!,
  activities: createActivities(
    await testActivityDeps({
      db,
      client,
      taskQueue: TASK_QUEUE!,
      ...(process.env.NOTIFY ? { notify: JSON.parse(process.env.NOTIFY) as object } : {}),
    }),
  ),
  workflowBundle: { codePath: WORKFLOW_BUNDLE! },
});
console.log('worker ready');
await worker.run();
