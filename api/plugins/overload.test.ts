import Fastify from 'fastify';
import { request } from 'node:http';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { concurrencyGate, installOverloadGate } from './overload';

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

describe('installOverloadGate on a real server', () => {
  /** A request whose client hangs up `afterMs` after sending it (mid-handler or mid-download). */
  const hangUpAfter = (port: number, method: 'GET' | 'POST', path: string, afterMs: number) =>
    new Promise<void>((resolve) => {
      const req = request({ host: '127.0.0.1', port, method, path, headers: { 'content-type': 'application/json' } });
      req.on('error', () => resolve());
      req.on('response', (res) => res.resume());
      req.end(method === 'POST' ? JSON.stringify({ note: 'x'.repeat(1000) }) : undefined);
      setTimeout(() => {
        req.destroy();
        resolve();
      }, afterMs);
    });

  it('gives every slot back when clients hang up during a handler or a download', async () => {
    const app = Fastify();
    installOverloadGate(app, { maxInFlight: 2, maxQueued: 10, maxWaitMs: 300, retryAfterS: 1 });
    // A download that trickles for 2 s, and a write that takes 200 ms to answer.
    app.get('/api/download', async (_req, reply) => {
      let sent = 0;
      const body = new Readable({ read() {} });
      const timer = setInterval(() => (++sent > 40 ? (clearInterval(timer), body.push(null)) : body.push('x'.repeat(1024))), 50);
      body.on('close', () => clearInterval(timer));
      return reply.send(body);
    });
    app.post('/api/write', async () => {
      await new Promise((resolve) => setTimeout(resolve, 200));
      return { ok: true };
    });
    app.get('/api/ping', async () => ({ ok: true }));
    await app.listen({ host: '127.0.0.1', port: 0 });
    const port = (app.server.address() as { port: number }).port;
    try {
      for (let round = 0; round < 3; round++)
        await Promise.all([hangUpAfter(port, 'GET', '/api/download', 120), hangUpAfter(port, 'POST', '/api/write', 60)]);
      await new Promise((resolve) => setTimeout(resolve, 400));
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await fetch(`http://127.0.0.1:${port}/api/ping`)).status);
      expect(statuses).toEqual([200, 200, 200]);
    } finally {
      await app.close();
    }
  });
});
