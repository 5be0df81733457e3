// The one way a test waits for something another process does (a workflow
// writing a row, a mail arriving): poll `probe` until `done` accepts its value,
// or fail with the last value seen. No fixed sleeps: a fast machine does not wait.
export interface EventuallyOptions<T> {
  /** accepted when this returns true (default: the value is truthy) */
  done?: (value: T) => boolean;
  timeoutMs?: number;
  intervalMs?: number;
  /** what is awaited, for the failure message */
  what?: string;
}

export async function eventually<T>(probe: () => T | Promise<T>, options: EventuallyOptions<T> = {}): Promise<T> {
  const { done = (v: T) => Boolean(v), timeoutMs = 20_000, intervalMs = 100, what = 'condition' } = options;
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > until)
      throw new Error(`${what} not reached within ${timeoutMs} ms; last value: ${JSON.stringify(value)?.slice(0, 300)}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
