// Hourly tidying with node-cron. Only work that may be lost on a restart
// belongs here (anything a deadline depends on is a Temporal timer).
import { readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import cron from 'node-cron';
import type { Database } from '../db/client';
import { deleteExpiredSessions } from '../db/housekeeping';

const STALE_UPLOAD_MS = 60 * 60_000;

/** Temp files of uploads interrupted by a crash (finished uploads are moved out at once). */
export async function removeStaleUploads(tempDir: string, now: Date): Promise<number> {
  let removed = 0;
  for (const name of await readdir(tempDir).catch(() => [] as string[])) {
    const file = path.join(tempDir, name);
    const info = await stat(file).catch(() => undefined);
    if (info && now.getTime() - info.mtimeMs > STALE_UPLOAD_MS) {
      await rm(file, { recursive: true, force: true });
      removed++;
    }
  }
  return removed;
}

export function startHousekeeping(deps: { db: Database; uploadTempDir: string; log: (message: string) => void }) {
  return cron.schedule(
    '17 * * * *',
    async () => {
      const now = new Date();
      const sessions = await deleteExpiredSessions(deps.db, now);
      const uploads = await removeStaleUploads(deps.uploadTempDir, now);
      if (sessions || uploads) deps.log(`housekeeping: ${sessions} expired session(s), ${uploads} stale upload file(s) removed`);
    },
    { timezone: 'Asia/Shanghai' },
  );
}
