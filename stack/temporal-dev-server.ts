// The Temporal CLI's dev server: a real Temporal frontend, history and
// matching service on SQLite. Embedded default for `npm start` and the tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { waitForPort } from './ports';

export interface RunningTemporal {
  address: string;
  uiUrl?: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** Custom search attributes the workflows set; registered at server start. */
export const SEARCH_ATTRIBUTES = ['DubanCommunity=Keyword', 'DubanRule=Keyword', 'DubanPeriod=Keyword'];

export async function startTemporalDevServer(opts: {
  cliPath: string;
  port: number;
  /** SQLite file for persistent state; omit for in-memory (tests). */
  dbFile?: string;
  uiPort?: number;
  log?: (line: string) => void;
  /** Server dynamic config, `key=value` (tests: e.g. a small history limit that forces continue-as-new). */
  dynamicConfig?: string[];
}): Promise<RunningTemporal> {
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(opts.port),
    '--log-level',
    'warn',
    // WAL and relaxed fsync: the dev server's single SQLite file is the bottleneck otherwise.
    '--sqlite-pragma',
    'journal_mode=WAL',
    '--sqlite-pragma',
    'synchronous=NORMAL',
    ...SEARCH_ATTRIBUTES.flatMap((sa) => ['--search-attribute', sa]),
  ];
  if (opts.dbFile) {
    mkdirSync(path.dirname(opts.dbFile), { recursive: true });
    args.push('--db-filename', opts.dbFile);
  }
  for (const value of opts.dynamicConfig ?? []) args.push('--dynamic-config-value', value);
  if (opts.uiPort) args.push('--ui-port', String(opts.uiPort));
  else args.push('--headless');

  const child = await spawnUntilListening(opts.cliPath, args, { port: opts.port, timeoutMs: 60_000, name: 'Temporal dev server' });
  return {
    address: `127.0.0.1:${opts.port}`,
    uiUrl: opts.uiPort ? `http://127.0.0.1:${opts.uiPort}` : undefined,
    process: child,
    stop: () => stopChild(child),
  };
}

/**
 * Starts a server process and resolves once it listens on `port`; if it exits
 * first, rejects with the tail of its output (the reason a person can act on).
 */
export async function spawnUntilListening(
  command: string,
  args: string[],
  opts: { port: number; timeoutMs: number; name: string; cwd?: string },
): Promise<ChildProcess> {
  const child = spawn(command, args, { cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`${opts.name} exited with code ${code} during start: ${output.trim().slice(-800)}`))),
  );
  await Promise.race([waitForPort('127.0.0.1', opts.port, opts.timeoutMs), exited]);
  exited.catch(() => {});
  return child;
}

/** SIGTERM, then SIGKILL after a grace period; resolves when the process is gone. */
export function stopChild(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
