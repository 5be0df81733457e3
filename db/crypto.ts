// Field-level encryption of sensitive ledger data (ID numbers, diagnoses,
// drug history, free-text details) with AES-256-GCM. The database only ever
// holds ciphertext; a database dump or a read replica leaks nothing readable.
//
// Layout of one encrypted value (bytes):
//   [0]      format version (1)
//   [1]      key id (1-255): which key of the keyring encrypted it, for rotation
//   [2..14)  random 96-bit IV, fresh for every value
//   [14..30) GCM authentication tag
//   [30..]   ciphertext
// The associated data binds a value to its field and row ("idNumber:<rowId>"),
// so ciphertext copied into another row or field fails to decrypt.
import { UnavailableError } from '../domain/errors';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const FORMAT_VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = 2 + IV_BYTES + TAG_BYTES;

export interface FieldCipher {
  encrypt(plaintext: string, context: string): Uint8Array<ArrayBuffer>;
  decrypt(ciphertext: Uint8Array, context: string): string;
  /** The key id new values are written with. */
  readonly currentKeyId: number;
}

export interface KeyringOptions {
  /** base64 of 32 bytes: the key new values are encrypted with */
  currentKey: string;
  /** id stored with every value written under currentKey (default 1) */
  currentKeyId?: number;
  /** older keys still needed to read values written before a rotation */
  previousKeys?: Record<number, string>;
}

export function createFieldCipher(options: KeyringOptions): FieldCipher {
  const currentKeyId = options.currentKeyId ?? 1;
  const keys = new Map<number, Buffer>();
  for (const [id, key] of Object.entries(options.previousKeys ?? {})) keys.set(Number(id), decodeKey(key, Number(id)));
  keys.set(currentKeyId, decodeKey(options.currentKey, currentKeyId));
  const current = keys.get(currentKeyId)!;

  return {
    currentKeyId,
    encrypt(plaintext, context) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', current, iv);
      cipher.setAAD(Buffer.from(context, 'utf8'));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return new Uint8Array(Buffer.concat([Buffer.from([FORMAT_VERSION, currentKeyId]), iv, cipher.getAuthTag(), body]));
    },
    decrypt(value, context) {
      const buf = Buffer.from(value);
      if (buf.length < HEADER_BYTES || buf[0] !== FORMAT_VERSION) throw new Error('unknown ciphertext format');
      const key = keys.get(buf[1]!);
      if (!key) throw new Error(`no key with id ${buf[1]} in the keyring`);
      const decipher = createDecipheriv('aes-256-gcm', key, buf.subarray(2, 2 + IV_BYTES));
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(buf.subarray(2 + IV_BYTES, HEADER_BYTES));
      return Buffer.concat([decipher.update(buf.subarray(HEADER_BYTES)), decipher.final()]).toString('utf8');
    },
  };
}

function decodeKey(base64: string, id: number): Buffer {
  if (!Number.isInteger(id) || id < 1 || id > 255) throw new RangeError('key ids are integers 1-255');
  const key = Buffer.from(base64, 'base64');
  if (key.length !== 32) throw new RangeError(`key ${id} must be 32 bytes encoded as base64`);
  return key;
}

/** 510104199001011234 -> 510***********1234: enough to tell people apart, not to identify them. */
export function maskIdNumber(idNumber: string): string {
  if (idNumber.length <= 7) return '*'.repeat(idNumber.length);
  return `${idNumber.slice(0, 3)}${'*'.repeat(idNumber.length - 7)}${idNumber.slice(-4)}`;
}

const MISSING_KEY = '服务器未配置台账加密密钥 LEDGER_ENCRYPTION_KEY，请联系管理员 (ledger encryption key not configured)';
/** Without a key, nothing sensitive can be written or read (503 from the API's error handler); the rest keeps working. */
export const missingKeyCipher: FieldCipher = {
  currentKeyId: 0,
  encrypt() {
    throw new UnavailableError('not_configured', MISSING_KEY);
  },
  decrypt() {
    throw new UnavailableError('not_configured', MISSING_KEY);
  },
};
