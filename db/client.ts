// The only place that constructs a Prisma client. Everything else receives a
// Database (or a repository built on it) from a composition root.
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/prisma/client';

export type Database = PrismaClient;

export function createDatabase(databaseUrl: string, opts: { maxConnections?: number } = {}): Database {
  const adapter = new PrismaPg({
    connectionString: databaseUrl,
    max: opts.maxConnections ?? 10,
    // Fail fast when the database is down instead of hanging a request.
    connectionTimeoutMillis: 5_000,
  });
  return new PrismaClient({ adapter });
}

/** Round-trips a trivial query; throws when the database cannot be reached. */
export async function pingDatabase(db: Database): Promise<void> {
  await db.$queryRawUnsafe('SELECT 1');
}
