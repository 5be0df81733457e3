import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { UserRepository } from '../../db/user-repository';
import { currentUser, requireAuth } from '../plugins/auth';
import { authErrors } from './schemas';

/** Communities in the caller's scope (ADMIN and POLITICAL_LEGAL: the whole township). */
export const communityRoutes = (deps: { users: UserRepository }): FastifyPluginAsync => async (app) => {
  app.addHook('onRequest', requireAuth);
  app.withTypeProvider<ZodTypeProvider>().get('/', {
    schema: {
      summary: 'Communities the caller may see',
      tags: ['admin'],
      response: { 200: z.array(z.object({ id: z.string(), code: z.string(), name: z.string(), memberCount: z.number() })), ...authErrors },
    },
  }, async (request) => deps.users.communities(currentUser(request).scope));
};
