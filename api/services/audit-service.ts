// The township's audit log (who did what, when, from where), system actors included.
import type { AuditRepository } from '../../db/audit-repository';
import type { SessionUser } from '../../db/auth-repository';

export interface AuditQuery {
  actorId?: string;
  communityId?: string;
  action?: string;
  entity?: string;
  entityId?: string;
  /** ISO-8601 instants with offset */
  from?: string;
  to?: string;
  /** the last id of the previous page */
  before?: string;
  limit: number;
}

export function auditService(audit: AuditRepository) {
  return {
    /** Newest first, of the caller's township only. */
    list(user: SessionUser, { from, to, ...q }: AuditQuery) {
      return audit.list({
        ...q,
        townshipId: user.townshipId,
        from: from ? new Date(from) : undefined,
        to: to ? new Date(to) : undefined,
      });
    },
  };
}

export type AuditService = ReturnType<typeof auditService>;
