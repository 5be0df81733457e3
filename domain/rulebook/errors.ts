/**
 * Thrown when a rulebook file is invalid. `problems` holds one line per
 * problem, each naming the file, the rule and the field, e.g.
 *   rulebooks/2022.yaml: rule fraud.publicity: cadence.every must be one of month|half-month|quarter|year
 */
export class RulebookError extends Error {
  override readonly name = 'RulebookError';

  constructor(
    readonly fileName: string,
    readonly problems: readonly string[],
  ) {
    super(problems.join('\n'));
  }
}
