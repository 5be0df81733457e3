// Starts test/support/worker-process.ts (a duban worker in a process of its
// own) and resolves once it polls, so a test can kill it with SIGKILL.
import { inject } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { projectRoot } from '../../stack/paths';

export async function spawnWorkerProcess(opts: {
  taskQueue: string;
  /** default: the suite's dev server */
  temporalAddress?: string;
  /** notification settings (NotifyConfig), passed to the child as JSON */
  notify?: object;
}): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(projectRoot, 'test/support/worker-process.ts')], {
    env: {
      ...process.env,
      DATABASE_URL: inject('databaseUrl'),
      TEMPORAL_ADDRESS: opts.temporalAddress ?? inject('temporalAddress'),
      TASK_QUEUE: opts.taskQueue,
      WORKFLOW_BUNDLE: inject('workflowBundlePath'),
      ...(opts.notify ? { NOTIFY: JSON.stringify(opts.notify) } : {}),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('worker ready')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`worker process exited early (${code})`)));
    });
  } catch (error) {
    if (child.exitCode === null) child.kill('SIGKILL');
    throw error;
  }
  return child;
}
