// Login, logout and password changes. Wrong passwords slow down guessing by
// a progressive delay, never a hard lock that a stranger could keep on someone
// else's account: per username and address, after FREE_ATTEMPTS wrong
// passwords each further try waits twice as long as the last (1 s, 2 s, 4 s,
// ... at most MAX_DELAY_MS), the right password included. Unknown usernames
// count exactly like known ones, and a deactivated account answers its right
// password like a wrong one, so no answer reveals which accounts exist. An
// admin can lift the delay (POST /api/users/:id/unlock). Guesses of the current
// password on a password change count the same way, per account.
import { randomBytes } from 'node:crypto';
import type { AuthRepository, SessionUser } from '../../db/auth-repository';
import { permissionsOf } from '../../domain/policy';
import type { Actor } from '../../db/audit-repository';
import { hashPassword, verifyPassword } from '../../db/passwords';
import { BadRequestError, DomainError, UnauthorizedError } from '../errors';
import { hashToken, SESSION_TTL_MS } from './session-tokens';

export const FREE_ATTEMPTS = 5;
export const MAX_DELAY_MS = 15 * 60 * 1000;
export const MIN_PASSWORD_LENGTH = 10;

/** How long after the last wrong guess the next try may come, for `failures` wrong guesses so far (pure). */
export function delayAfter(failures: number): number {
  if (failures < FREE_ATTEMPTS) return 0;
  return Math.min(1000 * 2 ** (failures - FREE_ATTEMPTS), MAX_DELAY_MS);
}

export class DelayedError extends DomainError {
  constructor(waitMs: number) {
    const seconds = Math.max(1, Math.ceil(waitMs / 1000));
    const wait = seconds >= 120 ? `${Math.ceil(seconds / 60)} 分钟` : `${seconds} 秒`;
    super(
      'rate_limited',
      'login_delayed',
      `密码错误次数较多，请 ${wait}后再试；急需登录请联系管理员解除限制 (too many wrong passwords: retry in ${seconds} s, or ask an admin to unlock)`,
    );
  }
}

const WRONG_CREDENTIALS = '用户名或密码错误 (wrong username or password)';

export const loginKey = (username: string, ip: string | undefined) => `login:${username}|${ip ?? ''}`;
export const passwordKey = (userId: string) => `password:${userId}`;

export function authService(repo: AuthRepository, now: () => Date = () => new Date()) {
  // Unknown usernames still cost one argon2 verification, so timing does not reveal which usernames exist.
  let dummyHash: Promise<string> | undefined;
  const dummy = () => (dummyHash ??= hashPassword(randomBytes(16).toString('hex')));
  const until = (at: Date) => (failures: number) => (delayAfter(failures) > 0 ? new Date(at.getTime() + delayAfter(failures)) : null);

  /** Refuses (429) while the key's delay runs. */
  async function waitOut(key: string, at: Date): Promise<void> {
    const t = await repo.throttle(key);
    if (!t) return;
    const wait = t.lastFailureAt.getTime() + delayAfter(t.failures) - at.getTime();
    if (wait > 0) throw new DelayedError(wait);
  }

  return {
    /** Who is logged in, what the role allows, and the communities in scope (the route adds the session's CSRF token). */
    async me(user: SessionUser) {
      return {
        user: { id: user.id, username: user.username, displayName: user.displayName, role: user.role },
        permissions: permissionsOf(user.role),
        communities: await repo.communitiesByIds(user.scope),
      };
    },

    async login(input: { username: string; password: string; ip?: string; userAgent?: string }) {
      const at = now();
      const key = loginKey(input.username, input.ip);
      await waitOut(key, at);
      const user = await repo.findLoginUser(input.username);
      const right = await verifyPassword(user?.passwordHash ?? (await dummy()), input.password);
      if (!user || !user.active || !right) {
        await repo.recordFailure(key, at, until(at), user ? { id: user.id, ip: input.ip, action: 'auth.login_failed' } : undefined);
        throw new UnauthorizedError(WRONG_CREDENTIALS);
      }
      await repo.clearThrottle(key);
      const token = randomBytes(32).toString('base64url');
      const csrfToken = randomBytes(32).toString('base64url');
      await repo.createSession({
        userId: user.id,
        tokenHash: hashToken(token),
        csrfToken,
        ip: input.ip,
        userAgent: input.userAgent?.slice(0, 300),
        expiresAt: new Date(at.getTime() + SESSION_TTL_MS),
      });
      return { token, csrfToken };
    },

    logout(sessionId: string, actor: Actor): Promise<void> {
      return repo.deleteSession(sessionId, actor);
    },

    async changePassword(input: {
      userId: string;
      sessionId: string;
      currentPassword: string;
      newPassword: string;
      actor: Actor;
    }): Promise<void> {
      const at = now();
      const key = passwordKey(input.userId);
      await waitOut(key, at);
      const hash = await repo.passwordHashOf(input.userId);
      if (!hash || !(await verifyPassword(hash, input.currentPassword))) {
        await repo.recordFailure(key, at, until(at), { id: input.userId, ip: input.actor.ip, action: 'auth.password_wrong' });
        throw new BadRequestError('当前密码错误 (current password is wrong)', 'wrong_password');
      }
      await repo.clearThrottle(key);
      if (input.newPassword.length < MIN_PASSWORD_LENGTH) {
        throw new BadRequestError(
          `新密码至少 ${MIN_PASSWORD_LENGTH} 个字符 (new password needs at least ${MIN_PASSWORD_LENGTH} characters)`,
          'weak_password',
        );
      }
      if (input.newPassword === input.currentPassword) {
        throw new BadRequestError('新密码不能与当前密码相同 (new password must differ from the current one)', 'weak_password');
      }
      await repo.changePassword(input.userId, await hashPassword(input.newPassword), input.sessionId, input.actor);
    },
  };
}

export type AuthService = ReturnType<typeof authService>;
