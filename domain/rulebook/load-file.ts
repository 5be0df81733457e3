/**
 * Reads rulebook files from disk. The only file in domain/ (with cli.ts) that
 * touches the file system; workflow code must not import it.
 */
import { readFile } from 'node:fs/promises';
import { parseRulebook } from './parse';
import { RulebookError } from './errors';
import type { Rulebook } from './types';

/** Loads and validates one rulebook; the path is used as written in messages. */
export async function loadRulebook(path: string): Promise<Rulebook> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new RulebookError(path, [`${path}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? String(error)})`]);
  }
  return parseRulebook(text, path);
}
