// Runs a process entry point and turns expected failures (bad configuration,
// unreachable services) into one clear line on stderr instead of a stack trace.
import { ConfigError } from '../config';
import { TemporalUnreachableError } from './temporal';
import { StartupError } from './errors';

const EXPECTED = [ConfigError, TemporalUnreachableError, StartupError];

export function runMain(name: string, main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    if (EXPECTED.some((kind) => error instanceof kind)) {
      console.error(`duban ${name}: ${(error as Error).message}`);
    } else {
      console.error(`duban ${name}: unexpected failure`, error);
    }
    process.exit(1);
  });
}
