// Connections to the Temporal server, with errors a person can act on.
import { Connection, Client } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';

export class TemporalUnreachableError extends Error {
  override name = 'TemporalUnreachableError';
  constructor(address: string, cause: unknown) {
    super(`cannot reach Temporal at ${address} (TEMPORAL_ADDRESS): ${shortReason(cause)}. Start it, or unset TEMPORAL_ADDRESS to let npm start run its own dev server.`);
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
