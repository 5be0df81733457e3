// For the embedded default only: secrets that production passes in the
// environment are generated once and kept in the data folder (mode 0600), so
// encrypted ledger fields stay readable across restarts of `npm start`, and
// the embedded PostgreSQL has a password of its own on each installation.
import { existsSync, readFileSync, writeFileSync, mkdirSync, chmodSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Config } from '../config';

export interface LocalSecrets {
  LEDGER_ENCRYPTION_KEY: string;
  SESSION_SECRET: string;
  /** the embedded PostgreSQL superuser's password (stack/postgres.ts); not used when DATABASE_URL is set */
  DATABASE_PASSWORD: string;
}

export function loadOrCreateLocalSecrets(dataDir: string, config: Config): LocalSecrets {
  const file = path.join(dataDir, 'local-secrets.json');
  let stored: Partial<LocalSecrets> = {};
  if (existsSync(file)) stored = JSON.parse(readFileSync(file, 'utf8'));
  const kept: LocalSecrets = {
    LEDGER_ENCRYPTION_KEY: stored.LEDGER_ENCRYPTION_KEY ?? config.LEDGER_ENCRYPTION_KEY ?? randomBytes(32).toString('base64'),
    SESSION_SECRET: stored.SESSION_SECRET ?? config.SESSION_SECRET ?? randomBytes(32).toString('base64url'),
    DATABASE_PASSWORD: stored.DATABASE_PASSWORD ?? randomBytes(24).toString('base64url'),
  };
  // A file from an older version lacks the newer secrets: they are added, the others kept as they are.
  if (Object.keys(kept).some((k) => stored[k as keyof LocalSecrets] === undefined)) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, JSON.stringify(kept, null, 2), { mode: 0o600 });
    chmodSync(file, 0o600);
  }
  // The environment wins over the file, as it always did.
  return {
    ...kept,
    LEDGER_ENCRYPTION_KEY: config.LEDGER_ENCRYPTION_KEY ?? kept.LEDGER_ENCRYPTION_KEY,
    SESSION_SECRET: config.SESSION_SECRET ?? kept.SESSION_SECRET,
  };
}
