// Evidence as the routes serve it: an upload into a community in scope (or
// onto an incident: incident-service.ts), its view with links, and a stored
// file or thumbnail to stream back. Evidence of a community out of scope is
// "not found"; every read of a file is audited before a byte is sent.
import type { Readable } from 'node:stream';
import type { Actor } from '../../../db/audit-repository';
import type { SessionUser } from '../../../db/auth-repository';
import type { EvidenceRecord, EvidenceRepository } from '../../../db/evidence-repository';
import type { EvidenceStorage } from '../../../storage/evidence-storage';
import { NotFoundError } from '../../errors';
import type { ServiceLog } from '../log';
import { evidenceUploads, thumbnailKeyOf, type IncomingFile } from './evidence-upload';
import { contentDisposition, evidenceView, hasThumbnail, type EvidenceView } from './evidence-view';

const NOT_FOUND = '证据文件';

/**
 * The one file of the request, read only when called: scope is checked first,
 * before a byte of the body is read. `assertLast` runs once the file is
 * received, before anything is stored (a second file is refused).
 */
export type FileOfRequest = () => Promise<IncomingFile & { assertLast(): Promise<void> }>;

/** A stored object ready to stream, with the headers it goes out with. */
export interface StoredFile {
  stream: Readable;
  sizeBytes: number;
  mimeType: string;
  /** Content-Disposition: the real (Chinese) name, inline for images */
  disposition: string;
}

export function evidenceService(deps: { evidence: EvidenceRepository; storage: EvidenceStorage; log: Pick<ServiceLog, 'error'> }) {
  const repo = deps.evidence;
  const uploads = evidenceUploads({ evidence: repo, storage: deps.storage });

  async function inScope(user: SessionUser, evidenceId: string): Promise<EvidenceRecord> {
    const row = await repo.findInScope(user.scope, evidenceId);
    if (!row) throw new NotFoundError(NOT_FOUND);
    return row;
  }

  const view = async (row: EvidenceRecord) => evidenceView(row, await repo.usedBefore(row.id));

  /** Stores the file under `communityId` (the caller checked it is theirs), optionally attached to an incident deduction. */
  async function accept(input: { communityId: string; deductionId?: string; file: FileOfRequest; actor: Actor }): Promise<EvidenceView> {
    const part = await input.file();
    const row = await uploads.accept({
      communityId: input.communityId,
      ...(input.deductionId ? { deductionId: input.deductionId } : {}),
      part,
      actor: input.actor,
      beforeStoring: part.assertLast,
    });
    return view(row);
  }

  /** Audit first: a read that cannot be recorded does not happen. */
  async function open(row: EvidenceRecord, variant: 'file' | 'thumbnail', actor: Actor): Promise<StoredFile> {
    const key = variant === 'file' ? row.storageKey : thumbnailKeyOf(row.storageKey);
    const mimeType = variant === 'file' ? row.mimeType : 'image/jpeg';
    const name = variant === 'file' ? row.fileName : `${row.fileName.replace(/\.[^.]*$/, '')}-thumbnail.jpg`;
    const head = await deps.storage.head(key);
    if (!head) {
      deps.log.error({ key }, 'evidence object missing from storage');
      throw new NotFoundError(NOT_FOUND);
    }
    await repo.recordRead(actor, row, variant);
    return {
      stream: await deps.storage.openRead(key),
      sizeBytes: head.sizeBytes,
      mimeType,
      disposition: contentDisposition(name, mimeType),
    };
  }

  return {
    accept,

    /** Unattached evidence of a community in scope (a submission, an appeal or a declaration attaches it later). */
    async upload(user: SessionUser, communityId: string, file: FileOfRequest, actor: Actor) {
      // Before reading a byte of the body: someone else's community does not exist for this user.
      if (!user.scope.includes(communityId)) throw new NotFoundError('社区（村）');
      return accept({ communityId, file, actor });
    },

    view: async (user: SessionUser, evidenceId: string) => view(await inScope(user, evidenceId)),

    openFile: async (user: SessionUser, evidenceId: string, actor: Actor) => open(await inScope(user, evidenceId), 'file', actor),

    async openThumbnail(user: SessionUser, evidenceId: string, actor: Actor) {
      const row = await inScope(user, evidenceId);
      if (!hasThumbnail(row)) throw new NotFoundError('缩略图');
      return open(row, 'thumbnail', actor);
    },
  };
}

export type EvidenceService = ReturnType<typeof evidenceService>;
