// Identity and access for every request. The plugin (global, registered once
// in app.ts) reads the session cookie and puts the user on request.auth; the
// guards below are added per route folder:
//   requireAuth  - 401 without a live session; 403 when a state-changing
//                  request lacks the session's CSRF token in x-csrf-token
//   allow        - 403 unless the user's role allows the action (domain/policy.ts)
// Scope (which communities a user may touch) is computed at session load and
// handed to every repository query, which filters on it in SQL.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import cookie from '@fastify/cookie';
import { timingSafeEqual } from 'node:crypto';
import type { AuthRepository, SessionUser } from '../../db/auth-repository';
import type { Actor } from '../../db/audit-repository';
import { ForbiddenError, UnauthorizedError } from '../errors';
import { may, POLICY, ROLE_LABELS, type Action } from '../../domain/policy';
import { isLoopbackHost } from '../../stack/ports';
import { hashToken, SESSION_TTL_MS } from '../services/session-tokens';

export const SESSION_COOKIE = 'duban_session';
export const CSRF_HEADER = 'x-csrf-token';
/** Extending writes a row; skip it when the session was extended in the last 10 minutes. */
const EXTEND_AFTER_MS = 10 * 60 * 1000;

export interface AuthContext {
  sessionId: string;
  csrfToken: string;
  user: SessionUser;
}

declare module 'fastify' {
  interface FastifyRequest {
    auth: AuthContext | null;
  }
}

/**
 * The session cookie's Secure flag: true/false as given, or 'auto' = Secure
 * exactly when the request came over HTTPS (directly, or per X-Forwarded-Proto
 * from a trusted proxy). api/server.ts uses 'auto' only when the API listens
 * on loopback (npm start over plain http); anywhere else it is always Secure.
 */
export type SecureCookies = boolean | 'auto';

export interface AuthPluginOptions {
  sessions: AuthRepository;
  secureCookies: SecureCookies;
}

/** The API's policy, from the address it listens on: loopback (npm start) 'auto', anything else always Secure. */
export function secureCookiesFor(apiHost: string): SecureCookies {
  return isLoopbackHost(apiHost) ? 'auto' : true;
}

const isSecure = (reply: FastifyReply, secure: SecureCookies): boolean => (secure === 'auto' ? reply.request.protocol === 'https' : secure);

export function setSessionCookie(reply: FastifyReply, token: string, secure: SecureCookies): void {
  reply.setCookie(SESSION_COOKIE, token, {
    httpOnly: true,
    secure: isSecure(reply, secure),
    sameSite: 'strict',
    path: '/',
    maxAge: SESSION_TTL_MS / 1000,
  });
}

export function clearSessionCookie(reply: FastifyReply, secure: SecureCookies): void {
  reply.clearCookie(SESSION_COOKIE, { httpOnly: true, secure: isSecure(reply, secure), sameSite: 'strict', path: '/' });
}

async function authPlugin(app: FastifyInstance, opts: AuthPluginOptions): Promise<void> {
  await app.register(cookie);
  app.decorateRequest('auth', null);
  app.addHook('onRequest', async (request, reply) => {
    const token = request.cookies[SESSION_COOKIE];
    if (!token || !request.url.startsWith('/api/')) return;
    const session = await opts.sessions.findSession(hashToken(token));
    const now = Date.now();
    if (!session) return;
    if (session.expiresAt.getTime() <= now) {
      await opts.sessions.deleteSession(session.id);
      return;
    }
    if (session.expiresAt.getTime() - now < SESSION_TTL_MS - EXTEND_AFTER_MS) {
      await opts.sessions.extendSession(session.id, new Date(now + SESSION_TTL_MS));
      setSessionCookie(reply, token, opts.secureCookies);
    }
    request.auth = { sessionId: session.id, csrfToken: session.csrfToken, user: session.user };
  });
}
// Like fastify-plugin: the decorator and hook apply to the whole app, not only inside this plugin.
(authPlugin as unknown as Record<symbol, boolean>)[Symbol.for('skip-override')] = true;
export { authPlugin };

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** onRequest guard: a live session, and the CSRF token on anything that changes state. */
export async function requireAuth(request: FastifyRequest): Promise<void> {
  const auth = request.auth;
  if (!auth) throw new UnauthorizedError('请先登录，或登录已过期 (login required or session expired)');
  if (SAFE_METHODS.has(request.method)) return;
  const sent = request.headers[CSRF_HEADER];
  if (typeof sent !== 'string' || !sameToken(sent, auth.csrfToken)) {
    throw new ForbiddenError(
      `缺少或错误的 CSRF 令牌：请在 ${CSRF_HEADER} 请求头中携带登录或 GET /api/auth/me 返回的 csrfToken (missing or wrong CSRF token in the ${CSRF_HEADER} header)`,
    );
  }
}

/** onRequest guard (before body validation, so a refused caller learns nothing): the user's role allows the action. Use after requireAuth. */
export function allow(action: Action) {
  const who = POLICY[action].map((r) => ROLE_LABELS[r]).join('、');
  return async (request: FastifyRequest): Promise<void> => {
    if (!may(currentUser(request).role, action)) throw new ForbiddenError(`此操作仅限${who}`);
  };
}

export function currentUser(request: FastifyRequest): SessionUser {
  if (!request.auth) throw new UnauthorizedError();
  return request.auth.user;
}

export function actorOf(request: FastifyRequest): Actor {
  return { userId: currentUser(request).id, ip: request.ip };
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
