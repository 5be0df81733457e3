// Formatting helpers for templates. All wall-clock values are Asia/Shanghai,
// computed with a fixed +08:00 offset (China has had no DST since 1991), so the
// result does not depend on the process TZ (tests run with TZ=UTC on purpose).

export const SHANGHAI_OFFSET_MS = 8 * 3600_000;

export interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

export function shanghaiParts(instant: Date | string): LocalParts {
  const d = new Date(new Date(instant).getTime() + SHANGHAI_OFFSET_MS);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes() };
}

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * "2022年3月31日 24:00": a deadline at local midnight is shown as 24:00 of the
 * previous day, the way the township writes deadlines ("3月31日24时前").
 */
export function formatDeadline(instant: Date | string): string {
  let p = shanghaiParts(instant);
  let hour = p.hour;
  if (p.hour === 0 && p.minute === 0) {
    p = shanghaiParts(new Date(new Date(instant).getTime() - 60_000));
    hour = 24;
    p.minute = 0;
  }
  return `${p.year}年${p.month}月${p.day}日 ${pad(hour)}:${pad(p.minute)}`;
}

/** Local calendar day (YYYY-MM-DD) of an instant, for digests and rate windows. */
export function shanghaiDay(instant: Date | string): string {
  const p = shanghaiParts(instant);
  return `${p.year}-${pad(p.month)}-${pad(p.day)}`;
}

/** "2022-03-31" -> "2022年3月31日". */
export function formatDay(day: string): string {
  const [y, m, d] = day.split('-').map(Number);
  return `${y}年${m}月${d}日`;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

/** Replaces {name} placeholders; a missing variable renders as an empty string, never "undefined". */
export function fill(template: string, vars: Record<string, string>, escape: (s: string) => string = (s) => s): string {
  return template.replace(/\{(\w+)\}/g, (_m, name: string) => escape(vars[name] ?? ''));
}
