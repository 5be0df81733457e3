// The audit log: every write and every sensitive read, with who, what, when
// and from where. Write repositories call writeAudit inside their own
// transaction so a change and its audit row commit together or not at all.
import type { ClientOrTransaction, Database } from './client';
import type { Prisma } from './generated/prisma/client';
import { SYSTEM_ACTORS, type AuditAction } from '../domain/audit-actions';

/** Who is acting and from where; passed by the API into every write. */
export interface Actor {
  userId: string;
  ip?: string;
}

export interface AuditEntry {
  action: AuditAction;
  entity: string;
  entityId?: string;
  details?: Record<string, unknown>;
  /** when it happened, if not now (workflow activities pass the workflow's time) */
  at?: Date;
  /**
   * Idempotency key (unique): an activity retried after its transaction
   * committed writes no second row. Built from the workflow's own inputs.
   */
  key?: string;
}

const systemActorName = (actorId: string) => SYSTEM_ACTORS[actorId] ?? '系统';

export interface AuditRecord {
  id: string;
  at: Date;
  actorId: string | null;
  actorName: string | null;
  action: string;
  entity: string;
  entityId: string | null;
  ip: string | null;
  details: unknown;
}

export interface AuditFilter {
  townshipId: string;
  actorId?: string;
  action?: string;
  entity?: string;
  entityId?: string;
  from?: Date;
  to?: Date;
  /** rows about this community: its id in the entity id (task keys) or in the details */
  communityId?: string;
  /** return rows with id below this (paging backwards in time) */
  before?: string;
  limit: number;
}

export async function writeAudit(tx: ClientOrTransaction, actor: Actor | null, entry: AuditEntry): Promise<void> {
  const data = {
    actorId: actor?.userId ?? null,
    ip: actor?.ip ?? null,
    action: entry.action,
    entity: entry.entity,
    entityId: entry.entityId ?? null,
    details: (entry.details ?? undefined) as Prisma.InputJsonValue | undefined,
    ...(entry.at ? { at: entry.at } : {}),
    ...(entry.key ? { key: entry.key } : {}),
  };
  // A keyed row already written (the retry of a committed activity) is left as it is.
  if (entry.key) await tx.auditLog.createMany({ data: [data], skipDuplicates: true });
  else await tx.auditLog.create({ data });
}

export function auditRepository(db: Database) {
  return {
    record(actor: Actor | null, entry: AuditEntry): Promise<void> {
      return writeAudit(db, actor, entry);
    },
    /**
     * Rows whose actor belongs to the township (the AuditLog row has no
     * township column; see docs/security.md), newest first.
     */
    async list(filter: AuditFilter): Promise<AuditRecord[]> {
      const [users, communities] = await Promise.all([
        db.user.findMany({ where: { townshipId: filter.townshipId }, select: { id: true, displayName: true } }),
        db.community.findMany({ where: { townshipId: filter.townshipId }, select: { id: true } }),
      ]);
      const names = new Map(users.map((u) => [u.id, u.displayName]));
      const inTownship = [...names.keys()];
      const actorIds = filter.actorId ? inTownship.filter((id) => id === filter.actorId) : inTownship;
      // System actors ("system:ledger") have no township: their rows count when they name one of its communities.
      const about = (ids: string[]) =>
        ids.flatMap((id) => [{ entityId: { contains: id } }, { details: { path: ['communityId'], equals: id } }]);
      const townshipCommunities = communities.map((c) => c.id);
      const systemActor =
        filter.actorId === undefined || filter.actorId.startsWith('system:')
          ? [{ actorId: filter.actorId ?? { startsWith: 'system:' }, OR: about(townshipCommunities) }]
          : [];
      const community =
        filter.communityId === undefined ? [] : [{ OR: about(townshipCommunities.filter((id) => id === filter.communityId)) }];
      const rows = await db.auditLog.findMany({
        where: {
          AND: [{ OR: [{ actorId: { in: actorIds } }, ...systemActor] }, ...community],
          ...(filter.action ? { action: filter.action } : {}),
          ...(filter.entity ? { entity: filter.entity } : {}),
          ...(filter.entityId ? { entityId: filter.entityId } : {}),
          ...(filter.from || filter.to
            ? { at: { ...(filter.from ? { gte: filter.from } : {}), ...(filter.to ? { lt: filter.to } : {}) } }
            : {}),
          ...(filter.before ? { id: { lt: BigInt(filter.before) } } : {}),
        },
        orderBy: { id: 'desc' },
        take: filter.limit,
      });
      return rows.map((r) => ({
        id: r.id.toString(),
        at: r.at,
        actorId: r.actorId,
        actorName: r.actorId?.startsWith('system:') ? systemActorName(r.actorId) : r.actorId ? (names.get(r.actorId) ?? null) : null,
        action: r.action,
        entity: r.entity,
        entityId: r.entityId,
        ip: r.ip,
        details: r.details,
      }));
    },
  };
}

export type AuditRepository = ReturnType<typeof auditRepository>;
