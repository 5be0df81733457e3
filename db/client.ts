// The only place that constructs a Prisma client. Everything else receives a
// Database (or a repository built on it) from a composition root.
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient, type Prisma } from './generated/prisma/client';

export type Database = PrismaClient;
/** The client or one of its transactions: for code that runs alone or inside a caller's transaction (a snapshot, an audited write). */
export type ClientOrTransaction = Database | Prisma.TransactionClient;

/**
 * Pool figures, reasoned for a 2-core machine and not yet tuned by measurement
 * (bench/reads.ts is the tool to do it; BENCHMARKS.md): 10 connections keep PostgreSQL busy without queueing inside it; the API's
 * overload gate (api/plugins/overload.ts) admits fewer requests than that,
 * so waiting for a connection is rare and short. A connect wait past 5 s means
 * the database is down or saturated: the API answers 503 (isDatabaseBusy).
 * A statement past 30 s is cancelled rather than holding its connection.
 */
export const POOL_DEFAULTS = { max: 10, connectionTimeoutMillis: 5_000, statementTimeoutMs: 30_000 } as const;

export function createDatabase(databaseUrl: string, opts: { maxConnections?: number; statementTimeoutMs?: number } = {}): Database {
  const adapter = new PrismaPg({
    connectionString: databaseUrl,
    max: opts.maxConnections ?? POOL_DEFAULTS.max,
    // Fail fast when the database is down instead of hanging a request.
    connectionTimeoutMillis: POOL_DEFAULTS.connectionTimeoutMillis,
    statement_timeout: opts.statementTimeoutMs ?? POOL_DEFAULTS.statementTimeoutMs,
  });
  return new PrismaClient({ adapter });
}

/** The pool gave up waiting for a connection, or PostgreSQL refused one for lack of slots: busy, not broken. */
export function isDatabaseBusy(error: unknown): boolean {
  const text = `${(error as Error)?.message ?? ''} ${String((error as { cause?: unknown })?.cause ?? '')}`;
  return /timeout exceeded when trying to connect|too many clients already|remaining connection slots are reserved/i.test(text);
}

/** PostgreSQL is down, restarting or unreachable: nothing was written, and retrying later will do. */
export function isDatabaseUnreachable(error: unknown): boolean {
  const e = error as { message?: string; code?: string; cause?: unknown } | undefined;
  const text = `${e?.message ?? ''} ${e?.code ?? ''} ${String(e?.cause ?? '')} ${String((e?.cause as { code?: string } | undefined)?.code ?? '')}`;
  return /ECONNREFUSED|ECONNRESET|Connection terminated|terminating connection|database system is (shutting down|starting up|in recovery)|Can't reach database server|DatabaseNotReachable|P1001|P1017/i.test(
    text,
  );
}

/** Round-trips a trivial query; throws when the database cannot be reached. */
export async function pingDatabase(db: Database): Promise<void> {
  await db.$queryRawUnsafe('SELECT 1');
}
