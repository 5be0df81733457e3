// Synthetic but realistic communities: 20 ledger subjects spread over the
// rulebook's categories and risk levels, and a full flood-season duty roster.
import type { Community, DutyRosters, LedgerSubject, RiskLevel } from '../domain';
import type { Database } from '../db/client';

const CATEGORIES: ReadonlyArray<{ category: string; kind: 'PERSON' | 'SITE' }> = [
  { category: 'drug-user', kind: 'PERSON' },
  { category: 'mental-illness', kind: 'PERSON' },
  { category: 'cult-member', kind: 'PERSON' },
  { category: 'community-corrections', kind: 'PERSON' },
  { category: 'released-prisoner', kind: 'PERSON' },
  { category: 'at-risk-youth', kind: 'PERSON' },
  { category: 'hiv-patient', kind: 'PERSON' },
  { category: 'dispute', kind: 'PERSON' },
  { category: 'petitioner', kind: 'PERSON' },
  { category: 'key-venue', kind: 'SITE' },
  { category: 'work-safety-hazard', kind: 'SITE' },
  { category: 'food-workshop', kind: 'SITE' },
  { category: 'fire-hazard', kind: 'SITE' },
];
const RISKS: readonly RiskLevel[] = ['low', 'medium', 'high'];
export const SUBJECTS_PER_COMMUNITY = 20;
const SUBJECT_START = '2025-01-01';
const FLOOD_SEASON = { id: 'flood', from: '2026-05-01', to: '2026-09-30' };

export interface SubjectShape {
  index: number;
  category: string;
  kind: 'PERSON' | 'SITE';
  riskLevel: RiskLevel;
  flags: string[];
  guardianLetter: boolean;
  responsibilityLetter: boolean;
}

/** The same 20 subjects for every community: categories round-robin, risk levels rotating. */
export function subjectShapes(): SubjectShape[] {
  return Array.from({ length: SUBJECTS_PER_COMMUNITY }, (_, index) => {
    const { category, kind } = CATEGORIES[index % CATEGORIES.length]!;
    return {
      index,
      category,
      kind,
      riskLevel: RISKS[index % RISKS.length]!,
      flags: index % 7 === 0 ? ['incident-prone'] : [],
      guardianLetter: index % 2 === 0,
      responsibilityLetter: index % 3 === 0,
    };
  });
}

const FIELDS = { address: '某街道1号', severity: 'medium', situation: '稳定', guardian: '家属' };

function floodDates(): string[] {
  const dates: string[] = [];
  for (let t = Date.parse(`${FLOOD_SEASON.from}T00:00:00Z`); t <= Date.parse(`${FLOOD_SEASON.to}T00:00:00Z`); t += 86_400_000) {
    dates.push(new Date(t).toISOString().slice(0, 10));
  }
  return dates;
}

export interface CommunityInput {
  community: Community;
  subjects: LedgerSubject[];
  rosters: DutyRosters;
}

/** In-memory communities for pure generation (the shapes db/planning-source produces). */
export function syntheticCommunities(count: number): CommunityInput[] {
  const shapes = subjectShapes();
  const dates = floodDates();
  return Array.from({ length: count }, (_, c) => {
    const id = `bench-c${String(c).padStart(5, '0')}`;
    const roster = Object.fromEntries(dates.map((d, i) => [d, `${id}-duty${i % 5}`]));
    return {
      community: { id, name: `基准社区${c}` },
      subjects: shapes.map((s) => ({
        id: `${id}-s${s.index}`,
        category: s.category,
        name: `对象${s.index}`,
        riskLevel: s.riskLevel,
        startDate: SUBJECT_START,
        responsibleUserId: `${id}-grid`,
        fields: { name: `对象${s.index}`, idNumber: true, ...FIELDS },
        documents: [...(s.guardianLetter ? ['guardian-letter'] : []), ...(s.responsibilityLetter ? ['drug-control-letter'] : [])],
        flags: s.flags,
      })),
      rosters: { [FLOOD_SEASON.id]: roster },
    };
  });
}

/** Writes `count` such communities (one township) and returns their ids. */
export async function seedCommunities(db: Database, count: number): Promise<string[]> {
  const shapes = subjectShapes();
  const dates = floodDates();
  const township = await db.township.create({ data: { code: `bench-${Date.now()}`, name: '基准镇' } });
  const ids: string[] = [];
  for (let c = 0; c < count; c++) {
    const community = await db.community.create({
      data: { townshipId: township.id, code: `bench-${township.id.slice(0, 8)}-${c}`, name: `基准社区${c}` },
    });
    ids.push(community.id);
  }
  await db.ledgerSubject.createMany({
    data: ids.flatMap((communityId) =>
      shapes.map((s) => ({
        communityId,
        category: s.category,
        kind: s.kind,
        displayName: `对象${s.index}`,
        riskLevel: s.riskLevel,
        responsibleUserId: null,
        guardianLetter: s.guardianLetter,
        responsibilityLetter: s.responsibilityLetter,
        fields: FIELDS,
        flags: s.flags,
        startDate: new Date(`${SUBJECT_START}T00:00:00Z`),
        idNumberEnc: new Uint8Array([1]),
      })),
    ),
  });
  await db.dutyShift.createMany({
    data: ids.flatMap((communityId, c) =>
      dates.map((d, i) => ({ communityId, dutyDate: new Date(`${d}T00:00:00Z`), userId: `bench-duty-${c}-${i % 5}` })),
    ),
  });
  return ids;
}
