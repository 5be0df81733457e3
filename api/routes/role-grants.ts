// Pending grants of roles that read sensitive ledgers, and their approval by a
// second person (rules in services/user-service.ts).
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, currentUser, requireAuth, allow } from '../plugins/auth';
import type { UserService } from '../services/user-service';
import { authErrors, errorBody, idParams, role } from './schemas';

const grant = z.object({
  id: z.string(),
  userId: z.string(),
  username: z.string(),
  displayName: z.string(),
  role,
  previousRole: role.nullable(),
  requestedById: z.string(),
  requestedByUsername: z.string(),
  status: z.enum(['PENDING', 'APPROVED', 'REJECTED']),
  createdAt: z.date(),
});

export const roleGrantRoutes =
  (service: UserService): FastifyPluginAsync =>
  async (app) => {
    const typed = app.withTypeProvider<ZodTypeProvider>();
    app.addHook('onRequest', requireAuth);
    app.addHook('onRequest', allow('roleGrants.decide'));

    typed.get(
      '/',
      {
        schema: {
          summary: 'Role grants waiting for approval in the township',
          tags: ['admin'],
          response: { 200: z.array(grant), ...authErrors },
        },
      },
      async (request) => service.pendingGrants(currentUser(request)),
    );

    for (const [action, approve] of [
      ['approve', true],
      ['reject', false],
    ] as const) {
      typed.post(
        `/:id/${action}`,
        {
          schema: {
            summary: `${approve ? 'Approve' : 'Reject'} a role grant (the political-legal official, or an admin other than the one who asked); audited`,
            tags: ['admin'],
            params: idParams,
            response: { 200: grant, 404: errorBody, 409: errorBody, ...authErrors },
          },
        },
        async (request) => service.decideGrant(currentUser(request), request.params.id, approve, actorOf(request)),
      );
    }
  };
