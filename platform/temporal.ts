// Connections to the Temporal server, with errors a person can act on.
import { Connection, Client } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { Config } from '../config';

export class TemporalUnreachableError extends Error {
  override name = 'TemporalUnreachableError';
  constructor(address: string, cause: unknown) {
    super(
      `cannot reach Temporal at ${address} (TEMPORAL_ADDRESS): ${shortReason(cause)}. Start it, or unset TEMPORAL_ADDRESS to let npm start run its own dev server.`,
    );
  }
}

function shortReason(cause: unknown): string {
  const text = cause instanceof Error ? cause.message : String(cause);
  return text.split('\n')[0]!.slice(0, 200);
}

/** A client for starting workflows and sending messages (API, scripts, tests). */
export async function connectTemporalClient(address: string, namespace: string): Promise<Client> {
  try {
    const connection = await Connection.connect({ address, connectTimeout: '5 seconds' });
    // connect() is lazy about the server: one cheap call proves it answers.
    await connection.workflowService.getSystemInfo({});
    return new Client({ connection, namespace });
  } catch (error) {
    throw new TemporalUnreachableError(address, error);
  }
}

/** The native (Rust core) connection a worker polls on. */
export async function connectWorkerConnection(address: string): Promise<NativeConnection> {
  try {
    return await NativeConnection.connect({ address });
  } catch (error) {
    throw new TemporalUnreachableError(address, error);
  }
}

/** Waits until the server answers (a freshly started dev server needs a moment). */
export async function waitForTemporal(address: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const client = await connectTemporalClient(address, 'default');
      await client.workflowService.describeNamespace({ namespace: 'default' });
      await client.connection.close();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/**
 * The two task queues. Obligations, the planner and the digest run on the main
 * queue; notification workflows (bursty, waiting on providers) on their own, so
 * a reminder storm cannot hold back deadlines. Every worker process polls both.
 */
export function taskQueues(config: Pick<Config, 'TEMPORAL_TASK_QUEUE' | 'TEMPORAL_NOTIFICATION_TASK_QUEUE'>): {
  main: string;
  notifications: string;
} {
  return {
    main: config.TEMPORAL_TASK_QUEUE,
    notifications: config.TEMPORAL_NOTIFICATION_TASK_QUEUE ?? `${config.TEMPORAL_TASK_QUEUE}-notifications`,
  };
}

/** What the server is: version, persistence and history shards (getClusterInfo), for health and the benchmark. */
export async function describeTemporalServer(client: Client): Promise<string> {
  const info = await client.workflowService.getClusterInfo({});
  const store = info.persistenceStore ? `, ${info.persistenceStore}` : '';
  return `Temporal ${info.serverVersion ?? '?'} (${info.historyShardCount ?? '?'} history shard(s)${store})`;
}
