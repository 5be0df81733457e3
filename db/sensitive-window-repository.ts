// Sensitive windows the admin adds for a township (SensitiveWindow rows).
// Writes carry their audit row in the same transaction.
import { writeAudit, type Actor } from './audit-repository';
import type { Database } from './client';
import { fromDateColumn, toDateColumn } from './date-column';

export interface AdminWindowRecord {
  id: string;
  name: string;
  /** 'YYYY-MM-DD' */
  startsOn: string;
  /** 'YYYY-MM-DD', inclusive */
  endsOn: string;
  createdAt: Date;
}

const toRecord = (r: { id: string; name: string; startsOn: Date; endsOn: Date; createdAt: Date }): AdminWindowRecord => ({
  id: r.id,
  name: r.name,
  startsOn: fromDateColumn(r.startsOn),
  endsOn: fromDateColumn(r.endsOn),
  createdAt: r.createdAt,
});

export function sensitiveWindowRepository(db: Database) {
  return {
    /** The township's windows that start in the year, by start date. */
    async listYear(townshipId: string, year: number): Promise<AdminWindowRecord[]> {
      const rows = await db.sensitiveWindow.findMany({
        where: { townshipId, startsOn: { gte: toDateColumn(`${year}-01-01`), lte: toDateColumn(`${year}-12-31`) } },
        orderBy: [{ startsOn: 'asc' }, { name: 'asc' }],
      });
      return rows.map(toRecord);
    },

    async findById(townshipId: string, id: string): Promise<AdminWindowRecord | undefined> {
      const row = await db.sensitiveWindow.findFirst({ where: { id, townshipId } });
      return row ? toRecord(row) : undefined;
    },

    /** A window of the township with the same name in the same year (what "duplicate" means to people). */
    async findSameNameInYear(townshipId: string, name: string, year: number): Promise<AdminWindowRecord | undefined> {
      const row = await db.sensitiveWindow.findFirst({
        where: { townshipId, name, startsOn: { gte: toDateColumn(`${year}-01-01`), lte: toDateColumn(`${year}-12-31`) } },
      });
      return row ? toRecord(row) : undefined;
    },

    /** Undefined when the unique key (township, name, start) is taken by a concurrent insert. */
    async create(
      townshipId: string,
      input: { name: string; startsOn: string; endsOn: string },
      actor: Actor,
    ): Promise<AdminWindowRecord | undefined> {
      try {
        return await db.$transaction(async (tx) => {
          const row = await tx.sensitiveWindow.create({
            data: { townshipId, name: input.name, startsOn: toDateColumn(input.startsOn), endsOn: toDateColumn(input.endsOn) },
          });
          await writeAudit(tx, actor, {
            action: 'sensitive_window.create',
            entity: 'SensitiveWindow',
            entityId: row.id,
            details: { ...input },
          });
          return toRecord(row);
        });
      } catch (error) {
        if ((error as { code?: string }).code === 'P2002') return undefined;
        throw error;
      }
    },

    /** Every community of the township: an added window applies to all of them. */
    async communityIdsOf(townshipId: string): Promise<string[]> {
      return (await db.community.findMany({ where: { townshipId }, select: { id: true }, orderBy: { id: 'asc' } })).map((c) => c.id);
    },

    /** How many tasks (obligations) already exist for the window's period key. */
    async obligationCount(periodKey: string, townshipId: string): Promise<number> {
      return db.obligation.count({ where: { periodKey, community: { townshipId } } });
    },

    async remove(window: AdminWindowRecord, actor: Actor): Promise<void> {
      await db.$transaction(async (tx) => {
        await tx.sensitiveWindow.delete({ where: { id: window.id } });
        await writeAudit(tx, actor, {
          action: 'sensitive_window.delete',
          entity: 'SensitiveWindow',
          entityId: window.id,
          details: { name: window.name, startsOn: window.startsOn, endsOn: window.endsOn },
        });
      });
    },
  };
}

export type SensitiveWindowRepository = ReturnType<typeof sensitiveWindowRepository>;
