import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

// Common plumbing of the loopback provider servers: a real HTTP server on
// 127.0.0.1 with an ephemeral port that records accepted messages and can be
// told to fail the next N requests. Each provider module supplies verification
// (its own, independent re-implementation of the signature) and reply shapes.

export interface ProviderRequest {
  method: string;
  url: URL;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface ProviderReply {
  status: number;
  body: unknown;
}

/**
 * Forced failure: an HTTP error status, a provider business error code in the
 * normal shape, or `stallMs`: the message is accepted (recorded) but the answer
 * only comes after that long, so a client with a shorter timeout never sees it;
 * or `drop`: the request is read and the connection cut with no answer, after
 * the message was accepted (recorded) or before.
 */
export type FailureMode =
  { http: number } | { code: string | number; message?: string } | { stallMs: number } | { drop: 'after-accept' | 'before-accept' };

export type Verdict<T> = { ok: true; accepted: T } | { ok: false; reply: ProviderReply };

export interface ProviderSpec<T> {
  verify(req: ProviderRequest, now: Date): Verdict<T>;
  success(accepted: T, seq: number): ProviderReply;
  businessError(code: string | number, message: string): ProviderReply;
}

export interface ProviderServer<T> {
  /** Base URL, e.g. http://127.0.0.1:41234 */
  readonly url: string;
  readonly accepted: T[];
  /** When each accepted message was taken (ms), in the same order. */
  readonly acceptedAt: number[];
  /** Every request received, verified or not. */
  readonly requests: ProviderRequest[];
  /** Fail the next n correctly signed requests with this mode. */
  failNext(n: number, mode: FailureMode): void;
  /** Fail every correctly signed request until called with null. */
  rejectAll(mode: FailureMode | null): void;
  close(): Promise<void>;
}

export async function startProviderServer<T>(spec: ProviderSpec<T>, clock: () => Date = () => new Date()): Promise<ProviderServer<T>> {
  const accepted: T[] = [];
  const acceptedAt: number[] = [];
  const requests: ProviderRequest[] = [];
  const queue: FailureMode[] = [];
  let always: FailureMode | null = null;

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const request: ProviderRequest = {
        method: req.method ?? 'GET',
        url: new URL(req.url ?? '/', 'http://127.0.0.1'),
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(request);
      let reply: ProviderReply;
      let delayMs = 0;
      const verdict = spec.verify(request, clock());
      if (!verdict.ok) reply = verdict.reply;
      else {
        const failure = queue.shift() ?? always;
        if (failure && 'drop' in failure) {
          if (failure.drop === 'after-accept') {
            accepted.push(verdict.accepted);
            acceptedAt.push(clock().getTime());
          }
          req.socket.destroy();
          return;
        }
        if (failure && 'http' in failure)
          reply = { status: failure.http, body: `<html><body>${failure.http} upstream error</body></html>` };
        else if (failure && 'code' in failure) reply = spec.businessError(failure.code, failure.message ?? 'forced failure');
        else {
          accepted.push(verdict.accepted);
          acceptedAt.push(clock().getTime());
          reply = spec.success(verdict.accepted, accepted.length);
          if (failure && 'stallMs' in failure) delayMs = failure.stallMs;
        }
      }
      const isText = typeof reply.body === 'string';
      const answer = () => {
        if (res.destroyed) return;
        res.writeHead(reply.status, { 'content-type': isText ? 'text/html' : 'application/json;charset=UTF-8' });
        res.end(isText ? (reply.body as string) : JSON.stringify(reply.body));
      };
      if (delayMs > 0) setTimeout(answer, delayMs).unref();
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    accepted,
    acceptedAt,
    requests,
    failNext: (n, mode) => queue.push(...Array.from({ length: n }, () => mode)),
    rejectAll: (mode) => {
      always = mode;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}

export function header(req: ProviderRequest, name: string): string {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? (v[0] ?? '') : (v ?? '');
}

export function tryJson(text: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(text);
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
