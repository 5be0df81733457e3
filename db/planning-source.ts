// What obligation generation needs to know about communities, read from the
// database and shaped as the domain's plain types.
import {
  adminWindowDefinition,
  type Community,
  type DutyRosters,
  type LedgerSubject,
  type RiskLevel,
  type SensitiveWindowDefinition,
} from '../domain';
import type { Database } from './client';
import { fromDateColumn } from './date-column';

export interface CommunityPlanningInput {
  community: Community;
  subjects: LedgerSubject[];
  rosters: DutyRosters;
  /** sensitive windows the admin added for the community's township (SensitiveWindow rows), as pure definitions */
  addedWindows: SensitiveWindowDefinition[];
}

const RISK_LEVELS: readonly string[] = ['low', 'medium', 'high'];

export function planningSource(db: Database) {
  return {
    async listCommunityIds(): Promise<string[]> {
      const rows = await db.community.findMany({ select: { id: true }, orderBy: { id: 'asc' } });
      return rows.map((r) => r.id);
    },

    /** The roster (one per community, by date) is offered under every season id given. */
    async load(communityIds: string[], seasonIds: readonly string[] = []): Promise<CommunityPlanningInput[]> {
      const [communities, subjects, shifts] = await Promise.all([
        db.community.findMany({ where: { id: { in: communityIds } }, select: { id: true, name: true, townshipId: true, tags: true } }),
        db.ledgerSubject.findMany({ where: { communityId: { in: communityIds } } }),
        db.dutyShift.findMany({
          where: { communityId: { in: communityIds } },
          select: { communityId: true, dutyDate: true, userId: true },
        }),
      ]);
      const windows = await db.sensitiveWindow.findMany({
        where: { townshipId: { in: [...new Set(communities.map((c) => c.townshipId))] } },
        select: { id: true, townshipId: true, name: true, startsOn: true, endsOn: true },
        orderBy: { startsOn: 'asc' },
      });
      return communities.map((community) => ({
        community: { id: community.id, name: community.name, tags: community.tags },
        subjects: subjects.filter((s) => s.communityId === community.id).map(toDomainSubject),
        rosters: Object.fromEntries(seasonIds.map((id) => [id, rosterOf(shifts.filter((s) => s.communityId === community.id))])),
        addedWindows: windows
          .filter((w) => w.townshipId === community.townshipId)
          .map((w) =>
            adminWindowDefinition({
              id: w.id,
              name: w.name,
              startsOn: fromDateColumn(w.startsOn),
              endsOn: fromDateColumn(w.endsOn),
            }),
          ),
      }));
    },

    /** Whether the community declared for the year that it has no one in this ledger category (本社区无此类人员). */
    async declaredEmpty(communityId: string, category: string, year: number): Promise<boolean> {
      return (await db.ledgerDeclaration.count({ where: { communityId, category, year } })) > 0;
    },

    async loadSubject(subjectId: string): Promise<{ communityId: string; subject: LedgerSubject } | undefined> {
      const row = await db.ledgerSubject.findUnique({ where: { id: subjectId } });
      return row ? { communityId: row.communityId, subject: toDomainSubject(row) } : undefined;
    },
  };
}

function rosterOf(shifts: Array<{ dutyDate: Date; userId: string }>): Record<string, string> {
  return Object.fromEntries(shifts.map((s) => [fromDateColumn(s.dutyDate), s.userId]));
}

function toDomainSubject(row: {
  id: string;
  category: string;
  displayName: string;
  riskLevel: string | null;
  startDate: Date;
  endDate: Date | null;
  responsibleUserId: string | null;
  guardianLetter: boolean;
  responsibilityLetter: boolean;
  fields: unknown;
  flags: string[];
  idNumberEnc: Uint8Array | null;
}): LedgerSubject {
  const documents = [...(row.guardianLetter ? ['guardian-letter'] : []), ...(row.responsibilityLetter ? ['drug-control-letter'] : [])];
  const fields: Record<string, unknown> = { name: row.displayName, ...(isRecord(row.fields) ? row.fields : {}) };
  // The ID number is encrypted; for completeness only its presence matters.
  if (row.idNumberEnc) fields.idNumber = true;
  // 轻重程度 of a drug user is the entry's risk level (轻度/中度/重度).
  if (row.riskLevel) fields.severity = row.riskLevel;
  return {
    id: row.id,
    category: row.category,
    name: row.displayName,
    ...(row.riskLevel && RISK_LEVELS.includes(row.riskLevel) ? { riskLevel: row.riskLevel as RiskLevel } : {}),
    // @db.Date columns come back as UTC midnight of the civil date.
    startDate: fromDateColumn(row.startDate),
    ...(row.endDate ? { endDate: fromDateColumn(row.endDate) } : {}),
    ...(row.responsibleUserId ? { responsibleUserId: row.responsibleUserId } : {}),
    fields,
    documents,
    flags: row.flags,
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
