/**
 * Rulebook command line.
 *   npx tsx domain/rulebook/cli.ts validate rulebooks/2022.yaml [--subjects N]
 * Prints a summary, or the problems and exit code 1.
 */
import { pathToFileURL } from 'node:url';
import { RulebookError } from './errors';
import { loadRulebook } from './load-file';
import { summarizeRulebook } from './summary';
import type { Rulebook } from './types';

const USAGE = 'usage: tsx domain/rulebook/cli.ts validate <rulebook.yaml> [--subjects N]';

export interface CliIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

const consoleIo: CliIo = { out: (l) => console.log(l), err: (l) => console.error(l) };

/** Runs the CLI and returns the exit code (kept separate from process.exit for tests). */
export async function main(args: readonly string[], io: CliIo = consoleIo): Promise<number> {
  const [command, path, ...rest] = args;
  if (command !== 'validate' || !path) {
    io.err(USAGE);
    return 2;
  }
  let subjectsPerCategory = 0;
  if (rest.length > 0) {
    const value = rest[0] === '--subjects' ? Number(rest[1]) : NaN;
    if (!Number.isInteger(value) || value < 0 || rest.length !== 2) {
      io.err(USAGE);
      return 2;
    }
    subjectsPerCategory = value;
  }

  let rulebook: Rulebook;
  try {
    rulebook = await loadRulebook(path);
  } catch (error) {
    if (error instanceof RulebookError) {
      for (const problem of error.problems) io.err(problem);
      io.err(`${error.problems.length} problem${error.problems.length === 1 ? '' : 's'}; ${path} is NOT valid`);
      return 1;
    }
    throw error;
  }
  printSummary(rulebook, subjectsPerCategory, io);
  return 0;
}

function printSummary(rulebook: Rulebook, subjectsPerCategory: number, io: CliIo): void {
  const summary = summarizeRulebook(rulebook, { subjectsPerCategory });
  io.out(
    `${rulebook.fileName}: valid — ${rulebook.title} (year ${rulebook.year}, version ${rulebook.version}, effective from ${rulebook.effectiveFrom})`,
  );
  io.out(`${rulebook.rules.length} rules, base score ${rulebook.baseScore}`);
  io.out('');
  io.out('Rules per section (max deduction from timed obligations):');
  for (const s of summary.sections) io.out(`  ${s.number} ${s.title}: ${s.rules} rules, max -${s.maxDeduction}`);
  io.out('');
  io.out('Rules per kind:');
  for (const k of summary.kinds) io.out(`  ${k.kind}: ${k.rules}`);
  io.out('');
  io.out(`Maximum yearly deduction from timed obligations: ${summary.maxTimedDeduction}`);
  io.out(`  assuming ${summary.assumption}`);
  io.out('Recorded per occurrence (incidents and late reports), capped as their clause says:');
  const CAP_TEXT = { 'per-occurrence': 'no cap', 'per-month': 'at most once a month', 'per-year': 'at most once a year' } as const;
  for (const r of summary.perOccurrence) io.out(`  ${r.ruleId}: -${r.amount} each, ${CAP_TEXT[r.counting]}`);
}

// Run only when executed directly, not when imported by tests.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
