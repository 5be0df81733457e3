import type { Database } from './client';
import type { Prisma } from './generated/prisma/client';

export interface AuditEntry {
  actorId?: string | null;
  action: string;
  entity: string;
  entityId?: string;
  ip?: string;
  details?: Record<string, unknown>;
  at?: Date;
}

/** Appends to the audit log: who did what to which record, from where. */
export async function writeAudit(db: Database, entry: AuditEntry): Promise<void> {
  await db.auditLog.create({
    data: {
      actorId: entry.actorId ?? null,
      action: entry.action,
      entity: entry.entity,
      entityId: entry.entityId ?? null,
      ip: entry.ip ?? null,
      details: (entry.details ?? undefined) as Prisma.InputJsonValue | undefined,
      ...(entry.at ? { at: entry.at } : {}),
    },
  });
}
