// Evidence uploads and downloads. Registered by api/app.ts at /api/evidence
// with its own multipart parser (one file, 15 MiB) so the rest of the API
// keeps its 1 MiB JSON body limit. Every route needs a session; uploads need
// the CSRF token; evidence of a community out of scope is "not found".
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import multipart from '@fastify/multipart';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Database } from '../../db/client';
import { evidenceRepository, findUsedBefore, type EvidenceRecord } from '../../db/evidence-repository';
import type { EvidenceStorage } from '../../storage/evidence-storage';
import { BadRequestError, HttpError, NotFoundError } from '../errors';
import { actorOf, currentUser, requireAuth } from '../plugins/auth';
import { evidenceUploads, MULTIPART_OPTIONS, thumbnailKeyOf, uploadRateLimitOptions, type IncomingFile, type UploadRateLimitOptions } from '../services/evidence/evidence-upload';
import rateLimit from '@fastify/rate-limit';
import { contentDisposition, evidenceView, hasThumbnail } from '../services/evidence/evidence-view';
import { authErrors, errorBody, id, idParams } from './schemas';

export { createLocalStorage } from '../../storage/local-storage';
export type { EvidenceStorage } from '../../storage/evidence-storage';
export { attachableEvidence, findUsedBefore } from '../../db/evidence-repository';

const usedBefore = z.object({
  evidenceId: z.string(), communityId: z.string(), createdAt: z.date(), match: z.enum(['identical', 'near-duplicate']), distance: z.number().int(),
});
export const evidenceSchema = z.object({
  id: z.string(), communityId: z.string(), fileName: z.string(), mimeType: z.string(), sizeBytes: z.number().int(), sha256: z.string(),
  takenAt: z.date().nullable(), gps: z.object({ lat: z.number(), lon: z.number() }).nullable(),
  thumbnailUrl: z.string().nullable(), url: z.string(), createdAt: z.date(), usedBefore: z.array(usedBefore),
});
const evidence = evidenceSchema;

class TooManyFilesError extends HttpError {
  constructor() { super(413, 'too_many_files', '一次只能上传一个文件，请逐个上传 (one file per upload)'); }
}
const NOT_FOUND = '证据文件';

/**
 * The one file part of a multipart upload, and a check that nothing else
 * follows it. request.file() alone would store the first of two files and
 * drop the second without a word: the sender would believe both arrived.
 */
export async function singleFilePart(request: FastifyRequest): Promise<IncomingFile & { assertLast(): Promise<void> }> {
  if (!request.isMultipart()) throw new BadRequestError('请以 multipart/form-data 上传 (send the file as multipart/form-data)', 'not_multipart');
  const parts = request.parts();
  let first = await parts.next();
  // Plain fields before the file (a form that sends a note first) are skipped, as request.file() did; the limits bound them.
  while (!first.done && first.value.type !== 'file') first = await parts.next();
  if (first.done || first.value.type !== 'file') {
    throw new BadRequestError('没有收到文件：请在 multipart 字段 file 中上传 (no file in the multipart field "file")', 'missing_file');
  }
  return Object.assign(first.value as IncomingFile, {
    // Runs once the first file is on disk: a second file makes busboy's files limit reject here (413, too_many_files).
    async assertLast() {
      for (let next = await parts.next(); !next.done; next = await parts.next()) {
        if (next.value.type === 'file') throw new TooManyFilesError();
      }
    },
  });
}

export const evidenceRoutes = (deps: { db: Database; storage: EvidenceStorage; uploadRateLimit?: UploadRateLimitOptions }): FastifyPluginAsync => async (app) => {
  const repo = evidenceRepository(deps.db);
  const uploads = evidenceUploads({ evidence: repo, storage: deps.storage });
  const typed = app.withTypeProvider<ZodTypeProvider>();
  app.addHook('onRequest', requireAuth);
  await app.register(multipart, MULTIPART_OPTIONS);
  await app.register(rateLimit, deps.uploadRateLimit ?? uploadRateLimitOptions());

  const inScope = async (scope: string[], evidenceId: string): Promise<EvidenceRecord> => {
    const row = await repo.findInScope(scope, evidenceId);
    if (!row) throw new NotFoundError(NOT_FOUND);
    return row;
  };

  typed.post('/', {
    config: { rateLimit: {} },
    schema: {
      summary: 'Upload one evidence file (multipart field "file", at most 15 MB): photo, PDF or office document', tags: ['evidence'],
      consumes: ['multipart/form-data'],
      querystring: z.object({ communityId: id }),
      response: { 201: evidence, 400: errorBody, 404: errorBody, 413: errorBody, 415: errorBody, 429: errorBody, ...authErrors },
    },
  }, async (request, reply) => {
    const { communityId } = request.query;
    // Before reading a byte of the body: someone else's community does not exist for this user.
    if (!currentUser(request).scope.includes(communityId)) throw new NotFoundError('社区（村）');
    const part = await singleFilePart(request);
    const row = await uploads.accept({ communityId, part, actor: actorOf(request), beforeStoring: part.assertLast });
    return reply.status(201).send(evidenceView(row, await findUsedBefore(deps.db, row.id)));
  });

  typed.get('/:id', {
    schema: { summary: 'Evidence metadata and where the same picture was used before', tags: ['evidence'], params: idParams, response: { 200: evidence, 404: errorBody, ...authErrors } },
  }, async (request) => {
    const row = await inScope(currentUser(request).scope, request.params.id);
    return evidenceView(row, await findUsedBefore(deps.db, row.id));
  });

  typed.get('/:id/file', {
    schema: { summary: 'The evidence file itself (audited)', tags: ['evidence'], params: idParams, response: { 404: errorBody, ...authErrors } },
  }, async (request, reply) => {
    const row = await inScope(currentUser(request).scope, request.params.id);
    return sendObject(reply, row.storageKey, row.mimeType, contentDisposition(row.fileName, row.mimeType), () => repo.recordRead(actorOf(request), row, 'file'));
  });

  typed.get('/:id/thumbnail', {
    schema: { summary: `A JPEG preview at most 320 px wide (images only; audited)`, tags: ['evidence'], params: idParams, response: { 404: errorBody, ...authErrors } },
  }, async (request, reply) => {
    const row = await inScope(currentUser(request).scope, request.params.id);
    if (!hasThumbnail(row)) throw new NotFoundError('缩略图');
    const name = `${row.fileName.replace(/\.[^.]*$/, '')}-thumbnail.jpg`;
    return sendObject(reply, thumbnailKeyOf(row.storageKey), 'image/jpeg', contentDisposition(name, 'image/jpeg'), () => repo.recordRead(actorOf(request), row, 'thumbnail'));
  });

  /** Audit first: a read that cannot be recorded does not happen. */
  async function sendObject(reply: FastifyReply, key: string, mimeType: string, disposition: string, audit: () => Promise<void>) {
    const head = await deps.storage.head(key);
    if (!head) {
      reply.log.error({ key }, 'evidence object missing from storage');
      throw new NotFoundError(NOT_FOUND);
    }
    await audit();
    const stream = await deps.storage.openRead(key);
    return reply
      .header('Content-Type', mimeType)
      .header('Content-Length', head.sizeBytes)
      .header('Content-Disposition', disposition)
      // The stored type was decided from the bytes; the browser must not guess another, nor run anything.
      .header('X-Content-Type-Options', 'nosniff')
      .header('Content-Security-Policy', "default-src 'none'; img-src 'self'; sandbox")
      .header('Cache-Control', 'private, no-store')
      .send(stream);
  }
};
