// Shared setup for the API tests: the real app on the test PostgreSQL, a
// township of its own per test file (unique codes: the database is shared),
// and logged-in clients that carry the session cookie and CSRF token.
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { randomBytes, randomUUID } from 'node:crypto';
import { buildApp } from '../../api/app';
import { composeApp, type AppConfig } from '../../api/compose';
import { hashPassword } from '../../db/passwords';
import type { Database } from '../../db/client';
import { idNumberCheckChar } from '../../api/services/id-number';
import { connectTestStack, type TestStack } from '../support/stack';
import { inject } from 'vitest';
import { listenForChanges, type ChangeFeed } from '../../db/change-feed';
import { eventually } from '../support/eventually';

export const PASSWORD = 'correct-horse-battery';

export interface TestApi {
  stack: TestStack;
  app: FastifyInstance;
  db: Database;
  changes: ChangeFeed;
  close(): Promise<void>;
}

export async function startApi(extra: Partial<AppConfig> = {}): Promise<TestApi> {
  const stack = await connectTestStack();
  // As in production: cached scoreboards, dropped by the change feed (db/change-feed.ts).
  const changes = listenForChanges(inject('databaseUrl'));
  await eventually(() => changes.live, { timeoutMs: 10_000, intervalMs: 20, what: 'the change feed listening' });
  const app = await buildApp(
    await composeApp({
      db: stack.db,
      temporal: stack.client,
      namespace: stack.namespace,
      taskQueue: 'test-api-unused',
      changes,
      ledgerEncryptionKey: randomBytes(32).toString('base64'),
      // A test uploads faster than any person: the per-user limit has its own test (upload-limits.test.ts).
      uploadRateLimit: { max: 10_000, timeWindow: 60_000 },
      ...extra,
    }),
  );
  return {
    stack,
    app,
    db: stack.db,
    changes,
    async close() {
      await app.close();
      await changes.close();
      await stack.close();
    },
  };
}

export interface Township {
  townshipId: string;
  communityA: string;
  communityB: string;
  users: Record<'staffA' | 'secretaryA' | 'staffB' | 'secretaryB' | 'leaderA' | 'zhengfa' | 'admin', { id: string; username: string }>;
}

let hashed: Promise<string> | undefined;

/** A township with communities A and B and one user per role; leaderA leads A only. */
export async function seedTownship(db: Database): Promise<Township> {
  const tag = randomUUID().slice(0, 8);
  const passwordHash = await (hashed ??= hashPassword(PASSWORD));
  const township = await db.township.create({ data: { code: `t-${tag}`, name: `测试镇${tag}` } });
  const a = await db.community.create({ data: { townshipId: township.id, code: `a-${tag}`, name: `甲社区${tag}` } });
  const b = await db.community.create({ data: { townshipId: township.id, code: `b-${tag}`, name: `乙村${tag}` } });
  const specs = {
    staffA: ['STAFF', [a.id]],
    secretaryA: ['SECRETARY', [a.id]],
    staffB: ['STAFF', [b.id]],
    secretaryB: ['SECRETARY', [b.id]],
    leaderA: ['AREA_LEADER', [a.id]],
    zhengfa: ['POLITICAL_LEGAL', []],
    admin: ['ADMIN', []],
  } as const;
  const users = {} as Township['users'];
  for (const [key, [role, communities]] of Object.entries(specs)) {
    const username = `${key.toLowerCase()}.${tag}`;
    const u = await db.user.create({
      data: {
        townshipId: township.id,
        username,
        displayName: `${key}-${tag}`,
        role,
        passwordHash,
        memberships: { create: communities.map((communityId) => ({ communityId })) },
      },
    });
    users[key as keyof Township['users']] = { id: u.id, username };
  }
  return { townshipId: township.id, communityA: a.id, communityB: b.id, users };
}

export interface Client {
  csrf: string;
  cookie: string;
  request(opts: InjectOptions & { csrf?: boolean }): Promise<LightMyRequestResponse>;
  get(url: string): Promise<LightMyRequestResponse>;
  post(url: string, payload?: unknown): Promise<LightMyRequestResponse>;
  patch(url: string, payload?: unknown): Promise<LightMyRequestResponse>;
}

export async function login(app: FastifyInstance, username: string, password = PASSWORD, remoteAddress = '127.0.0.1'): Promise<Client> {
  const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password }, remoteAddress });
  if (res.statusCode !== 200) throw new Error(`login of ${username} failed: ${res.statusCode} ${res.body}`);
  const setCookie = res.cookies.find((c) => c.name === 'duban_session')!;
  const cookie = `duban_session=${setCookie.value}`;
  const csrf = (res.json() as { csrfToken: string }).csrfToken;
  const request: Client['request'] = ({ csrf: withCsrf = true, headers, ...opts }) =>
    app.inject({ ...opts, headers: { ...headers, cookie, ...(withCsrf ? { 'x-csrf-token': csrf } : {}) } } as InjectOptions);
  return {
    csrf,
    cookie,
    request,
    get: (url) => request({ method: 'GET', url }),
    post: (url, payload) => request({ method: 'POST', url, ...(payload === undefined ? {} : { payload: payload as object }) }),
    patch: (url, payload) => request({ method: 'PATCH', url, payload: payload as object }),
  };
}

/** A valid 18-digit ID number (correct check character) from 17 digits. */
export function idNumber(first17: string): string {
  return first17 + idNumberCheckChar(first17);
}

/** The letter of one cell of a GET /api/heatmap answer (o on track, s due soon, x overdue, d deducted, - no task). */
export function heatmapCell(
  heatmap: { communities: Array<{ id: string }>; items: Array<{ ruleId: string }>; statuses: string[] },
  communityId: string,
  ruleId: string,
): string | undefined {
  return heatmap.statuses[heatmap.communities.findIndex((c) => c.id === communityId)]?.[
    heatmap.items.findIndex((i) => i.ruleId === ruleId)
  ];
}
