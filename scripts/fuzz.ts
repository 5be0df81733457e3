// `npm run fuzz [-- --examples 3] [--as anonymous,ADMIN]`: schema-driven fuzzing of every route of
// the OpenAPI document (schemathesis, from PyPI, installed once into
// .tools/schemathesis-<version>) against a real API on a throw-away PostgreSQL
// and Temporal dev server, once anonymous and once as each role. The API
// itself counts what it answered: the run prints the request count and fails
// on any 5xx, naming the routes.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, chmodSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { randomBytes, randomUUID } from 'node:crypto';
import { buildApp } from '../api/app';
import { composeApp } from '../api/compose';
import { createDatabase } from '../db/client';
import { hashPassword } from '../db/passwords';
import { connectTemporalClient, waitForTemporal } from '../platform/temporal';
import { runMain } from '../platform/run-main';
import { freePort } from '../stack/ports';
import { startEmbeddedPostgres } from '../stack/postgres';
import { migrateDatabase } from '../stack/migrate';
import { ensureTemporalBinaries } from '../stack/provision';
import { startTemporalDevServer } from '../stack/temporal-dev-server';
import { toolsDir } from '../stack/paths';
import { createLocalStorage } from '../storage/local-storage';

const SCHEMATHESIS = 'schemathesis==4.32.5';
const target = path.join(toolsDir, 'schemathesis-4.32.5');
const log = (line: string) => console.log(`[fuzz] ${line}`);
const PASSWORD = 'fuzz-password-123';
/**
 * Left out: the routes that would end the run's own session (it would fuzz the
 * rest as a logged-out user), and /api/health, whose 503 is its documented
 * answer while a part is down (this stack runs no worker on purpose).
 */
const EXCLUDED = '^/api/(auth/(logout|password)|health)$';

function ensureSchemathesis(): string {
  if (existsSync(path.join(target, 'schemathesis'))) return target;
  log(`installing ${SCHEMATHESIS} from PyPI into ${target} (once)`);
  const result = spawnSync(
    'python3',
    ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--no-warn-script-location', '--target', target, SCHEMATHESIS],
    { stdio: ['ignore', 'inherit', 'pipe'], encoding: 'utf8' },
  );
  if (result.status !== 0) throw new Error(`could not install schemathesis with pip: ${result.stderr?.trim().split('\n').pop() ?? ''}`);
  return target;
}

runMain('fuzz', async () => {
  const { values } = parseArgs({ options: { examples: { type: 'string', default: '3' }, as: { type: 'string' } } });
  const started = Date.now();
  const pythonPath = ensureSchemathesis();
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'duban-fuzz-'));
  chmodSync(scratch, 0o755);
  const stops: Array<() => Promise<void>> = [];
  try {
    const postgres = await startEmbeddedPostgres({ dataDir: path.join(scratch, 'pg'), port: await freePort(), database: 'duban_fuzz' });
    stops.push(postgres.stop);
    await migrateDatabase(postgres.url);
    const temporal = await startTemporalDevServer({ cliPath: ensureTemporalBinaries(log).cli, port: await freePort() });
    stops.push(temporal.stop);
    await waitForTemporal(temporal.address, 30_000);
    const db = createDatabase(postgres.url);
    stops.push(() => db.$disconnect());
    const client = await connectTemporalClient(temporal.address, 'default');
    stops.push(() => client.connection.close());
    const app = await buildApp(
      await composeApp({
        db,
        temporal: client,
        namespace: 'default',
        taskQueue: 'fuzz-no-worker',
        ledgerEncryptionKey: randomBytes(32).toString('base64'),
        evidenceStorage: createLocalStorage(path.join(scratch, 'evidence')),
        // One caller sends everything: limits meant for many people would only answer 429.
        loginRateLimit: { max: 100_000, timeWindow: 60_000 },
        uploadRateLimit: { max: 100_000, timeWindow: 60_000 },
      }),
    );
    const answered = { total: 0, byClass: {} as Record<string, number>, serverErrors: new Map<string, number>() };
    app.addHook('onResponse', async (request, reply) => {
      answered.total++;
      const cls = `${Math.floor(reply.statusCode / 100)}xx`;
      answered.byClass[cls] = (answered.byClass[cls] ?? 0) + 1;
      if (reply.statusCode >= 500) {
        const key = `${reply.statusCode} ${request.method} ${request.routeOptions.url ?? request.url}`;
        answered.serverErrors.set(key, (answered.serverErrors.get(key) ?? 0) + 1);
      }
    });
    const port = await freePort();
    await app.listen({ host: '127.0.0.1', port });
    stops.push(() => app.close());
    const base = `http://127.0.0.1:${port}`;

    // One township, two communities, one user per role.
    const passwordHash = await hashPassword(PASSWORD);
    const tag = randomUUID().slice(0, 6);
    const township = await db.township.create({ data: { code: `fuzz-${tag}`, name: '模糊测试镇' } });
    const a = await db.community.create({ data: { townshipId: township.id, code: `a-${tag}`, name: '甲社区' } });
    const b = await db.community.create({ data: { townshipId: township.id, code: `b-${tag}`, name: '乙村' } });
    const roles = { STAFF: [a.id], SECRETARY: [a.id], AREA_LEADER: [a.id, b.id], POLITICAL_LEGAL: [], ADMIN: [] } as const;
    for (const [role, communities] of Object.entries(roles)) {
      await db.user.create({
        data: {
          townshipId: township.id,
          username: `${role.toLowerCase()}-${tag}`,
          displayName: role,
          role: role as keyof typeof roles,
          passwordHash,
          memberships: { create: communities.map((communityId) => ({ communityId })) },
        },
      });
    }

    const runs: Array<{ as: string; exitCode: number | null; requests: number }> = [];
    // --as ADMIN,STAFF: a shorter run as some of them only.
    for (const as of ['anonymous', ...Object.keys(roles)].filter((r) => !values.as || values.as.split(',').includes(r))) {
      const headers: string[] = [];
      if (as !== 'anonymous') {
        const res = await app.inject({
          method: 'POST',
          url: '/api/auth/login',
          payload: { username: `${as.toLowerCase()}-${tag}`, password: PASSWORD },
        });
        const cookie = res.cookies.find((c) => c.name === 'duban_session')!;
        headers.push(
          '-H',
          `Cookie: duban_session=${cookie.value}`,
          '-H',
          `x-csrf-token: ${(res.json() as { csrfToken: string }).csrfToken}`,
        );
      }
      const before = answered.total;
      const exitCode = await new Promise<number | null>((resolve) => {
        const child = spawn(
          'python3',
          [
            '-m',
            'schemathesis.cli',
            'run',
            `${base}/docs/json`,
            '--url',
            base,
            '--checks',
            'not_a_server_error',
            '--phases',
            'examples,coverage,fuzzing',
            '--max-examples',
            values.examples,
            '--workers',
            '1',
            '--no-shrink',
            '--seed',
            '20261130',
            '--exclude-path-regex',
            EXCLUDED,
            '--suppress-health-check',
            'all',
            '--warnings',
            'off',
            '--request-timeout',
            '30',
            ...headers,
          ],
          // cwd: schemathesis keeps a cache of crashes in ./.schemathesis; it belongs to this run, not the repository.
          { cwd: scratch, env: { ...process.env, PYTHONPATH: pythonPath, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] },
        );
        let tail = '';
        const keep = (c: Buffer) => {
          tail = (tail + c.toString()).slice(-4000);
        };
        child.stdout.on('data', keep);
        child.stderr.on('data', keep);
        child.on('exit', (code) => {
          if (code !== 0) console.log(tail);
          resolve(code);
        });
      });
      runs.push({ as, exitCode, requests: answered.total - before });
      log(`as ${as}: ${answered.total - before} requests, schemathesis exit ${exitCode}`);
    }

    const serverErrors = [...answered.serverErrors].map(([k, n]) => `${k} x${n}`);
    log(
      `${answered.total} requests in ${((Date.now() - started) / 1000).toFixed(0)} s (up to ${values.examples} examples per operation and role); by status: ${JSON.stringify(answered.byClass)}`,
    );
    if (serverErrors.length) {
      log(`5xx answers:\n  ${serverErrors.join('\n  ')}`);
      process.exitCode = 1;
    } else {
      log('no 5xx');
    }
    if (runs.some((r) => r.exitCode !== 0 && r.exitCode !== null) && !serverErrors.length)
      log('schemathesis exited non-zero without a 5xx: see its output above');
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => {});
    rmSync(scratch, { recursive: true, force: true });
  }
});
