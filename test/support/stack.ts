// Per-test-file access to the real services started by global-setup.ts.
import { inject } from 'vitest';
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { NativeConnection, Worker } from '@temporalio/worker';
import { createDatabase, type Database } from '../../db/client';
import { connectTemporalClient, connectWorkerConnection } from '../../platform/temporal';
import { createDubanWorker } from '../../worker/create-worker';
import type { Activities } from '../../activities';

export interface TestStack {
  db: Database;
  client: Client;
  connection: NativeConnection;
  namespace: string;
  close(): Promise<void>;
}

export async function connectTestStack(): Promise<TestStack> {
  const db = createDatabase(inject('databaseUrl'));
  const client = await connectTemporalClient(inject('temporalAddress'), 'default');
  const connection = await connectWorkerConnection(inject('temporalAddress'));
  return {
    db,
    client,
    connection,
    namespace: 'default',
    async close() {
      await connection.close();
      await client.connection.close();
      await db.$disconnect();
    },
  };
}

/** A unique task queue per test keeps tests from picking up each other's work. */
export function uniqueTaskQueue(label: string): string {
  return `test-${label}-${randomUUID().slice(0, 8)}`;
}

export function createTestWorker(stack: TestStack, taskQueue: string, activities: Activities): Promise<Worker> {
  return createDubanWorker({
    connection: stack.connection,
    namespace: stack.namespace,
    taskQueue,
    activities,
    workflowBundle: { codePath: inject('workflowBundlePath') },
  });
}
