// `npm run seed:scale -- --communities 3000 [--as-of 2026-11-30] [--miss-rate 0.04]`:
// adds a township seeded like a prefecture's year (scripts/scale-data.ts) to
// DATABASE_URL, or to the embedded PostgreSQL of `npm start` when it is unset
// (started if it is not running). Prints the counts, the time and the logins.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parseConfig } from '../config';
import { runMain } from '../platform/run-main';
import { StartupError } from '../platform/errors';
import { loadRulebookStore } from '../platform/rulebook-store';
import { dataDir as defaultDataDir, projectRoot } from '../stack/paths';
import { startEmbeddedPostgres } from '../stack/postgres';
import { loadOrCreateLocalSecrets } from '../stack/local-secrets';
import { migrateDatabase } from '../stack/migrate';
import { seedScale, SCALE_PASSWORD } from './scale-data';

const log = (line: string) => console.log(`[seed:scale] ${line}`);

runMain('seed:scale', async () => {
  const { values } = parseArgs({
    options: {
      communities: { type: 'string', default: '3000' },
      'as-of': { type: 'string' },
      'miss-rate': { type: 'string', default: '0.04' },
    },
  });
  const communities = Number(values.communities);
  if (!Number.isInteger(communities) || communities < 1 || communities > 20_000)
    throw new StartupError(`--communities must be a whole number from 1 to 20000, got "${values.communities}"`);
  const missRate = Number(values['miss-rate']);
  if (!(missRate >= 0 && missRate <= 1)) throw new StartupError(`--miss-rate must be between 0 and 1, got "${values['miss-rate']}"`);
  if (values['as-of'] && !/^\d{4}-\d{2}-\d{2}$/.test(values['as-of']))
    throw new StartupError(`--as-of must be YYYY-MM-DD, got "${values['as-of']}"`);
  const asOf = values['as-of'] ? new Date(`${values['as-of']}T00:00:00+08:00`) : new Date();
  if (Number.isNaN(asOf.getTime())) throw new StartupError(`--as-of is not a date: "${values['as-of']}"`);

  const config = parseConfig(process.env);
  let databaseUrl = config.DATABASE_URL;
  let stop = async () => {};
  if (!databaseUrl) {
    const dataDir = config.DUBAN_DATA_DIR ? path.resolve(config.DUBAN_DATA_DIR) : defaultDataDir;
    // The cluster of npm start: its password is in the data folder's local-secrets.json.
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
    await migrateDatabase(databaseUrl);
    const rulebooks = await loadRulebookStore(path.join(projectRoot, 'rulebooks'));
    const rulebook = rulebooks.forInstant(asOf) ?? rulebooks.all().at(-1)!;
    log(`seeding ${communities} communities, ${rulebook.year} rulebook v${rulebook.version}, task states as of ${asOf.toISOString()}`);
    const result = await seedScale({ databaseUrl, communities, rulebook, asOf, missRate, log });
    log(`done in ${(result.ms / 1000).toFixed(1)} s:`);
    for (const [name, count] of Object.entries(result.counts)) log(`  ${name.padEnd(15)} ${count.toLocaleString('en-US')}`);
    log(
      `logins (password ${SCALE_PASSWORD}): ${result.users.politicalLegal} (政法委员), ${result.users.leader} (挂片领导), ${result.users.staff} (网格员)`,
    );
    log('deductions were written in bulk: rebuild any per-community tally derived from them before reading scores.');
  } finally {
    await stop();
  }
});
