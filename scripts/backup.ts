// `npm run backup [-- --to <folder>]` and `npm run restore -- <folder> [--replace]`:
// the database (DATABASE_URL, or the embedded PostgreSQL of `npm start`,
// started if it is not running) and the local evidence folder (EVIDENCE_DIR or
// <data dir>/evidence), as stack/backup.ts describes. docs: RELIABILITY.md.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parseConfig } from '../config';
import { runMain } from '../platform/run-main';
import { StartupError } from '../platform/errors';
import { dataDir as defaultDataDir } from '../stack/paths';
import { startEmbeddedPostgres } from '../stack/postgres';
import { loadOrCreateLocalSecrets } from '../stack/local-secrets';
import { backup, restore } from '../stack/backup';

const mode = process.argv.includes('--restore') ? 'restore' : 'backup';
const log = (line: string) => console.log(`[${mode}] ${line}`);

runMain(mode, async () => {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { to: { type: 'string' }, replace: { type: 'boolean', default: false }, restore: { type: 'boolean', default: false } },
  });
  const config = parseConfig(process.env);
  const dataDir = config.DUBAN_DATA_DIR ? path.resolve(config.DUBAN_DATA_DIR) : defaultDataDir;
  if (config.EVIDENCE_S3_BUCKET)
    log("evidence is in an S3 bucket: back it up with the bucket's own versioning or replication; only the database is copied here");
  const evidenceDir = config.EVIDENCE_S3_BUCKET ? undefined : (config.EVIDENCE_DIR ?? path.join(dataDir, 'evidence'));
  let databaseUrl = config.DATABASE_URL;
  let stop = async () => {};
  if (!databaseUrl) {
    const password = loadOrCreateLocalSecrets(dataDir, config).DATABASE_PASSWORD;
    const postgres = await startEmbeddedPostgres({
      dataDir: path.join(dataDir, 'postgres'),
      port: config.EMBEDDED_PG_PORT,
      database: 'duban',
      password,
      log,
    });
    databaseUrl = postgres.url;
    stop = postgres.stop;
  }
  try {
    if (mode === 'backup') {
      const dir = path.resolve(values.to ?? path.join(dataDir, 'backups', new Date().toISOString().replace(/[:.]/g, '-')));
      const result = await backup({ databaseUrl, evidenceDir, dir, log });
      const rows = Object.values(result.manifest.tables).reduce((n, t) => n + t.rows, 0);
      log(
        `done in ${(result.ms / 1000).toFixed(1)} s: ${rows} rows in ${Object.keys(result.manifest.tables).length} tables, ${Object.keys(result.manifest.evidence ?? {}).length} evidence files, in ${dir}`,
      );
      log(
        'the ledger key is not in the backup: keep local-secrets.json (or LEDGER_ENCRYPTION_KEY) apart from it, or ID numbers and diagnoses cannot be read after a restore',
      );
    } else {
      const dir = positionals[0];
      if (!dir) throw new StartupError('which backup? npm run restore -- <backup folder> [--replace]');
      const result = await restore({ databaseUrl, evidenceDir, dir: path.resolve(dir), replace: values.replace, log });
      log(`done in ${(result.ms / 1000).toFixed(1)} s: backup of ${result.manifest.createdAt} restored`);
    }
  } finally {
    await stop();
  }
});
