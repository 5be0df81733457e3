import { describe, expect, it, inject } from 'vitest';
import { mkdtempSync, writeFileSync, utimesSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { removeStaleUploads } from '../api/housekeeping';
import { createDatabase } from '../db/client';
import { deleteExpiredSessions } from '../db/housekeeping';
import { createTestTownship } from './support/fixtures';

describe('hourly housekeeping', () => {
  it('removes upload temp files older than an hour and keeps fresh ones', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'duban-incoming-'));
    writeFileSync(path.join(dir, 'old'), 'x');
    writeFileSync(path.join(dir, 'new'), 'x');
    const twoHoursAgo = (Date.now() - 2 * 3_600_000) / 1000;
    utimesSync(path.join(dir, 'old'), twoHoursAgo, twoHoursAgo);
    expect(await removeStaleUploads(dir, new Date())).toBe(1);
    expect([existsSync(path.join(dir, 'old')), existsSync(path.join(dir, 'new'))]).toEqual([false, true]);
  });

  it('deletes expired sessions only', async () => {
    const db = createDatabase(inject('databaseUrl'));
    const t = await createTestTownship(db, 'housekeeping');
    const session = (tokenHash: string, expiresAt: Date) =>
      db.session.create({ data: { tokenHash, userId: t.users.staff, csrfToken: 'c', expiresAt } });
    await session(`expired-${t.townshipId}`, new Date(Date.now() - 1000));
    await session(`live-${t.townshipId}`, new Date(Date.now() + 3_600_000));
    await deleteExpiredSessions(db, new Date());
    expect((await db.session.findMany({ where: { userId: t.users.staff } })).map((s) => s.tokenHash)).toEqual([`live-${t.townshipId}`]);
    await db.$disconnect();
  });
});
