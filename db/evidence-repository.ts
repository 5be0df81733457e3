// Evidence rows: uploads (with their audit row, in one transaction), scoped
// reads, the "used before" search, and which uploads may still be attached.
import type { Database } from './client';
import { writeAudit, type Actor } from './audit-repository';

export interface EvidenceRecord {
  id: string;
  communityId: string;
  submissionId: string | null;
  deductionId: string | null;
  appealId: string | null;
  uploadedById: string;
  storageKey: string;
  fileName: string;
  mimeType: string;
  sizeBytes: number;
  sha256: string;
  phash: string | null;
  takenAt: Date | null;
  gpsLat: number | null;
  gpsLon: number | null;
  createdAt: Date;
}

/** A new upload: unattached, or attached at once to the incident deduction it explains. */
export type NewEvidence = Omit<EvidenceRecord, 'id' | 'submissionId' | 'deductionId' | 'appealId' | 'createdAt'> & {
  deductionId?: string | null;
};

export interface UsedBefore {
  evidenceId: string;
  communityId: string;
  createdAt: Date;
  match: 'identical' | 'near-duplicate';
  /** Hamming distance of the perceptual hashes; 0 for identical bytes */
  distance: number;
}

/** Hamming distance (of 64) up to which two photos count as the same picture; see docs/evidence.md. */
export const USED_BEFORE_MAX_DISTANCE = 6;
/** A review page needs the closest few, not every reuse since the first year. */
const USED_BEFORE_LIMIT = 50;

export function evidenceRepository(db: Database) {
  return {
    async create(data: NewEvidence, actor: Actor): Promise<EvidenceRecord> {
      return db.$transaction(async (tx) => {
        const row = await tx.evidence.create({ data });
        await writeAudit(tx, actor, {
          action: 'evidence.upload',
          entity: 'Evidence',
          entityId: row.id,
          details: {
            communityId: row.communityId,
            fileName: row.fileName,
            mimeType: row.mimeType,
            sizeBytes: row.sizeBytes,
            sha256: row.sha256,
            ...(row.deductionId ? { deductionId: row.deductionId } : {}),
          },
        });
        return row;
      });
    },

    /**
     * The same bytes this person already uploaded to the same place and has not
     * handed in yet: a retried upload whose answer was lost gets that row back
     * instead of creating a twin.
     */
    async findUnattachedTwin(q: {
      communityId: string;
      uploadedById: string;
      sha256: string;
      deductionId: string | null;
    }): Promise<EvidenceRecord | undefined> {
      return (
        (await db.evidence.findFirst({
          where: {
            communityId: q.communityId,
            uploadedById: q.uploadedById,
            sha256: q.sha256,
            submissionId: null,
            deductionId: q.deductionId,
            appealId: null,
          },
          orderBy: { createdAt: 'asc' },
        })) ?? undefined
      );
    },

    /** The row when its community is in scope; otherwise nothing (the caller answers 404). */
    async findInScope(scope: string[], id: string): Promise<EvidenceRecord | undefined> {
      return (await db.evidence.findFirst({ where: { id, communityId: { in: scope } } })) ?? undefined;
    },

    async recordRead(actor: Actor, evidence: EvidenceRecord, variant: 'file' | 'thumbnail'): Promise<void> {
      await writeAudit(db, actor, {
        action: 'evidence.read',
        entity: 'Evidence',
        entityId: evidence.id,
        details: { communityId: evidence.communityId, variant },
      });
    },

    /** How many rows share a stored object (content-addressed keys are shared by identical uploads). */
    /** Where the same picture was used before (identical or near-duplicate), for the upload answer. */
    usedBefore: (evidenceId: string): Promise<UsedBefore[]> => findUsedBefore(db, evidenceId),
    async countByStorageKey(storageKey: string): Promise<number> {
      return db.evidence.count({ where: { storageKey } });
    },
  };
}

export type EvidenceRepository = ReturnType<typeof evidenceRepository>;

/**
 * Other evidence of the same township with the same bytes (sha256) or a
 * perceptual hash within USED_BEFORE_MAX_DISTANCE bits, closest first. The
 * caller checks that the viewer may see `evidenceId`; the matches are only
 * ids, communities and dates, so a reviewer learns "this photo was used
 * before, there" without being able to open another community's file.
 *
 * Computed in SQL: sha256 matches use the sha256 index; the Hamming distance
 * is `bit_count(a # b)` over the township's hashed photos, a linear scan that
 * costs microseconds per row (tens of milliseconds at 100k photos). Beyond
 * that, split the hash into 7 bands of at most 10 bits: two hashes within 6
 * bits agree exactly on at least one band (pigeonhole), so indexed band
 * columns give the candidates. See docs/evidence.md.
 */
export async function findUsedBefore(db: Database, evidenceId: string): Promise<UsedBefore[]> {
  const rows = await db.$queryRaw<
    Array<{ evidenceId: string; communityId: string; createdAt: Date; identical: boolean; distance: number | null }>
  >`
    WITH me AS (
      SELECT e.id, e.sha256,
             CASE WHEN e.phash ~ '^[0-9a-f]{16}$' THEN ('x' || e.phash)::bit(64) END AS bits,
             c."townshipId"
      FROM "Evidence" e JOIN "Community" c ON c.id = e."communityId"
      WHERE e.id = ${evidenceId}
    ), others AS (
      SELECT o.id, o."communityId", o."createdAt", o.sha256 = me.sha256 AS identical,
             CASE WHEN o.phash ~ '^[0-9a-f]{16}$' AND me.bits IS NOT NULL
                  THEN bit_count(('x' || o.phash)::bit(64) # me.bits)::int END AS distance
      FROM me
      JOIN "Community" c ON c."townshipId" = me."townshipId"
      JOIN "Evidence" o ON o."communityId" = c.id AND o.id <> me.id
      -- "Used" means handed in: an upload never attached to a submission, an
      -- incident or an appeal (a retake, an abandoned try) accuses nobody of reusing a photo.
      WHERE o."submissionId" IS NOT NULL OR o."deductionId" IS NOT NULL OR o."appealId" IS NOT NULL
    )
    SELECT id AS "evidenceId", "communityId", "createdAt", identical, distance
    FROM others
    WHERE identical OR distance <= ${USED_BEFORE_MAX_DISTANCE}
    ORDER BY identical DESC, distance ASC NULLS FIRST, "createdAt" ASC
    LIMIT ${USED_BEFORE_LIMIT}`;
  return rows.map((r) => ({
    evidenceId: r.evidenceId,
    communityId: r.communityId,
    createdAt: r.createdAt,
    match: r.identical ? 'identical' : 'near-duplicate',
    distance: r.identical ? 0 : (r.distance ?? 0),
  }));
}

/** Evidence that explains a deduction, and where it came from. */
export type DeductionEvidence = EvidenceRecord & { source: 'incident' | 'submission' };

/**
 * What the deduction drill-down shows: files an official attached to the
 * incident deduction itself, and files submitted for the obligation whose
 * missed deadline caused it (late or rejected work), oldest first. The caller
 * has checked that the deduction is in scope; its evidence is of the same community.
 */
export async function evidenceOfDeduction(
  db: Database,
  deduction: { id: string; obligationId: string | null },
): Promise<DeductionEvidence[]> {
  const rows = await db.evidence.findMany({
    where: {
      OR: [{ deductionId: deduction.id }, ...(deduction.obligationId ? [{ submission: { obligationId: deduction.obligationId } }] : [])],
    },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
  });
  return rows.map((r) => ({ ...r, source: r.deductionId === deduction.id ? 'incident' : 'submission' }));
}

/**
 * Of `ids`, those that exist in `communityId` and are attached to no
 * submission, deduction or appeal, in the order given. The caller attaches them
 * in its own transaction with `updateMany({ where: { id, submissionId: null,
 * deductionId: null, appealId: null } })` and checks the count, so two
 * submissions racing for the same upload cannot both win.
 */
export async function attachableEvidence(db: Database, communityId: string, ids: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await db.evidence.findMany({
    where: { id: { in: [...new Set(ids)] }, communityId, submissionId: null, deductionId: null, appealId: null },
    select: { id: true },
  });
  const found = new Set(rows.map((r) => r.id));
  return [...new Set(ids)].filter((id) => found.has(id));
}
