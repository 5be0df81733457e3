import { configSchema, type Config } from './schema';

export type { Config } from './schema';

/** Bad configuration: the message names each variable and what it expects, on one line. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses an environment (process.env by default at the composition roots) into a Config. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  // Empty strings mean "unset": `FOO= npm start` should not count as a value.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = configSchema.safeParse(cleaned);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = issue.path.join('.');
    const got = typeof cleaned[name] === 'string' ? ` (got "${redact(name, cleaned[name])}")` : '';
    return `${name} ${issue.message}${got}`;
  });
  throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
}

/** Never echo secrets back, even in an error about them. */
function redact(name: string, value: string | undefined): string {
  if (!value) return '';
  if (/KEY|SECRET|PASSWORD|TOKEN/.test(name)) return '***';
  if (name === 'DATABASE_URL') return value.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
  return value;
}
