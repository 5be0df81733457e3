// Under overload the API says so at once (503 + Retry-After) instead of
// letting requests pile up until the database pool's connect timeout turns
// them into 500s. A small concurrency gate: at most `maxInFlight` API
// requests run, at most `maxQueued` wait, and none waits longer than
// `maxWaitMs`. Health, login and static files are never gated (a load
// balancer must see the process alive; people must be able to log in).
import type { FastifyInstance, FastifyReply } from 'fastify';

export interface OverloadOptions {
  maxInFlight: number;
  maxQueued: number;
  maxWaitMs: number;
  /** seconds a client should wait before retrying */
  retryAfterS: number;
}

const BUSY = { error: 'overloaded', message: '系统繁忙，请稍后再试 (server busy, retry shortly)' } as const;
const UNGATED = /^\/api\/(health|auth\/)/;

/** The gate itself, without Fastify: `enter` resolves true when the caller may run, false when it must answer 503. */
export function concurrencyGate(opts: Pick<OverloadOptions, 'maxInFlight' | 'maxQueued' | 'maxWaitMs'>) {
  let inFlight = 0;
  const waiting: Array<{ wake: (admitted: boolean) => void; timer: NodeJS.Timeout }> = [];
  return {
    enter(): Promise<boolean> {
      if (inFlight < opts.maxInFlight) {
        inFlight++;
        return Promise.resolve(true);
      }
      if (waiting.length >= opts.maxQueued) return Promise.resolve(false);
      return new Promise((resolve) => {
        const entry = {
          wake: resolve,
          timer: setTimeout(() => {
            waiting.splice(waiting.indexOf(entry), 1);
            resolve(false);
          }, opts.maxWaitMs),
        };
        waiting.push(entry);
      });
    },
    leave(): void {
      const next = waiting.shift();
      if (next) {
        clearTimeout(next.timer);
        next.wake(true); // the slot passes straight to the next caller
      } else {
        inFlight--;
      }
    },
    get inFlight() {
      return inFlight;
    },
    get queued() {
      return waiting.length;
    },
  };
}

/** Installs the gate on the root instance (hooks added here apply to every route registered after). */
export function installOverloadGate(app: FastifyInstance, opts: OverloadOptions): void {
  const gate = concurrencyGate(opts);
  const admitted = new WeakSet<object>();
  /** requests whose client hung up (before they were answered) */
  const gone = new WeakSet<object>();
  const refuse = (reply: FastifyReply) => reply.status(503).header('retry-after', String(opts.retryAfterS)).send(BUSY);

  app.addHook('onRequest', async (request, reply) => {
    if (!request.url.startsWith('/api/') || UNGATED.test(request.url)) return;
    if (!(await gate.enter())) return refuse(reply);
    if (gone.has(request) || request.raw.socket?.destroyed) {
      // The client hung up while it waited: no response will follow (so no onResponse), and its
      // onRequestAbort, if any, came while it held no slot. The slot goes straight back.
      gate.leave();
      reply.hijack();
      reply.raw.destroy();
      return;
    }
    admitted.add(request);
  });
  // An admitted request gives its slot back once: when its response is done (onResponse, which also
  // runs when a handler answers a client that has gone), or when its client hangs up first (onRequestAbort).
  app.addHook('onResponse', async (request) => {
    if (admitted.delete(request)) gate.leave();
  });
  app.addHook('onRequestAbort', async (request) => {
    gone.add(request);
    if (admitted.delete(request)) gate.leave();
  });
}
