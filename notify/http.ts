import { PermanentSendError, TransientSendError } from './errors';
import { redactText, trimBody } from './redact';
import type { ProviderKind } from './types';

export interface HttpReply {
  status: number;
  text: string;
  headers: Headers;
}

export interface PostOptions {
  provider: ProviderKind;
  headers: Record<string, string>;
  body: string;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Values that must not leak into error messages (secrets, webhook keys). */
  secrets: Array<string | undefined>;
  /** Printable target for messages, already redacted. */
  target: string;
}

/**
 * POST that turns transport problems into the error model: network failures,
 * timeouts, 429 and 5xx are transient; the caller interprets 2xx-4xx bodies,
 * because providers put their real verdict in the body.
 */
export async function post(url: string, opts: PostOptions): Promise<HttpReply> {
  const timeout = AbortSignal.timeout(opts.timeoutMs ?? 10_000);
  const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
  let res: Response;
  try {
    res = await fetch(url, { method: 'POST', headers: opts.headers, body: opts.body, signal });
  } catch (e) {
    const cause = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    throw new TransientSendError(redactText(`${opts.provider}: request to ${opts.target} failed (${cause})`, opts.secrets), {
      provider: opts.provider,
    });
  }
  const text = await res.text();
  const raw = trimBody(redactText(text, opts.secrets));
  if (res.status === 429 || res.status >= 500) {
    const retryAfter = Number(res.headers.get('retry-after'));
    throw new TransientSendError(`${opts.provider}: ${opts.target} answered HTTP ${res.status}`, {
      provider: opts.provider,
      httpStatus: res.status,
      raw,
      retryAfterMs: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined,
    });
  }
  return { status: res.status, text, headers: res.headers };
}

/** Parses a JSON body or fails permanently: a provider answering non-JSON on 2xx/4xx is misconfigured. */
export function parseJson(reply: HttpReply, opts: Pick<PostOptions, 'provider' | 'secrets' | 'target'>): unknown {
  try {
    return JSON.parse(reply.text);
  } catch {
    const raw = trimBody(redactText(reply.text, opts.secrets), 300);
    throw new PermanentSendError(`${opts.provider}: ${opts.target} answered HTTP ${reply.status} with a non-JSON body`, {
      provider: opts.provider,
      httpStatus: reply.status,
      raw,
    });
  }
}
