import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, currentUser, requireAuth, allow } from '../plugins/auth';
import type { UserService } from '../services/user-service';
import { user, userSaved } from '../contract';
import { authErrors, errorBody, id, idParams, role } from './schemas';

/** ADMIN only: the township's accounts. */
export const userRoutes =
  (service: UserService): FastifyPluginAsync =>
  async (app) => {
    const typed = app.withTypeProvider<ZodTypeProvider>();
    app.addHook('onRequest', requireAuth);
    app.addHook('onRequest', allow('users.manage'));

    typed.get(
      '/',
      {
        schema: {
          summary: 'Users of the township with role and memberships',
          tags: ['admin'],
          response: { 200: z.array(user), ...authErrors },
        },
      },
      async (request) => service.list(currentUser(request)),
    );

    typed.post(
      '/',
      {
        schema: {
          summary: 'Create a user',
          tags: ['admin'],
          body: z.object({
            username: z.string().regex(/^[a-zA-Z0-9._-]{3,50}$/, '用户名为 3-50 位字母、数字或 ._- (3-50 letters, digits or ._-)'),
            displayName: z.string().min(1).max(100),
            role,
            password: z.string().max(200),
            mobile: z
              .string()
              .regex(/^\+?\d{6,20}$/)
              .optional(),
            email: z.email().optional(),
            communityIds: z.array(id).max(100).default([]),
          }),
          // pendingGrantId: a guarded role (POLITICAL_LEGAL, SECRETARY) waits for approval; the account is inactive until then.
          response: { 201: userSaved, 400: errorBody, 409: errorBody, ...authErrors },
        },
      },
      async (request, reply) => reply.status(201).send(await service.create(currentUser(request), request.body, actorOf(request))),
    );

    typed.post(
      '/:id/unlock',
      {
        schema: {
          summary: 'Lift the login delay after wrong passwords (every address); audited',
          tags: ['admin'],
          params: idParams,
          response: { 200: user, 404: errorBody, ...authErrors },
        },
      },
      async (request) => service.unlock(currentUser(request), request.params.id, actorOf(request)),
    );
    typed.patch(
      '/:id',
      {
        schema: {
          summary:
            'Change a user: name, role, contact, communities, or re-enable (active: true); a role change ends their sessions (audited)',
          tags: ['admin'],
          params: idParams,
          body: z.object({
            displayName: z.string().trim().min(1, '请填写姓名').max(100).optional(),
            role: role.optional(),
            mobile: z
              .string()
              .regex(/^\+?\d{6,20}$/, '手机号应为 6-20 位数字')
              .nullable()
              .optional(),
            email: z.email('邮箱格式不正确').nullable().optional(),
            communityIds: z.array(id).max(100).optional(),
            active: z.boolean().optional(),
          }),
          // pendingGrantId: a guarded role (POLITICAL_LEGAL, SECRETARY) is not applied yet; it waits for the political-legal official.
          response: {
            200: userSaved,
            400: errorBody,
            404: errorBody,
            409: errorBody,
            ...authErrors,
          },
        },
      },
      async (request) => service.update(currentUser(request), request.params.id, request.body, actorOf(request)),
    );

    typed.post(
      '/:id/password',
      {
        schema: {
          summary: "Reset a user's password (unlocks the account, ends their sessions; audited without the password)",
          tags: ['admin'],
          params: idParams,
          body: z.object({ password: z.string().max(200) }),
          response: { 204: z.null(), 400: errorBody, 404: errorBody, ...authErrors },
        },
      },
      async (request, reply) => {
        await service.resetPassword(currentUser(request), request.params.id, request.body.password, actorOf(request));
        return reply.status(204).send(null);
      },
    );

    typed.post(
      '/:id/deactivate',
      {
        schema: {
          summary: 'Deactivate a user (never deleted); ends their sessions',
          tags: ['admin'],
          params: idParams,
          response: { 200: user, 400: errorBody, 404: errorBody, ...authErrors },
        },
      },
      async (request) => service.deactivate(currentUser(request), request.params.id, actorOf(request)),
    );
  };
