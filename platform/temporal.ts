// Connections to the Temporal server, with errors a person can act on.
import { readFileSync } from 'node:fs';
import { Connection, Client, type TLSConfig } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { Config } from '../config';
import { StartupError } from './errors';

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

/**
 * TLS to the Temporal frontend from TEMPORAL_TLS_* (undefined: plain, as the
 * dev server and `npm run cluster` on loopback need). The same options serve
 * the client (API, worker) and the worker's native connection.
 */
export function temporalTls(
  config: Pick<Config, 'TEMPORAL_TLS_CA_FILE' | 'TEMPORAL_TLS_CERT_FILE' | 'TEMPORAL_TLS_KEY_FILE' | 'TEMPORAL_TLS_SERVER_NAME'>,
): TLSConfig | undefined {
  const { TEMPORAL_TLS_CA_FILE: ca, TEMPORAL_TLS_CERT_FILE: cert, TEMPORAL_TLS_KEY_FILE: key, TEMPORAL_TLS_SERVER_NAME: name } = config;
  if (!ca && !cert && !key && !name) return undefined;
  const read = (variable: string, file: string) => {
    try {
      return readFileSync(file);
    } catch (error) {
      throw new StartupError(`cannot read ${variable} (${file}): ${(error as Error).message}`);
    }
  };
  return {
    ...(ca ? { serverRootCACertificate: read('TEMPORAL_TLS_CA_FILE', ca) } : {}),
    ...(cert && key ? { clientCertPair: { crt: read('TEMPORAL_TLS_CERT_FILE', cert), key: read('TEMPORAL_TLS_KEY_FILE', key) } } : {}),
    ...(name ? { serverNameOverride: name } : {}),
  };
}

/** A client for starting workflows and sending messages (API, scripts, tests). */
export async function connectTemporalClient(address: string, namespace: string, tls?: TLSConfig): Promise<Client> {
  try {
    const connection = await Connection.connect({ address, tls, connectTimeout: '5 seconds' });
    // connect() is lazy about the server: one cheap call proves it answers.
    await connection.workflowService.getSystemInfo({});
    return new Client({ connection, namespace });
  } catch (error) {
    throw new TemporalUnreachableError(address, error);
  }
}

/** The native (Rust core) connection a worker polls on. */
export async function connectWorkerConnection(address: string, tls?: TLSConfig): Promise<NativeConnection> {
  try {
    return await NativeConnection.connect({ address, tls });
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
