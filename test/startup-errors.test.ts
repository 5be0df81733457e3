import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { projectRoot } from '../stack/paths';
import { freePort } from '../stack/ports';

function runEntry(entry: string, env: Record<string, string>) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', path.join(projectRoot, entry)], {
    env: { PATH: process.env.PATH!, HOME: process.env.HOME ?? '/tmp', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: result.status, stderrLines: result.stderr.trim().split('\n').filter(Boolean) };
}

describe('bad configuration stops a process with one clear line', () => {
  it('names a malformed DATABASE_URL', () => {
    const { code, stderrLines } = runEntry('api/server.ts', { DATABASE_URL: 'localhost:5432/duban', TEMPORAL_ADDRESS: '127.0.0.1:7233' });
    expect(code).toBe(1);
    expect(stderrLines).toEqual([
      'duban api: invalid configuration: DATABASE_URL must be a URL like postgresql://user:password@host:5432/database (got "localhost:5432/duban")',
    ]);
  });

  it('names an unreachable TEMPORAL_ADDRESS', async () => {
    const port = await freePort();
    const { code, stderrLines } = runEntry('worker/main.ts', {
      DATABASE_URL: 'postgresql://u:p@127.0.0.1:1/x',
      TEMPORAL_ADDRESS: `127.0.0.1:${port}`,
    });
    expect(code).toBe(1);
    expect(stderrLines).toHaveLength(1);
    expect(stderrLines[0]).toMatch(new RegExp(`^duban worker: cannot reach Temporal at 127\\.0\\.0\\.1:${port} \\(TEMPORAL_ADDRESS\\): `));
  });

  it('names an unreachable database', async () => {
    const port = await freePort();
    const { code, stderrLines } = runEntry('api/server.ts', {
      DATABASE_URL: `postgresql://u:secret@127.0.0.1:${port}/x`,
      TEMPORAL_ADDRESS: '127.0.0.1:7233',
    });
    expect(code).toBe(1);
    expect(stderrLines).toHaveLength(1);
    expect(stderrLines[0]).toContain(`duban api: cannot reach PostgreSQL at 127.0.0.1:${port} (DATABASE_URL)`);
    expect(stderrLines[0]).not.toContain('secret');
  });
});
