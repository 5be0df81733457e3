// Evidence uploads and downloads. Registered by api/app.ts at /api/evidence
// with its own multipart parser (one file, 15 MiB) so the rest of the API
// keeps its 1 MiB JSON body limit. Every route needs a session; uploads need
// the CSRF token; evidence of a community out of scope is "not found".
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import multipart from '@fastify/multipart';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { EvidenceRecord, EvidenceRepository } from '../../db/evidence-repository';
import type { EvidenceStorage } from '../../storage/evidence-storage';
import { NotFoundError } from '../errors';
import { singleFilePart } from '../plugins/single-file';
import { actorOf, currentUser, requireAuth } from '../plugins/auth';
import {
  evidenceUploads,
  MULTIPART_OPTIONS,
  thumbnailKeyOf,
  uploadRateLimitOptions,
  type UploadRateLimitOptions,
} from '../services/evidence/evidence-upload';
import rateLimit from '@fastify/rate-limit';
import { contentDisposition, evidenceView, hasThumbnail } from '../services/evidence/evidence-view';
import { authErrors, errorBody, evidenceSchema, id, idParams } from './schemas';

const evidence = evidenceSchema;

const NOT_FOUND = '证据文件';

export interface EvidenceRouteDeps {
  evidence: EvidenceRepository;
  storage: EvidenceStorage;
  uploadRateLimit?: UploadRateLimitOptions;
}

export const evidenceRoutes =
  (deps: EvidenceRouteDeps): FastifyPluginAsync =>
  async (app) => {
    const repo = deps.evidence;
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

    typed.post(
      '/',
      {
        config: { rateLimit: {} },
        schema: {
          summary: 'Upload one evidence file (multipart field "file", at most 15 MB): photo, PDF or office document',
          tags: ['evidence'],
          consumes: ['multipart/form-data'],
          querystring: z.object({ communityId: id }),
          response: { 201: evidence, 400: errorBody, 404: errorBody, 413: errorBody, 415: errorBody, 429: errorBody, ...authErrors },
        },
      },
      async (request, reply) => {
        const { communityId } = request.query;
        // Before reading a byte of the body: someone else's community does not exist for this user.
        if (!currentUser(request).scope.includes(communityId)) throw new NotFoundError('社区（村）');
        const part = await singleFilePart(request);
        const row = await uploads.accept({ communityId, part, actor: actorOf(request), beforeStoring: part.assertLast });
        return reply.status(201).send(evidenceView(row, await repo.usedBefore(row.id)));
      },
    );

    typed.get(
      '/:id',
      {
        schema: {
          summary: 'Evidence metadata and where the same picture was used before',
          tags: ['evidence'],
          params: idParams,
          response: { 200: evidence, 404: errorBody, ...authErrors },
        },
      },
      async (request) => {
        const row = await inScope(currentUser(request).scope, request.params.id);
        return evidenceView(row, await repo.usedBefore(row.id));
      },
    );

    typed.get(
      '/:id/file',
      {
        schema: {
          summary: 'The evidence file itself (audited)',
          tags: ['evidence'],
          params: idParams,
          response: { 404: errorBody, ...authErrors },
        },
      },
      async (request, reply) => {
        const row = await inScope(currentUser(request).scope, request.params.id);
        return sendObject(reply, row.storageKey, row.mimeType, contentDisposition(row.fileName, row.mimeType), () =>
          repo.recordRead(actorOf(request), row, 'file'),
        );
      },
    );

    typed.get(
      '/:id/thumbnail',
      {
        schema: {
          summary: `A JPEG preview at most 320 px wide (images only; audited)`,
          tags: ['evidence'],
          params: idParams,
          response: { 404: errorBody, ...authErrors },
        },
      },
      async (request, reply) => {
        const row = await inScope(currentUser(request).scope, request.params.id);
        if (!hasThumbnail(row)) throw new NotFoundError('缩略图');
        const name = `${row.fileName.replace(/\.[^.]*$/, '')}-thumbnail.jpg`;
        return sendObject(reply, thumbnailKeyOf(row.storageKey), 'image/jpeg', contentDisposition(name, 'image/jpeg'), () =>
          repo.recordRead(actorOf(request), row, 'thumbnail'),
        );
      },
    );

    /** Audit first: a read that cannot be recorded does not happen. */
    async function sendObject(reply: FastifyReply, key: string, mimeType: string, disposition: string, audit: () => Promise<void>) {
      const head = await deps.storage.head(key);
      if (!head) {
        reply.log.error({ key }, 'evidence object missing from storage');
        throw new NotFoundError(NOT_FOUND);
      }
      await audit();
      const stream = await deps.storage.openRead(key);
      return (
        reply
          .header('Content-Type', mimeType)
          .header('Content-Length', head.sizeBytes)
          .header('Content-Disposition', disposition)
          // The stored type was decided from the bytes; the browser must not guess another, nor run anything.
          .header('X-Content-Type-Options', 'nosniff')
          .header('Content-Security-Policy', "default-src 'none'; img-src 'self'; sandbox")
          .header('Cache-Control', 'private, no-store')
          .send(stream)
      );
    }
  };
