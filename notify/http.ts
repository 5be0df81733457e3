import { classifyHttpStatus } from './error-codes';
import { InDoubtSendError, PermanentSendError, TransientSendError, sendErrorFor } from './errors';
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
    const message = redactText(`${opts.provider}: request to ${opts.target} failed (${cause})`, opts.secrets);
    // Refused or unresolved: nothing reached the provider, a retry is safe. Anything else (a timeout
    // or a reset after the request went out) may have been accepted: in doubt, ask before resending.
    if (neverSent(e)) throw new TransientSendError(message, { provider: opts.provider });
    throw new InDoubtSendError(message, { provider: opts.provider });
  }
  const text = await res.text();
  const raw = trimBody(redactText(text, opts.secrets));
  const treatment = classifyHttpStatus(res.status, res.headers.get('retry-after'));
  if (treatment) {
    throw sendErrorFor(treatment, `${opts.provider}: ${opts.target} answered HTTP ${res.status}`, {
      provider: opts.provider,
      httpStatus: res.status,
      raw,
    });
  }
  return { status: res.status, text, headers: res.headers };
}

/** Connection-level failures where the request cannot have left this machine. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);
function neverSent(e: unknown): boolean {
  const cause = (e as { cause?: { code?: string; errors?: Array<{ code?: string }> } } | undefined)?.cause;
  const codes = [cause?.code, ...(cause?.errors ?? []).map((x) => x.code)];
  return codes.some((c) => c !== undefined && NOT_SENT.has(c));
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
