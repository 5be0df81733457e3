import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { earliestAllowedSend, ROBOT_RATE_LIMITS, type RateLimit } from './rate-limit';

const DING = ROBOT_RATE_LIMITS.dingtalk!;
const FEISHU = ROBOT_RATE_LIMITS.feishu!;

/** Largest count of sends in any half-open window [s, s + windowMs). */
function worstWindow(sends: number[], windowMs: number): number {
  const sorted = [...sends].sort((a, b) => a - b);
  let worst = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (j < sorted.length && sorted[j]! < sorted[i]! + windowMs) j++;
    worst = Math.max(worst, j - i);
  }
  return worst;
}

function simulate(requests: number[], limits: readonly RateLimit[]): number[] {
  const sends: number[] = [];
  for (const r of requests) {
    const t = earliestAllowedSend(sends, r, limits);
    expect(t).toBeGreaterThanOrEqual(r);
    sends.push(t);
  }
  return sends;
}

describe('earliestAllowedSend', () => {
  it('DingTalk: the 21st send in a minute waits for the first to leave the window', () => {
    const sends = Array.from({ length: 20 }, (_, i) => 1_000 + i * 100);
    expect(earliestAllowedSend(sends.slice(0, 19), 5_000, DING)).toBe(5_000);
    expect(earliestAllowedSend(sends, 5_000, DING)).toBe(61_000);
  });

  it('Feishu: 5 per second as well as 100 per minute', () => {
    expect(earliestAllowedSend([0, 10, 20, 30, 40], 50, FEISHU)).toBe(1_000);
  });

  it('honours sends reserved in the future by other callers', () => {
    const reserved = Array.from({ length: 20 }, (_, i) => 30_000 + i);
    expect(earliestAllowedSend(reserved, 0, DING)).toBe(90_000);
  });

  it('property: no 60 s window ever holds more than 20 DingTalk sends, and nothing waits needlessly', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 150_000 }), { minLength: 1, maxLength: 80 }), fc.boolean(), (raw, sorted) => {
        const requests = sorted ? [...raw].sort((a, b) => a - b) : raw;
        const sends = simulate(requests, DING);
        expect(worstWindow(sends, 60_000)).toBeLessThanOrEqual(20);
        // Minimality: a send that had to wait could not have gone 1 ms earlier.
        sends.forEach((t, i) => {
          if (t > requests[i]!) {
            const before = sends.slice(0, i);
            expect(worstWindow([...before, t - 1], 60_000)).toBeGreaterThan(20);
          }
        });
      }),
      { numRuns: 200 },
    );
  });

  it('property: Feishu stays within 100/min and 5/s', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 120_000 }), { minLength: 1, maxLength: 60 }), (requests) => {
        const sends = simulate(requests, FEISHU);
        expect(worstWindow(sends, 60_000)).toBeLessThanOrEqual(100);
        expect(worstWindow(sends, 1_000)).toBeLessThanOrEqual(5);
      }),
      { numRuns: 100 },
    );
  });
});
