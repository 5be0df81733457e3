// The HTTP limits every upload route shares (evidence and incident files):
// the multipart parser's limits and the per-user rate limit. The upload itself
// is services/evidence/evidence-upload.ts.
import type { FastifyRequest } from 'fastify';
import { DomainError } from '../errors';
import { MAX_FILE_BYTES } from '../services/evidence/evidence-upload';

/** @fastify/multipart options of every upload route: one file, 15 MiB, tiny fields. */
export const MULTIPART_OPTIONS = {
  // preservePath: busboy would otherwise strip "../../x.jpg" to "x.jpg" and we could not refuse it.
  preservePath: true,
  limits: { files: 1, fileSize: MAX_FILE_BYTES, fields: 5, fieldSize: 1024, parts: 6, headerPairs: 50 },
};

/** Uploads per user (default 30 a minute: a patrol's photos one by one, not a script's thousands). */
export interface UploadRateLimit {
  max: number;
  timeWindow: number;
}
export const UPLOAD_RATE_LIMIT: UploadRateLimit = { max: 30, timeWindow: 60_000 };

/**
 * @fastify/rate-limit options of every upload route: counted per logged-in
 * user, not per address. Build them once per app and register the same object
 * on each upload plugin: the counters live in one store, so the evidence and
 * the incident upload routes draw on the same allowance.
 */
export function uploadRateLimitOptions(limit: UploadRateLimit = UPLOAD_RATE_LIMIT) {
  const windows = new Map<string, { count: number; startMs: number }>();
  class SharedStore {
    incr(key: string, cb: (err: Error | null, res: { current: number; ttl: number }) => void, timeWindow: number): void {
      const now = Date.now();
      // Expired windows are dropped now and then, so a stream of users cannot grow the map without bound.
      if (windows.size > 10_000) for (const [k, w] of windows) if (w.startMs + timeWindow <= now) windows.delete(k);
      let w = windows.get(key);
      if (!w || w.startMs + timeWindow <= now) windows.set(key, (w = { count: 0, startMs: now }));
      w.count++;
      cb(null, { current: w.count, ttl: w.startMs + timeWindow - now });
    }
    /** Route-level configs get the same store (the plugin would otherwise give each route its own counters). */
    child(): SharedStore {
      return this;
    }
  }
  return {
    global: false,
    max: limit.max,
    timeWindow: limit.timeWindow,
    store: SharedStore,
    keyGenerator: (request: FastifyRequest) => request.auth?.user.id ?? request.ip,
    errorResponseBuilder: (_request: FastifyRequest, ctx: { ttl: number }) =>
      new DomainError(
        'rate_limited',
        'rate_limited',
        `上传过于频繁：每分钟最多 ${limit.max} 个文件，请 ${Math.ceil(ctx.ttl / 1000)} 秒后再试 (too many uploads; retry in ${Math.ceil(ctx.ttl / 1000)} s)`,
      ),
  };
}
export type UploadRateLimitOptions = ReturnType<typeof uploadRateLimitOptions>;
