// For the embedded default only: secrets that production passes in the
// environment are generated once and kept in the data folder (mode 0600), so
// encrypted ledger fields stay readable across restarts of `npm start`.
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Config } from '../config';

export function loadOrCreateLocalSecrets(dataDir: string, config: Config): { LEDGER_ENCRYPTION_KEY: string; SESSION_SECRET: string } {
  const file = path.join(dataDir, 'local-secrets.json');
  let stored: Partial<Record<'LEDGER_ENCRYPTION_KEY' | 'SESSION_SECRET', string>> = {};
  if (existsSync(file)) stored = JSON.parse(readFileSync(file, 'utf8'));
  const secrets = {
    LEDGER_ENCRYPTION_KEY: config.LEDGER_ENCRYPTION_KEY ?? stored.LEDGER_ENCRYPTION_KEY ?? randomBytes(32).toString('base64'),
    SESSION_SECRET: config.SESSION_SECRET ?? stored.SESSION_SECRET ?? randomBytes(32).toString('base64url'),
  };
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  }
  return secrets;
}
