// Shorthands for the domain errors (domain/errors.ts) that services, plugins
// and handlers throw; the one error handler in app.ts maps their kind to an
// HTTP status. Messages are written for the person who sent the request.
import { DomainError } from '../domain/errors';

export { DomainError, UnavailableError } from '../domain/errors';

export class BadRequestError extends DomainError {
  constructor(message: string, code = 'bad_request') {
    super('invalid', code, message);
  }
}
export class UnauthorizedError extends DomainError {
  constructor(message = '请先登录 (login required)') {
    super('unauthenticated', 'unauthorized', message);
  }
}
export class ForbiddenError extends DomainError {
  constructor(message = '无权执行此操作 (not allowed)') {
    super('forbidden', 'forbidden', message);
  }
}
export class NotFoundError extends DomainError {
  constructor(what: string) {
    super('not_found', 'not_found', `${what} 不存在 (not found)`);
  }
}
export class ConflictError extends DomainError {
  constructor(message: string, code = 'conflict') {
    super('conflict', code, message);
  }
}
