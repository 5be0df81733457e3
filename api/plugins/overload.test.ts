import { afterEach, describe, expect, it, vi } from 'vitest';
import { concurrencyGate } from './overload';

afterEach(() => vi.useRealTimers());

describe('concurrencyGate', () => {
  it('admits up to maxInFlight, queues up to maxQueued, refuses the rest at once', async () => {
    const gate = concurrencyGate({ maxInFlight: 2, maxQueued: 1, maxWaitMs: 10_000 });
    expect(await gate.enter()).toBe(true);
    expect(await gate.enter()).toBe(true);
    const queued = gate.enter();
    expect(gate.queued).toBe(1);
    expect(await gate.enter()).toBe(false); // queue full: refused without waiting
    gate.leave(); // the freed slot goes to the waiting caller
    expect(await queued).toBe(true);
    expect(gate.inFlight).toBe(2);
    gate.leave();
    gate.leave();
    expect(gate.inFlight).toBe(0);
  });

  it('a caller that waited maxWaitMs is refused and leaves the queue', async () => {
    vi.useFakeTimers();
    const gate = concurrencyGate({ maxInFlight: 1, maxQueued: 5, maxWaitMs: 500 });
    await gate.enter();
    const waiting = gate.enter();
    vi.advanceTimersByTime(501);
    expect(await waiting).toBe(false);
    expect(gate.queued).toBe(0);
    gate.leave();
    expect(gate.inFlight).toBe(0);
  });
});
