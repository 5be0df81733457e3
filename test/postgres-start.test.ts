// The embedded PostgreSQL of `npm start`: its log lands in the data folder
// with slow statements in it, the logging collector does not make start wait
// forever, and a failed start says what PostgreSQL said.
import { afterAll, describe, expect, it } from 'vitest';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort } from '../stack/ports';
import { POSTGRES_LOG_DIR, SLOW_QUERY_MS, startEmbeddedPostgres, type RunningPostgres } from '../stack/postgres';
import { StartupError } from '../platform/errors';

const scratch = mkdtempSync(path.join(os.tmpdir(), 'duban-pg-start-'));
chmodSync(scratch, 0o755);
const stops: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const stop of stops) await stop().catch(() => {});
  rmSync(scratch, { recursive: true, force: true });
});

describe('embedded PostgreSQL under npm start', () => {
  let running: RunningPostgres;

  it('starts with the logging collector on and logs slow statements to a file in its data folder', async () => {
    const dataDir = path.join(scratch, 'pg');
    running = await startEmbeddedPostgres({ dataDir, port: await freePort(), database: 'duban' });
    stops.push(running.stop);
    const client = new pg.Client({ connectionString: running.url });
    await client.connect();
    await client.query(`SELECT pg_sleep(${(SLOW_QUERY_MS + 100) / 1000}) AS slow_statement_marker`);
    await client.end();
    const logDir = path.join(dataDir, POSTGRES_LOG_DIR);
    let text = '';
    for (let i = 0; i < 50 && !text.includes('slow_statement_marker'); i++) {
      await new Promise((r) => setTimeout(r, 100));
      text = existsSync(logDir) ? readdirSync(logDir).map((f) => readFileSync(path.join(logDir, f), 'utf8')).join('') : '';
    }
    expect(text).toMatch(/duration: \d+\.\d+ ms {2}statement: SELECT pg_sleep\(.*\) AS slow_statement_marker/);
  }, 120_000);

  it('a port held by another program: the error carries PostgreSQL’s own message, not "undefined"', async () => {
    const sockets = new Set<net.Socket>();
    const holder = net.createServer((socket) => sockets.add(socket)); // accepts and never answers
    const port = await freePort();
    await new Promise<void>((resolve) => holder.listen(port, '127.0.0.1', resolve));
    stops.push(() => new Promise((resolve) => {
      for (const socket of sockets) socket.destroy();
      holder.close(() => resolve());
    }));
    const error = await startEmbeddedPostgres({ dataDir: path.join(scratch, 'pg-busy'), port, database: 'duban' }).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(StartupError);
    expect((error as Error).message).toContain(`port ${port}) did not start: `);
    expect((error as Error).message).toMatch(/could not bind IPv4 address "127\.0\.0\.1": Address already in use|could not create any TCP\/IP sockets/);
  }, 120_000);
});
