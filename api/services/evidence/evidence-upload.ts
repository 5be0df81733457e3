// One upload, start to finish: stream the part to a scratch file while hashing
// it, decide what it is from its bytes, refuse what is not evidence, then
// publish it under a content-addressed key and record the row. Every refusal
// and every failure removes what this request wrote (scratch file, stored
// objects no row refers to) before the error leaves: nothing is left behind.
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Actor } from '../../../db/audit-repository';
import type { EvidenceRecord, EvidenceRepository } from '../../../db/evidence-repository';
import type { EvidenceStorage } from '../../../storage/evidence-storage';
import { BadRequestError, DomainError, UnavailableError } from '../../errors';
import { checkFileName, detectKind } from './evidence-types';
import { imageFacts, type ImageFacts } from './image-facts';
import { checkOfficeZip } from './zip-guard';

export const MAX_FILE_BYTES = 15 * 1024 * 1024;

/**
 * A failure of the storage itself: a full disk (or quota) is 507, which
 * waiting does not fix, so no Retry-After and the message says to tell the
 * administrator; anything else (folder gone, bucket refusing) is unavailable
 * (503), the person keeps the file and tries again later. Other errors pass
 * through unchanged (refusals stay 4xx, database errors meet the app's handler).
 */
export function asStorageFailure(err: unknown): unknown {
  const e = err as { code?: unknown; syscall?: unknown; $metadata?: unknown };
  const fileSystem = typeof e?.code === 'string' && /^E[A-Z]+$/.test(e.code) && typeof e.syscall === 'string';
  if (err instanceof DomainError || !(fileSystem || e?.$metadata)) return err;
  if (fileSystem && (e.code === 'ENOSPC' || e.code === 'EDQUOT')) {
    return new DomainError(
      'insufficient_storage',
      'storage_full',
      '服务器磁盘已满，文件没有保存，已上传的证据不受影响；请联系系统管理员清理空间后再重新上传 (evidence storage is full; nothing was saved)',
      { cause: err },
    );
  }
  return new UnavailableError(
    'storage_unavailable',
    '证据存储暂时不可用，文件没有保存，请稍后重新上传；如反复出现请联系系统管理员 (evidence storage failed; nothing was saved)',
    { cause: err }, // the error handler logs the storage's own error
  );
}

export class FileTooLargeError extends DomainError {
  constructor() {
    super(
      'too_large',
      'file_too_large',
      `文件超过 ${MAX_FILE_BYTES / 1024 / 1024} MB 上限 (file larger than ${MAX_FILE_BYTES / 1024 / 1024} MB)`,
    );
  }
}

/** The multipart file part, as @fastify/multipart hands it over. */
export interface IncomingFile {
  fieldname: string;
  filename: string;
  file: Readable & { truncated?: boolean };
}

export interface UploadInput {
  communityId: string;
  part: IncomingFile;
  actor: Actor;
  /** an incident deduction of the same community the file explains; unset = unattached (a submission attaches it later) */
  deductionId?: string;
  /** runs once the file is received, before anything is stored: no second file may follow (plugins/single-file.ts) */
  beforeStoring?: () => Promise<void>;
}

/** Thumbnails sit next to the original: `<communityId>/<sha256>.thumb.jpg`. */
export function thumbnailKeyOf(storageKey: string): string {
  return storageKey.replace(/\.[^./]+$/, '.thumb.jpg');
}

export function evidenceUploads(deps: { evidence: EvidenceRepository; storage: EvidenceStorage }) {
  const { storage } = deps;

  async function accept({ communityId, part, actor, deductionId, beforeStoring }: UploadInput): Promise<EvidenceRecord> {
    if (part.fieldname !== 'file') {
      part.file.resume();
      throw new BadRequestError('请在 multipart 字段 file 中上传文件 (send the file in the multipart field "file")', 'missing_file');
    }
    let fileName: string;
    try {
      fileName = checkFileName(part.filename);
    } catch (err) {
      // Drain (bounded by the multipart fileSize limit) so the connection stays usable.
      part.file.resume();
      throw err;
    }
    const received = await receive(part.file);
    const written: string[] = [];
    let storageKey = '';
    try {
      await beforeStoring?.();
      const kind = await detectKind(received.path, fileName);
      if (kind.officeZip) await checkOfficeZip(received.path, received.sizeBytes);
      // Checked like any upload first (a lying name is refused even for known bytes), then a retry is answered with its first row.
      const twin = await deps.evidence.findUnattachedTwin({
        communityId,
        uploadedById: actor.userId,
        sha256: received.sha256,
        deductionId: deductionId ?? null,
      });
      if (twin) return twin;
      const facts: ImageFacts = kind.image
        ? await imageFacts(received.path, kind.ext)
        : { takenAt: null, gps: null, thumbnail: null, phash: null };

      storageKey = `${communityId}/${received.sha256}.${kind.ext}`;
      if (facts.thumbnail && (await storage.putBuffer(thumbnailKeyOf(storageKey), facts.thumbnail)).created)
        written.push(thumbnailKeyOf(storageKey));
      if ((await storage.putFile(storageKey, received.path)).created) written.push(storageKey);

      return await deps.evidence.create(
        {
          communityId,
          uploadedById: actor.userId,
          storageKey,
          fileName,
          mimeType: kind.mimeType,
          sizeBytes: received.sizeBytes,
          sha256: received.sha256,
          phash: facts.phash,
          takenAt: facts.takenAt,
          gpsLat: facts.gps?.lat ?? null,
          gpsLon: facts.gps?.lon ?? null,
          deductionId: deductionId ?? null,
        },
        actor,
      );
    } catch (err) {
      await removeOrphans(storageKey, written).catch(() => {});
      throw asStorageFailure(err);
    } finally {
      await rm(received.path, { force: true });
    }
  }

  /** Streams to `<tempDir>/<uuid>.upload`, hashing and counting on the way; never holds the file in memory. */
  async function receive(file: IncomingFile['file']): Promise<{ path: string; sha256: string; sizeBytes: number }> {
    const path = join(storage.tempDir, `${randomUUID()}.upload`);
    const hash = createHash('sha256');
    let sizeBytes = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        sizeBytes += chunk.length;
        // Our own count as well as busboy's: the limit holds whoever feeds the stream.
        if (sizeBytes > MAX_FILE_BYTES) return done(new FileTooLargeError());
        hash.update(chunk);
        done(null, chunk);
      },
    });
    try {
      await mkdir(storage.tempDir, { recursive: true, mode: 0o700 });
      await pipeline(file, meter, createWriteStream(path, { flags: 'wx', mode: 0o600 }));
      // busboy ends a file at the limit quietly and marks it truncated.
      if (file.truncated) throw new FileTooLargeError();
      if (sizeBytes === 0) throw new BadRequestError('文件为空 (the file is empty)', 'empty_file');
      return { path, sha256: hash.digest('hex'), sizeBytes };
    } catch (err) {
      // rm itself fails when the scratch folder is gone or is a file: the original error is the one to answer with.
      await rm(path, { force: true }).catch(() => {});
      // Drain what was not read (the scratch file could not even be opened), so the request ends with our answer.
      file.resume();
      if ((err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw new FileTooLargeError();
      throw asStorageFailure(err);
    }
  }

  /**
   * Objects this request created and no row refers to. An identical upload
   * racing with this one may already point at the same key, hence the count.
   */
  async function removeOrphans(storageKey: string, written: string[]): Promise<void> {
    if (written.length === 0 || (await deps.evidence.countByStorageKey(storageKey)) > 0) return;
    for (const key of written) await storage.delete(key);
  }

  return { accept };
}
