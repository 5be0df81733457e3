// Secrets must never reach logs, error messages or the outbox. Adapters run
// every string they surface through these helpers.

const SECRET_KEY = /(pass(word)?|secret|secretkey|token|authorization|signature|^sign$|^key$)$/i;
const URL_KEY = /(webhook|url|endpoint)/i;
const SECRET_QUERY = new Set(['key', 'access_token', 'token', 'sign', 'signature', 'accesskeysecret']);

function mask(value: string): string {
  return value.length <= 6 ? '***' : `${value.slice(0, 4)}***`;
}

/** Masks credentials carried by a URL: robot keys in the query or the Feishu hook token in the path. */
export function redactUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return '***';
  }
  for (const name of [...url.searchParams.keys()]) {
    if (SECRET_QUERY.has(name.toLowerCase())) url.searchParams.set(name, mask(url.searchParams.get(name) ?? ''));
  }
  url.username = url.username ? '***' : '';
  url.password = url.password ? '***' : '';
  // Feishu puts the credential in the last path segment (/open-apis/bot/v2/hook/<token>).
  url.pathname = url.pathname.replace(/\/hook\/([^/]+)$/, (_m, token: string) => `/hook/${mask(token)}`);
  return url.toString().replace(/%2A%2A%2A/g, '***');
}

/** Replaces every occurrence of the given secrets (ignoring very short ones) in free text. */
export function redactText(text: string, secrets: Array<string | undefined>): string {
  let out = text;
  for (const s of secrets) {
    if (s && s.length >= 4) out = out.split(s).join('***');
  }
  return out;
}

/** Deep copy with secret-looking fields masked: use it before logging any config or payload. */
export function redact<T>(value: T): T {
  return walk(value, '') as T;
}

function walk(value: unknown, key: string): unknown {
  if (typeof value === 'string') {
    if (SECRET_KEY.test(key)) return '***';
    if (URL_KEY.test(key) || /^https?:\/\//.test(value)) return /^https?:\/\//.test(value) ? redactUrl(value) : value;
    return value;
  }
  if (Array.isArray(value)) return value.map((v) => walk(v, key));
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, k)]));
  }
  return value;
}

/** Trims a provider body for storage: enough to diagnose, small enough for a row. */
export function trimBody(body: string, max = 2000): string {
  return body.length <= max ? body : `${body.slice(0, max)}…(${body.length - max} more chars)`;
}
