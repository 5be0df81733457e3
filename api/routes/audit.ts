import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { currentUser, requireAuth, allow } from '../plugins/auth';
import { auditRecord } from '../contract';
import type { AuditService } from '../services/audit-service';
import { authErrors, errorBody, id, instant, int8Cursor } from './schemas';

/** ADMIN and POLITICAL_LEGAL: who did what, when, from where. */
export const auditRoutes =
  (service: AuditService): FastifyPluginAsync =>
  async (app) => {
    app.addHook('onRequest', requireAuth);
    app.addHook('onRequest', allow('audit.read'));
    app.withTypeProvider<ZodTypeProvider>().get(
      '/',
      {
        schema: {
          summary:
            'Audit log of the township (system actors such as system:ledger included), newest first; filter by actor, action, community, time; page with before=<last id>',
          tags: ['admin'],
          querystring: z.object({
            actorId: z.union([id, z.string().regex(/^system:[a-z-]+$/, '操作人应为用户或系统')]).optional(),
            communityId: id.optional(),
            action: z.string().max(100).optional(),
            entity: z.string().max(100).optional(),
            entityId: z.string().max(100).optional(),
            from: instant.optional(),
            to: instant.optional(),
            before: int8Cursor.optional(),
            limit: z.coerce.number().int().min(1).max(500).default(100),
          }),
          response: { 200: z.array(auditRecord), 400: errorBody, ...authErrors },
        },
      },
      async (request) => service.list(currentUser(request), request.query),
    );
  };
