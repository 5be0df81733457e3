// The one way the UI talks to the server. It keeps the CSRF token from login
// or /api/auth/me and sends it on every write (the API refuses writes without
// it), and turns a 401 anywhere into "show the login page" through a listener,
// so pages never handle session expiry themselves.

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
  /** 404 on a whole route (not a missing record) means the server lacks the feature yet. */
  get missingRoute(): boolean {
    return this.status === 404 && this.code === 'route_missing';
  }
}

let csrfToken: string | null = null;
const unauthorizedListeners = new Set<() => void>();

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}
export function getCsrfToken(): string | null {
  return csrfToken;
}

export function onUnauthorized(listener: () => void): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

export function notifyUnauthorized(): void {
  csrfToken = null;
  for (const l of unauthorizedListeners) l();
}

/** Build an ApiError from a non-2xx response body ({ error, message } from api/app.ts, or Fastify's own 404). */
export function errorFrom(status: number, bodyText: string): ApiError {
  let code = 'http_' + status;
  let message = bodyText || `HTTP ${status}`;
  try {
    const body = JSON.parse(bodyText) as { error?: string; message?: string; code?: string };
    if (body.message) message = body.message;
    if (typeof body.error === 'string') code = body.error;
    // Fastify's default not-found handler answers {"message":"Route GET:/api/x not found","error":"Not Found"}
    if (status === 404 && /^Route .* not found$/.test(body.message ?? '')) code = 'route_missing';
  } catch {
    // not JSON: keep the text
  }
  return new ApiError(status, code, message);
}

type Query = Record<string, string | number | boolean | undefined | null>;

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const s = params.toString();
  return s ? `${path}?${s}` : path;
}

async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  const res = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'same-origin',
  });
  const text = await res.text();
  if (res.status === 401 && path !== '/api/auth/login') notifyUnauthorized();
  if (!res.ok) throw errorFrom(res.status, text);
  return (text ? JSON.parse(text) : undefined) as T;
}

export const api = {
  get: <T>(path: string, query?: Query) => request<T>('GET', withQuery(path, query)),
  post: <T>(path: string, body: unknown = {}) => request<T>('POST', path, body),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, body),
  put: <T>(path: string, body: unknown) => request<T>('PUT', path, body),
  del: <T>(path: string) => request<T>('DELETE', path),
};
