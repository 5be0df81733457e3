import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import rateLimit from '@fastify/rate-limit';
import { z } from 'zod';
import { DomainError } from '../errors';
import { actorOf, clearSessionCookie, currentUser, requireAuth, setSessionCookie, type SecureCookies } from '../plugins/auth';
import type { AuthService } from '../services/auth-service';
import { authErrors, errorBody, ok } from './schemas';
import { loggedIn, me } from '../contract';

export interface AuthRouteOptions {
  service: AuthService;
  secureCookies: SecureCookies;
  /** per-IP limit on POST /login (default 30 per minute) */
  loginRateLimit?: { max: number; timeWindow: number };
}

export const authRoutes =
  (opts: AuthRouteOptions): FastifyPluginAsync =>
  async (app) => {
    const { service } = opts;
    const typed = app.withTypeProvider<ZodTypeProvider>();
    await app.register(rateLimit, {
      global: false,
      errorResponseBuilder: (_req, ctx) =>
        new DomainError(
          'rate_limited',
          'rate_limited',
          `登录尝试过于频繁，请 ${Math.ceil(ctx.ttl / 1000)} 秒后再试 (too many login attempts from this address; retry in ${Math.ceil(ctx.ttl / 1000)} s)`,
        ),
    });

    typed.post(
      '/login',
      {
        config: { rateLimit: opts.loginRateLimit ?? { max: 30, timeWindow: 60_000 } },
        schema: {
          summary: 'Log in; sets the HTTP-only session cookie and returns the CSRF token',
          tags: ['auth'],
          body: z.object({ username: z.string().min(1).max(100), password: z.string().min(1).max(200) }),
          response: { 200: loggedIn, 400: errorBody, 401: errorBody, 429: errorBody },
        },
      },
      async (request, reply) => {
        const { token, csrfToken } = await service.login({ ...request.body, ip: request.ip, userAgent: request.headers['user-agent'] });
        setSessionCookie(reply, token, opts.secureCookies);
        return { csrfToken };
      },
    );

    typed.get(
      '/me',
      {
        onRequest: requireAuth,
        schema: {
          summary: 'The logged-in user, role, what the role allows, communities in scope and CSRF token',
          tags: ['auth'],
          response: { 200: me, ...authErrors },
        },
      },
      async (request) => ({ ...(await service.me(currentUser(request))), csrfToken: request.auth!.csrfToken }),
    );

    typed.post(
      '/logout',
      {
        onRequest: requireAuth,
        schema: { summary: 'End this session', tags: ['auth'], response: { 200: ok, ...authErrors } },
      },
      async (request, reply) => {
        await service.logout(request.auth!.sessionId, actorOf(request));
        clearSessionCookie(reply, opts.secureCookies);
        return { ok: true as const };
      },
    );

    typed.post(
      '/password',
      {
        onRequest: requireAuth,
        schema: {
          summary: 'Change own password (ends the other sessions)',
          tags: ['auth'],
          body: z.object({ currentPassword: z.string().min(1).max(200), newPassword: z.string().max(200) }),
          response: { 200: ok, 400: errorBody, 429: errorBody, ...authErrors },
        },
      },
      async (request) => {
        await service.changePassword({
          userId: currentUser(request).id,
          sessionId: request.auth!.sessionId,
          ...request.body,
          actor: actorOf(request),
        });
        return { ok: true as const };
      },
    );
  };
