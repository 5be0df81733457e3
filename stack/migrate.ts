// Applies Prisma migrations with the offline JavaScript schema engine.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import pg from 'pg';
import { projectRoot } from './paths';

/** Environment that keeps the Prisma CLI offline: no engine download, no update check. */
export const prismaCliEnv = {
  PRISMA_QUERY_ENGINE_LIBRARY: '/dev/null',
  PRISMA_SCHEMA_ENGINE_BINARY: '/dev/null',
  CHECKPOINT_DISABLE: '1',
  PRISMA_HIDE_UPDATE_MESSAGE: '1',
};

export async function runPrismaCli(args: string[], env: Record<string, string> = {}): Promise<string> {
  const bin = path.join(projectRoot, 'node_modules', '.bin', 'prisma');
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, {
      cwd: projectRoot,
      env: { ...process.env, ...prismaCliEnv, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(output) : reject(new Error(`prisma ${args.join(' ')} failed:\n${output.trim()}`))));
  });
}

/**
 * Applies pending migrations. The CLI lingers ~10 s after finishing, so it is
 * only called when a migration folder has not been applied yet.
 */
export async function migrateDatabase(databaseUrl: string): Promise<{ applied: string[] }> {
  const pending = await pendingMigrations(databaseUrl);
  if (pending.length === 0) return { applied: [] };
  await runPrismaCli(['migrate', 'deploy'], { DATABASE_URL: databaseUrl });
  return { applied: pending };
}

async function pendingMigrations(databaseUrl: string): Promise<string[]> {
  const folders = readdirSync(path.join(projectRoot, 'prisma', 'migrations'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const table = await client.query("SELECT to_regclass('public._prisma_migrations') AS t");
    if (!table.rows[0]?.t) return folders;
    const done = await client.query(
      'SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
    );
    const applied = new Set(done.rows.map((r: { migration_name: string }) => r.migration_name));
    return folders.filter((name) => !applied.has(name));
  } finally {
    await client.end();
  }
}
