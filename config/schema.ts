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

const optionalPort = z.coerce.number({ error: portMessage }).int(portMessage).min(1, portMessage).max(65535, portMessage).optional();

const countMessage = 'must be a whole number of at least 1';
const count = z.coerce.number({ error: countMessage }).int(countMessage).min(1, countMessage);

const hostPort = z.string().regex(/^[A-Za-z0-9.\-_[\]:]+:\d{1,5}$/, 'must be host:port, e.g. 127.0.0.1:7233');

/** 32 random bytes, base64: the AES-256-GCM key for sensitive ledger fields. */
const aesKey = z
  .string()
  .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 bytes encoded as base64 (openssl rand -base64 32)');

export const configSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** Unset: `npm start` runs an embedded PostgreSQL under DUBAN_DATA_DIR. */
    DATABASE_URL: postgresUrl.optional(),
    /** Unset: `npm start` runs the Temporal CLI's dev server. */
    TEMPORAL_ADDRESS: hostPort.optional(),
    TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
    TEMPORAL_TASK_QUEUE: z.string().min(1).default('duban'),
    /** TLS to the Temporal frontend (docs/security.md): PEM files; any of them set = TLS on. CERT and KEY (mTLS) go together. */
    TEMPORAL_TLS_CA_FILE: z.string().min(1).optional(),
    TEMPORAL_TLS_CERT_FILE: z.string().min(1).optional(),
    TEMPORAL_TLS_KEY_FILE: z.string().min(1).optional(),
    /** The name the server's certificate is checked against, when it is not the host of TEMPORAL_ADDRESS. */
    TEMPORAL_TLS_SERVER_NAME: z.string().min(1).optional(),
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
    /** S3-compatible evidence storage (docs/evidence.md): on when EVIDENCE_S3_BUCKET is set; then region and both keys are required too. */
    EVIDENCE_S3_BUCKET: z
      .string()
      .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be a bucket name: 3-63 lower-case letters, digits, "." or "-"')
      .optional(),
    /** Unset = AWS S3 itself; e.g. https://oss-cn-hangzhou.aliyuncs.com, http://127.0.0.1:9000 (MinIO). */
    EVIDENCE_S3_ENDPOINT: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL like https://s3.example.com' }).optional(),
    EVIDENCE_S3_REGION: z
      .string()
      .regex(/^[a-z0-9-]{2,40}$/, 'must be a region name like cn-north-1 or us-east-1')
      .optional(),
    EVIDENCE_S3_ACCESS_KEY_ID: z.string().min(1).optional(),
    EVIDENCE_S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
    /** true: http://host/bucket/key (MinIO, most self-hosted servers); false (default): http://bucket.host/key */
    EVIDENCE_S3_FORCE_PATH_STYLE: z
      .enum(['true', 'false'], { error: 'must be true or false' })
      .default('false')
      .transform((v) => v === 'true'),
    /** `npm run cluster`: history shards of its Temporal server (fixed when its database is created) and worker processes. */
    TEMPORAL_HISTORY_SHARDS: z.coerce
      .number({ error: countMessage })
      .int(countMessage)
      .min(1, countMessage)
      .max(16384, 'must be at most 16384')
      .default(16),
    CLUSTER_WORKERS: z.coerce
      .number({ error: countMessage })
      .int(countMessage)
      .min(1, countMessage)
      .max(16, 'must be at most 16')
      .default(2),
    /** Notification workflows and their sends (bursty, waits on providers) poll their own queue; see docs/deploy.md. */
    TEMPORAL_NOTIFICATION_TASK_QUEUE: z.string().min(1).optional(),
    /** Worker tuning (docs/deploy.md); unset = the SDK's defaults. Per queue and per worker process. */
    WORKER_WORKFLOW_TASK_SLOTS: count.optional(),
    WORKER_ACTIVITY_TASK_SLOTS: count.optional(),
    WORKER_LOCAL_ACTIVITY_SLOTS: count.optional(),
    WORKER_WORKFLOW_POLLERS: count.optional(),
    WORKER_ACTIVITY_POLLERS: count.optional(),
    /**
     * Workflows kept in memory between tasks (sticky cache), per queue of a worker process. 400,
     * not the SDK's default (about 2,300 on a 4 GiB heap): duban's workflows sleep for days between
     * tasks, so a bigger cache mostly holds sleepers, and in the 300-community storm on the real
     * server 400 kept each worker at 600-700 MB instead of 1.06-1.09 GB (BENCHMARKS.md).
     */
    WORKER_STICKY_CACHE_SIZE: z.coerce.number({ error: countMessage }).int(countMessage).min(0, countMessage).default(400),
    /** Activity slots on the notification queue (sends wait on providers: more in flight, little CPU). */
    WORKER_NOTIFICATION_ACTIVITY_SLOTS: count.optional(),
    /** Prometheus metrics (docs/deploy.md), each on its own port so the public API port never serves them; unset = off. */
    WORKER_METRICS_PORT: optionalPort,
    API_METRICS_PORT: optionalPort,
    /** Interface the metrics ports listen on (0.0.0.0 in a container). */
    METRICS_HOST: z.string().min(1).default('127.0.0.1'),
    /** true behind a reverse proxy that terminates TLS: X-Forwarded-For/-Proto give the client's address and https (session cookie Secure). */
    TRUST_PROXY: z
      .enum(['true', 'false'], { error: 'must be true or false' })
      .default('false')
      .transform((v) => v === 'true'),
  })
  .superRefine((env, ctx) => {
    // A client certificate without its key (or the reverse) would fail at the first connection: refuse it at start.
    if ((env.TEMPORAL_TLS_CERT_FILE === undefined) !== (env.TEMPORAL_TLS_KEY_FILE === undefined))
      ctx.addIssue({
        code: 'custom',
        path: [env.TEMPORAL_TLS_CERT_FILE === undefined ? 'TEMPORAL_TLS_CERT_FILE' : 'TEMPORAL_TLS_KEY_FILE'],
        message: 'is required too: the client certificate and its key go together (mTLS)',
      });
    // Half a bucket configuration must stop the start, not fall back to the local disk unnoticed.
    const s3 = ['EVIDENCE_S3_ENDPOINT', 'EVIDENCE_S3_REGION', 'EVIDENCE_S3_ACCESS_KEY_ID', 'EVIDENCE_S3_SECRET_ACCESS_KEY'] as const;
    if (!env.EVIDENCE_S3_BUCKET) {
      const stray = s3.find((name) => env[name] !== undefined);
      if (stray)
        ctx.addIssue({
          code: 'custom',
          path: ['EVIDENCE_S3_BUCKET'],
          message: `is required when ${stray} is set (S3 evidence storage is half configured)`,
        });
      return;
    }
    for (const name of ['EVIDENCE_S3_REGION', 'EVIDENCE_S3_ACCESS_KEY_ID', 'EVIDENCE_S3_SECRET_ACCESS_KEY'] as const) {
      if (env[name] === undefined)
        ctx.addIssue({
          code: 'custom',
          path: [name],
          message: 'is required when EVIDENCE_S3_BUCKET is set (S3 evidence storage is half configured)',
        });
    }
    if (env.EVIDENCE_DIR !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['EVIDENCE_DIR'],
        message: 'and EVIDENCE_S3_BUCKET are both set: evidence goes to one place, unset one of them',
      });
    }
  });

export type Config = z.infer<typeof configSchema>;
