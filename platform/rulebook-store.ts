// Loads every rulebook file in rulebooks/ once at start. An invalid file stops
// the process with the validator's precise message: a rulebook is never half-applied.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { loadRulebook } from '../domain/rulebook/load-file';
import { effectiveRulebook, type Rulebook } from '../domain';

export interface RulebookStore {
  /** The version governing a period that opens at `at`. */
  forInstant(at: Date): Rulebook | undefined;
  /** The exact version a workflow recorded when its period opened. */
  byVersion(year: number, version: number): Rulebook | undefined;
  all(): readonly Rulebook[];
}

export function rulebookStore(rulebooks: readonly Rulebook[]): RulebookStore {
  return {
    forInstant: (at) => effectiveRulebook(rulebooks, at),
    byVersion: (year, version) => rulebooks.find((r) => r.year === year && r.version === version),
    all: () => rulebooks,
  };
}

export async function loadRulebookStore(directory: string): Promise<RulebookStore> {
  const files = readdirSync(directory)
    .filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'))
    .sort();
  const rulebooks = await Promise.all(files.map((f) => loadRulebook(path.join(directory, f))));
  return rulebookStore(rulebooks);
}
