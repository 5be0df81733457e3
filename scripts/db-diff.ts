// Developer tool: prints the SQL that takes the schema at a git revision
// (default HEAD) to the working prisma/schema.prisma, for a new migration:
//   npx tsx scripts/db-diff.ts [rev] > prisma/migrations/<timestamp>_<name>/migration.sql
// Pass `empty` as rev for the initial migration. The Prisma CLI needs a
// database to talk to even for this, so a throw-away embedded one is started.
import { mkdtempSync, rmSync, chmodSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres } from '../stack/postgres';
import { runPrismaCli } from '../stack/migrate';
import { freePort } from '../stack/ports';

const rev = process.argv[2] ?? 'HEAD';
const scratch = mkdtempSync(path.join(os.tmpdir(), 'duban-diff-'));
chmodSync(scratch, 0o755);
const postgres = await startEmbeddedPostgres({ dataDir: path.join(scratch, 'pg'), port: await freePort(), database: 'diff' });
try {
  let from = ['--from-empty'];
  if (rev !== 'empty') {
    const oldSchema = path.join(scratch, 'old.prisma');
    writeFileSync(oldSchema, execFileSync('git', ['show', `${rev}:prisma/schema.prisma`]));
    from = ['--from-schema-datamodel', oldSchema];
  }
  const sql = await runPrismaCli(['migrate', 'diff', ...from, '--to-schema-datamodel', 'prisma/schema.prisma', '--script'], {
    DATABASE_URL: postgres.url,
  });
  process.stdout.write(
    sql
      .split('\n')
      .filter((line) => !line.startsWith('Loaded Prisma config'))
      .join('\n'),
  );
} finally {
  await postgres.stop();
  rmSync(scratch, { recursive: true, force: true });
}
