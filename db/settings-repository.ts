// A user's own contact details and notification preferences (User.notifyPrefs).
import type { Database } from './client';
import type { Prisma } from './generated/prisma/client';
import { writeAudit, type Actor } from './audit-repository';
import type { RoleName } from './auth-repository';

export interface StoredSettings {
  role: RoleName;
  mobile: string | null;
  email: string | null;
  /** as stored: may predate validation, so callers parse it */
  notifyPrefs: unknown;
}

export interface SettingsChange {
  mobile: string | null;
  email: string | null;
  preferences: Record<string, unknown>;
  /** the fields the user sent, for the audit (values of contact fields are not logged) */
  changed: string[];
}

export function settingsRepository(db: Database) {
  return {
    async get(userId: string): Promise<StoredSettings> {
      return db.user.findUniqueOrThrow({ where: { id: userId }, select: { role: true, mobile: true, email: true, notifyPrefs: true } });
    },

    async update(userId: string, change: SettingsChange, actor: Actor): Promise<void> {
      await db.$transaction(async (tx) => {
        await tx.user.update({
          where: { id: userId },
          data: { mobile: change.mobile, email: change.email, notifyPrefs: change.preferences as Prisma.InputJsonObject },
        });
        await writeAudit(tx, actor, {
          action: 'settings.update',
          entity: 'User',
          entityId: userId,
          details: { changed: change.changed, preferences: change.preferences },
        });
      });
    },
  };
}

export type SettingsRepository = ReturnType<typeof settingsRepository>;
