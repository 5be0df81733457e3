import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { rulebookYaml } from '../testing/minimal-rulebook';
import { main } from './cli';

const run = promisify(execFile);
const repoRoot = new URL('../..', import.meta.url).pathname;

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) }, out, err };
}

function badRulebookFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'duban-rulebook-'));
  const path = join(dir, 'bad.yaml');
  writeFileSync(
    path,
    rulebookYaml((doc) => (doc.rules[0]!.cadence = { every: 'week' })),
  );
  return path;
}

describe('rulebook CLI', () => {
  it('validates the 2022 rulebook and prints a summary', async () => {
    const { io, out, err } = capture();
    expect(await main(['validate', 'rulebooks/2022.yaml'], io)).toBe(0);
    expect(err).toEqual([]);
    const text = out.join('\n');
    expect(text).toContain('rulebooks/2022.yaml: valid');
    expect(text).toMatch(/1 特殊群体: 20 rules/);
    expect(text).toMatch(/periodic: \d+/);
    expect(text).toMatch(/Maximum yearly deduction from timed obligations: [\d.]+/);
    expect(text).toContain('general.late-submission: -0.5 each, no cap');
  });

  it('prints the precise problems and returns 1 for an invalid file', async () => {
    const path = badRulebookFile();
    const { io, err } = capture();
    expect(await main(['validate', path], io)).toBe(1);
    expect(err[0]).toBe(`${path}: rule fraud.publicity: cadence.every must be one of month|half-month|quarter|year`);
    expect(err.at(-1)).toBe(`1 problem; ${path} is NOT valid`);
  });

  it('returns 2 with usage for a wrong command line', async () => {
    const { io, err } = capture();
    expect(await main(['check'], io)).toBe(2);
    expect(err[0]).toMatch(/^usage:/);
  });

  it('works as a real process through tsx (exit codes 0 and 1)', async () => {
    const ok = await run('npx', ['tsx', 'domain/rulebook/cli.ts', 'validate', 'rulebooks/2022.yaml'], { cwd: repoRoot });
    expect(ok.stdout).toContain('valid');
    const path = badRulebookFile();
    const failure = await run('npx', ['tsx', 'domain/rulebook/cli.ts', 'validate', path], { cwd: repoRoot }).catch(
      (e: unknown) => e as { code: number; stderr: string },
    );
    expect(failure).toMatchObject({ code: 1 });
    expect((failure as { stderr: string }).stderr).toContain('cadence.every must be one of month|half-month|quarter|year');
  }, 60_000);
});
