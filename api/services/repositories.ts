// Builds the repositories the access, ledger and scoring routes use from the app's dependencies.
import type { Database } from '../../db/client';
import { auditRepository } from '../../db/audit-repository';
import { authRepository } from '../../db/auth-repository';
import type { ChangeFeed } from '../../db/change-feed';
import { communityDirectory } from '../../db/community-directory';
import { createFieldCipher, type FieldCipher } from '../../db/crypto';
import { deductionRepository } from '../../db/deduction-repository';
import { ledgerRepository } from '../../db/ledger-repository';
import { scoreboardRepository } from '../../db/scoreboard-repository';
import { userRepository } from '../../db/user-repository';
import { HttpError } from '../errors';

/** Without a key, nothing sensitive can be written or read; the rest of the API keeps working. */
const missingKeyCipher: FieldCipher = {
  currentKeyId: 0,
  encrypt() { throw new HttpError(503, 'not_configured', '服务器未配置台账加密密钥 LEDGER_ENCRYPTION_KEY，请联系管理员 (ledger encryption key not configured)'); },
  decrypt() { throw new HttpError(503, 'not_configured', '服务器未配置台账加密密钥 LEDGER_ENCRYPTION_KEY，请联系管理员 (ledger encryption key not configured)'); },
};

export function createRepositories(db: Database, ledgerEncryptionKey?: string, changes?: ChangeFeed) {
  const directory = communityDirectory(db, changes);
  const cipher = ledgerEncryptionKey ? createFieldCipher({ currentKey: ledgerEncryptionKey }) : missingKeyCipher;
  return {
    directory,
    sessions: authRepository(db, directory),
    users: userRepository(db),
    audit: auditRepository(db),
    ledgers: ledgerRepository(db, cipher),
    deductions: deductionRepository(db),
    scoreboard: scoreboardRepository(db, directory),
  };
}
