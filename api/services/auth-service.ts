// Login, logout and password changes. Wrong passwords count per account:
// LOCK_THRESHOLD of them lock the account for LOCK_MS, whatever the IP
// (the per-IP rate limit on the route covers the other direction).
import { randomBytes } from 'node:crypto';
import type { AuthRepository } from '../../db/auth-repository';
import type { Actor } from '../../db/audit-repository';
import { hashPassword, verifyPassword } from '../../db/passwords';
import { BadRequestError, ForbiddenError, HttpError, UnauthorizedError } from '../errors';
import { hashToken, SESSION_TTL_MS } from '../plugins/auth';

export const LOCK_THRESHOLD = 20;
export const LOCK_MS = 15 * 60 * 1000;
export const MIN_PASSWORD_LENGTH = 10;

export class LockedError extends HttpError {
  constructor(until: Date) {
    const minutes = Math.max(1, Math.ceil((until.getTime() - Date.now()) / 60_000));
    super(423, 'account_locked', `密码错误次数过多，账号已锁定，请 ${minutes} 分钟后再试或联系管理员 (too many wrong passwords: account locked, try again in ${minutes} min or ask the admin)`);
  }
}

const WRONG_CREDENTIALS = '用户名或密码错误 (wrong username or password)';

export function authService(repo: AuthRepository) {
  // Unknown usernames still cost one argon2 verification, so timing does not reveal which usernames exist.
  let dummyHash: Promise<string> | undefined;
  const dummy = () => (dummyHash ??= hashPassword(randomBytes(16).toString('hex')));

  return {
    async login(input: { username: string; password: string; ip?: string; userAgent?: string }) {
      const user = await repo.findLoginUser(input.username);
      if (!user) {
        await verifyPassword(await dummy(), input.password);
        throw new UnauthorizedError(WRONG_CREDENTIALS);
      }
      const now = new Date();
      if (user.lockedUntil && user.lockedUntil > now) throw new LockedError(user.lockedUntil);
      if (!(await verifyPassword(user.passwordHash, input.password))) {
        const { lockedUntil } = await repo.recordFailedLogin(user.id, now, LOCK_THRESHOLD, LOCK_MS, input.ip);
        if (lockedUntil) throw new LockedError(lockedUntil);
        throw new UnauthorizedError(WRONG_CREDENTIALS);
      }
      if (!user.active) throw new ForbiddenError('账号已停用，请联系管理员 (account deactivated: ask the admin)');
      const token = randomBytes(32).toString('base64url');
      const csrfToken = randomBytes(32).toString('base64url');
      await repo.createSession({
        userId: user.id, tokenHash: hashToken(token), csrfToken, ip: input.ip, userAgent: input.userAgent?.slice(0, 300),
        expiresAt: new Date(now.getTime() + SESSION_TTL_MS),
      });
      return { token, csrfToken };
    },

    logout(sessionId: string, actor: Actor): Promise<void> {
      return repo.deleteSession(sessionId, actor);
    },

    async changePassword(input: { userId: string; sessionId: string; currentPassword: string; newPassword: string; actor: Actor }): Promise<void> {
      const hash = await repo.passwordHashOf(input.userId);
      if (!hash || !(await verifyPassword(hash, input.currentPassword))) {
        throw new BadRequestError('当前密码错误 (current password is wrong)', 'wrong_password');
      }
      if (input.newPassword.length < MIN_PASSWORD_LENGTH) {
        throw new BadRequestError(`新密码至少 ${MIN_PASSWORD_LENGTH} 个字符 (new password needs at least ${MIN_PASSWORD_LENGTH} characters)`, 'weak_password');
      }
      if (input.newPassword === input.currentPassword) {
        throw new BadRequestError('新密码不能与当前密码相同 (new password must differ from the current one)', 'weak_password');
      }
      await repo.changePassword(input.userId, await hashPassword(input.newPassword), input.sessionId, input.actor);
    },
  };
}

export type AuthService = ReturnType<typeof authService>;
