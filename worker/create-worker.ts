// Builds a Worker for the duban task queue. Used by worker/main.ts and by the
// tests, which pass their own connection and a shared workflow bundle.
import { createRequire } from 'node:module';
import {
  bundleWorkflowCode,
  Worker,
  type NativeConnection,
  type WorkflowBundleOption,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import type { Activities } from '../activities';
import type { Config } from '../config';

const require = createRequire(import.meta.url);
export const workflowsPath = require.resolve('../workflows/index.ts');

/** Bundles workflow code once; reuse the result for every worker in a process. */
export function bundleWorkflows(): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({ workflowsPath, logger: quietBundlerLogger });
}

/** Slots, pollers and sticky cache (config WORKER_*); anything unset keeps the SDK's default. */
export interface WorkerTuning {
  workflowTaskSlots?: number;
  activityTaskSlots?: number;
  localActivitySlots?: number;
  workflowPollers?: number;
  activityPollers?: number;
  stickyCacheSize?: number;
}

export function workerTuning(config: Config): WorkerTuning {
  return {
    workflowTaskSlots: config.WORKER_WORKFLOW_TASK_SLOTS,
    activityTaskSlots: config.WORKER_ACTIVITY_TASK_SLOTS,
    localActivitySlots: config.WORKER_LOCAL_ACTIVITY_SLOTS,
    workflowPollers: config.WORKER_WORKFLOW_POLLERS,
    activityPollers: config.WORKER_ACTIVITY_POLLERS,
    stickyCacheSize: config.WORKER_STICKY_CACHE_SIZE,
  };
}

export async function createDubanWorker(opts: {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  activities: Activities;
  workflowBundle?: WorkflowBundleOption;
  tuning?: WorkerTuning;
}): Promise<Worker> {
  const t = opts.tuning ?? {};
  const defined = <T extends object>(o: T) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    activities: opts.activities,
    ...defined({
      maxConcurrentWorkflowTaskExecutions: t.workflowTaskSlots,
      maxConcurrentActivityTaskExecutions: t.activityTaskSlots,
      maxConcurrentLocalActivityExecutions: t.localActivitySlots,
      maxConcurrentWorkflowTaskPolls: t.workflowPollers,
      maxConcurrentActivityTaskPolls: t.activityPollers,
      maxCachedWorkflows: t.stickyCacheSize,
    }),
    ...(opts.workflowBundle ? { workflowBundle: opts.workflowBundle } : { workflowsPath }),
  });
}

const quietBundlerLogger = {
  trace: () => {},
  debug: () => {},
  info: () => {},
  warn: (message: string) => console.warn(message),
  error: (message: string) => console.error(message),
  log: () => {},
};
