// Evidence uploads and downloads. Registered by api/app.ts at /api/evidence
// with its own multipart parser (one file, 15 MiB) so the rest of the API
// keeps its 1 MiB JSON body limit. Every route needs a session; uploads need
// the CSRF token; evidence of a community out of scope is "not found".
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import multipart from '@fastify/multipart';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { singleFilePart } from '../plugins/single-file';
import { actorOf, currentUser, requireAuth } from '../plugins/auth';
import { MULTIPART_OPTIONS, uploadRateLimitOptions, type UploadRateLimitOptions } from '../plugins/upload-limits';
import rateLimit from '@fastify/rate-limit';
import type { EvidenceService, StoredFile } from '../services/evidence/evidence-service';
import { authErrors, errorBody, evidenceSchema, id, idParams } from './schemas';

const evidence = evidenceSchema;

export interface EvidenceRouteDeps {
  service: EvidenceService;
  /** the same options object as the incident upload: one allowance of uploads per user across both routes */
  uploadRateLimit?: UploadRateLimitOptions;
}

export const evidenceRoutes =
  ({ service, uploadRateLimit }: EvidenceRouteDeps): FastifyPluginAsync =>
  async (app) => {
    const typed = app.withTypeProvider<ZodTypeProvider>();
    app.addHook('onRequest', requireAuth);
    await app.register(multipart, MULTIPART_OPTIONS);
    await app.register(rateLimit, uploadRateLimit ?? uploadRateLimitOptions());

    typed.post(
      '/',
      {
        config: { rateLimit: {} },
        schema: {
          summary: 'Upload one evidence file (multipart field "file", at most 15 MB): photo, PDF or office document',
          tags: ['evidence'],
          consumes: ['multipart/form-data'],
          querystring: z.object({ communityId: id }),
          response: {
            201: evidence,
            400: errorBody,
            404: errorBody,
            413: errorBody,
            415: errorBody,
            429: errorBody,
            503: errorBody,
            507: errorBody,
            ...authErrors,
          },
        },
      },
      async (request, reply) =>
        reply
          .status(201)
          .send(await service.upload(currentUser(request), request.query.communityId, () => singleFilePart(request), actorOf(request))),
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
      async (request) => service.view(currentUser(request), request.params.id),
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
      async (request, reply) => send(reply, await service.openFile(currentUser(request), request.params.id, actorOf(request))),
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
      async (request, reply) => send(reply, await service.openThumbnail(currentUser(request), request.params.id, actorOf(request))),
    );

    /** The service has audited the read; the stored type was decided from the bytes. */
    function send(reply: FastifyReply, file: StoredFile) {
      return (
        reply
          .header('Content-Type', file.mimeType)
          .header('Content-Length', file.sizeBytes)
          .header('Content-Disposition', file.disposition)
          // The browser must not guess another type, nor run anything.
          .header('X-Content-Type-Options', 'nosniff')
          .header('Content-Security-Policy', "default-src 'none'; img-src 'self'; sandbox")
          .header('Cache-Control', 'private, no-store')
          .send(file.stream)
      );
    }
  };
