// How evidence is shown to clients: the JSON view with links, and the
// Content-Disposition header that carries a Chinese file name to browsers.
import type { EvidenceRecord, UsedBefore } from '../../../db/evidence-repository';

export interface EvidenceView {
  id: string;
  communityId: string;
  fileName: string;
  mimeType: string;
  sizeBytes: number;
  sha256: string;
  takenAt: Date | null;
  gps: { lat: number; lon: number } | null;
  thumbnailUrl: string | null;
  url: string;
  createdAt: Date;
  usedBefore: UsedBefore[];
}

/** Routes are mounted at /api/evidence (api/app.ts). */
const BASE = '/api/evidence';

export function evidenceView(row: EvidenceRecord, usedBefore: UsedBefore[]): EvidenceView {
  return {
    id: row.id,
    communityId: row.communityId,
    fileName: row.fileName,
    mimeType: row.mimeType,
    sizeBytes: row.sizeBytes,
    sha256: row.sha256,
    takenAt: row.takenAt,
    gps: row.gpsLat !== null && row.gpsLon !== null ? { lat: row.gpsLat, lon: row.gpsLon } : null,
    thumbnailUrl: hasThumbnail(row) ? `${BASE}/${row.id}/thumbnail` : null,
    url: `${BASE}/${row.id}/file`,
    createdAt: row.createdAt,
    usedBefore,
  };
}

/**
 * A thumbnail is written exactly when the image could be decoded, which is
 * also exactly when it got a perceptual hash (HEIC cannot be decoded here).
 */
export function hasThumbnail(row: Pick<EvidenceRecord, 'phash'>): boolean {
  return row.phash !== null;
}

/**
 * RFC 6266 with the RFC 5987 `filename*` for the real (UTF-8) name, and an
 * ASCII `filename` for clients that ignore it. Images open in the browser;
 * anything else downloads.
 */
export function contentDisposition(fileName: string, mimeType: string): string {
  const type = mimeType.startsWith('image/') ? 'inline' : 'attachment';
  const ascii = fileName.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  const encoded = encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${type}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
