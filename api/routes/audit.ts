import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AuditRepository } from '../../db/audit-repository';
import { currentUser, requireAuth, allow } from '../plugins/auth';
import { auditRecord } from '../contract';
import { authErrors, errorBody, id, instant, int8Cursor } from './schemas';

/** ADMIN and POLITICAL_LEGAL: who did what, when, from where. */
export const auditRoutes =
  (deps: { audit: AuditRepository }): FastifyPluginAsync =>
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
      async (request) => {
        const { from, to, ...q } = request.query;
        return deps.audit.list({
          ...q,
          townshipId: currentUser(request).townshipId,
          from: from ? new Date(from) : undefined,
          to: to ? new Date(to) : undefined,
        });
      },
    );
  };
