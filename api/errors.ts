// Typed errors that handlers and services throw; one handler in app.ts maps
// them to HTTP statuses. Messages are written for the person who sent the request.
// Prefer the domain errors (domain/errors.ts) below the routes; HttpError is
// for what only HTTP has (rate limits, body sizes, media types).
export { DomainError, UnavailableError } from '../domain/errors';

export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export class BadRequestError extends HttpError {
  constructor(message: string, code = 'bad_request') {
    super(400, code, message);
  }
}
export class UnauthorizedError extends HttpError {
  constructor(message = '请先登录 (login required)') {
    super(401, 'unauthorized', message);
  }
}
export class ForbiddenError extends HttpError {
  constructor(message = '无权执行此操作 (not allowed)') {
    super(403, 'forbidden', message);
  }
}
export class NotFoundError extends HttpError {
  constructor(what: string) {
    super(404, 'not_found', `${what} 不存在 (not found)`);
  }
}
export class ConflictError extends HttpError {
  constructor(message: string, code = 'conflict') {
    super(409, code, message);
  }
}
