// Township data requests (资料报送, DataRequest rows) and what their
// communities did about them: the obligation each community owes (its task)
// and the deduction its workflow recorded when the deadline passed.
// Writes carry their audit row in the same transaction.
import { writeAudit, type Actor } from './audit-repository';
import type { Database } from './client';
import type { ObligationStatus } from './generated/prisma/client';

export interface DataRequestRecord {
  id: string;
  townshipId: string;
  title: string;
  ruleId: string;
  communityIds: string[];
  note: string | null;
  opensAt: Date;
  dueAt: Date;
  createdById: string;
  createdAt: Date;
}

export interface NewDataRequest {
  title: string;
  ruleId: string;
  communityIds: string[];
  note?: string;
  opensAt: Date;
  dueAt: Date;
}

/** One community's part of a request: its task and the deduction for a miss, when they exist. */
export interface RequestPartRow {
  businessKey: string;
  taskId: string;
  status: ObligationStatus;
  closedAt: Date | null;
}

export interface RequestDeductionRow {
  businessKey: string;
  id: string;
  points: number;
  reversed: boolean;
}

export function dataRequestRepository(db: Database) {
  return {
    async create(townshipId: string, createdById: string, input: NewDataRequest, actor: Actor): Promise<DataRequestRecord> {
      return db.$transaction(async (tx) => {
        const row = await tx.dataRequest.create({ data: { townshipId, createdById, ...input, note: input.note ?? null } });
        await writeAudit(tx, actor, {
          action: 'data_request.create',
          entity: 'DataRequest',
          entityId: row.id,
          details: { title: input.title, ruleId: input.ruleId, communityIds: input.communityIds, dueAt: input.dueAt.toISOString() },
        });
        return row;
      });
    },

    async findById(townshipId: string, id: string): Promise<DataRequestRecord | undefined> {
      return (await db.dataRequest.findFirst({ where: { id, townshipId } })) ?? undefined;
    },

    /** The township's requests that ask at least one of the communities in scope, newest first. */
    async list(townshipId: string, scope: string[], limit: number): Promise<DataRequestRecord[]> {
      return db.dataRequest.findMany({
        where: { townshipId, communityIds: { hasSome: scope } },
        orderBy: { createdAt: 'desc' },
        take: limit,
      });
    },

    async parts(keys: string[]): Promise<RequestPartRow[]> {
      const rows = await db.obligation.findMany({
        where: { businessKey: { in: keys } },
        select: { businessKey: true, id: true, status: true, closedAt: true },
      });
      return rows.map(({ id, ...r }) => ({ ...r, taskId: id }));
    },

    async deductions(keys: string[]): Promise<RequestDeductionRow[]> {
      const rows = await db.deduction.findMany({
        where: { businessKey: { in: keys }, kind: 'DEDUCTION' },
        select: { businessKey: true, id: true, points: true, reversedBy: { select: { id: true } } },
      });
      return rows.map((r) => ({
        businessKey: r.businessKey,
        id: r.id,
        points: Number(r.points.toString()),
        reversed: r.reversedBy !== null,
      }));
    },

    async communityNames(ids: string[]): Promise<Map<string, string>> {
      const rows = await db.community.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } });
      return new Map(rows.map((r) => [r.id, r.name]));
    },
  };
}

export type DataRequestRepository = ReturnType<typeof dataRequestRepository>;
