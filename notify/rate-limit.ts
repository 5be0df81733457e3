import type { ProviderKind } from './types';

// Per-robot send limits, as pure arithmetic: given the send times already made
// (or reserved) on one robot, when is the earliest moment another send keeps
// every window within its limit? The caller sleeps durably until then and
// records the time it actually sent. Times are integer milliseconds.

export interface RateLimit {
  max: number;
  windowMs: number;
}

/**
 * DingTalk: 20 per minute per robot, then a 10-minute ban (custom-robot-access doc).
 * Feishu: 100 per minute and 5 per second per custom bot (add-custom-bot doc).
 * WeCom: 20 per minute per robot (group robot doc, "消息发送频率限制").
 */
export const ROBOT_RATE_LIMITS: Partial<Record<ProviderKind, readonly RateLimit[]>> = {
  dingtalk: [{ max: 20, windowMs: 60_000 }],
  feishu: [
    { max: 100, windowMs: 60_000 },
    { max: 5, windowMs: 1_000 },
  ],
  wecom: [{ max: 20, windowMs: 60_000 }],
};

/** Largest number of sends in any window [a, a + windowMs) that contains t, counting t itself. */
function busiestWindowWith(sorted: readonly number[], t: number, windowMs: number): number {
  const lo = t - windowMs + 1;
  // Windows holding t start in [lo, t]. The count only changes where a send enters
  // (a = s - windowMs + 1) or leaves (a = s + 1), so those starts, clamped, suffice.
  const starts = new Set([lo, t]);
  for (const s of sorted) {
    for (const a of [s - windowMs + 1, s, s + 1]) if (a >= lo && a <= t) starts.add(a);
  }
  let best = 0;
  for (const a of starts) {
    let n = 1;
    for (const s of sorted) if (s >= a && s < a + windowMs) n++;
    best = Math.max(best, n);
  }
  return best;
}

function allowedAt(sorted: readonly number[], t: number, limits: readonly RateLimit[]): boolean {
  return limits.every((l) => busiestWindowWith(sorted, t, l.windowMs) <= l.max);
}

/**
 * Earliest t >= now at which one more send respects every limit. Sends in the
 * future (reserved by other callers) are honoured too. Only the points where an
 * old send leaves a window (s + windowMs) can turn "not allowed" into "allowed",
 * so those are the only candidates besides `now`.
 */
export function earliestAllowedSend(sends: readonly number[], now: number, limits: readonly RateLimit[]): number {
  const horizon = Math.max(...limits.map((l) => l.windowMs), 0);
  const relevant = sends.filter((s) => s > now - horizon).sort((a, b) => a - b);
  // Sends more than a window in the future cannot share a window with t either,
  // but they are kept: t may move forward towards them.
  const candidates = new Set<number>([now]);
  for (const s of relevant) for (const l of limits) if (s + l.windowMs > now) candidates.add(s + l.windowMs);
  for (const t of [...candidates].sort((a, b) => a - b)) {
    if (allowedAt(relevant, t, limits)) return t;
  }
  // Unreachable: one window after the last send nothing else is in range.
  return Math.max(now, ...relevant.map((s) => s + horizon));
}
