// The whole environment is parsed here, once, at start. Nothing else in the
// code base reads process.env: everything receives a typed Config.
import { z } from 'zod';

const portMessage = 'must be a port number between 1 and 65535';
const port = (fallback: number) =>
  z.coerce.number({ error: portMessage }).int(portMessage).min(1, portMessage).max(65535, portMessage).default(fallback);

const postgresUrl = z.string().refine((value) => {
  try {
    const url = new URL(value);
    return (url.protocol === 'postgresql:' || url.protocol === 'postgres:') && url.hostname !== '' && url.pathname.length > 1;
  } catch {
    return false;
  }
}, 'must be a URL like postgresql://user:password@host:5432/database');

const hostPort = z.string().regex(/^[A-Za-z0-9.\-_[\]:]+:\d{1,5}$/, 'must be host:port, e.g. 127.0.0.1:7233');

/** 32 random bytes, base64: the AES-256-GCM key for sensitive ledger fields. */
const aesKey = z.string().refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 bytes encoded as base64 (openssl rand -base64 32)');

export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Unset: `npm start` runs an embedded PostgreSQL under DUBAN_DATA_DIR. */
  DATABASE_URL: postgresUrl.optional(),
  /** Unset: `npm start` runs the Temporal CLI's dev server. */
  TEMPORAL_ADDRESS: hostPort.optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('duban'),
  API_HOST: z.string().min(1).default('127.0.0.1'),
  API_PORT: port(3000),
  /** Base URL people open; used in notification links. */
  PUBLIC_URL: z.url().optional(),
  DUBAN_DATA_DIR: z.string().min(1).optional(),
  EMBEDDED_PG_PORT: port(54329),
  TEMPORAL_DEV_PORT: port(7233),
  TEMPORAL_UI_PORT: port(8233),
  LEDGER_ENCRYPTION_KEY: aesKey.optional(),
  SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  /** Notification channels as JSON (see docs/notifications.md), inline or in a file; unset = email capture only under npm start. */
  NOTIFY_CONFIG: z.string().optional(),
  /** Folder for uploaded evidence; default <DUBAN_DATA_DIR>/evidence. */
  EVIDENCE_DIR: z.string().min(1).optional(),
  NOTIFY_CONFIG_FILE: z.string().optional(),
});

export type Config = z.infer<typeof configSchema>;
