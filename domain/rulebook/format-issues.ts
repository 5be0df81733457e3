/**
 * Turns zod issues into the short English sentences admins read, e.g.
 * "cadence.every must be one of month|half-month|quarter|year".
 * zod's own messages mention JavaScript types; these talk about the YAML.
 */
import type { z } from 'zod';

type Issue = z.core.$ZodIssue;
type Path = ReadonlyArray<PropertyKey>;

export function formatPath(path: Path): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else text += text === '' ? String(segment) : `.${String(segment)}`;
  }
  return text;
}

function valueAt(root: unknown, path: Path): unknown {
  let value = root;
  for (const segment of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[segment as string];
  }
  return value;
}

const TYPE_NAMES: Record<string, string> = {
  array: 'a list',
  object: 'a mapping',
  int: 'a whole number',
  number: 'a number',
  string: 'text',
  boolean: 'true or false',
};

function sentence(path: string, message: string): string {
  return path === '' ? message : `${path} ${message}`;
}

/** True when a union branch rejected the value as a whole (wrong shape), not a part of it. */
function rejectsWholeValue(branch: Issue[]): boolean {
  return branch.some((issue) => issue.path.length === 0 && (issue.code === 'invalid_type' || issue.code === 'invalid_value'));
}

/** "must be regular or a mapping", when no union branch fits the value's shape. */
function describeAlternatives(branches: Issue[][]): string {
  const options: string[] = [];
  for (const branch of branches) {
    for (const issue of branch) {
      if (issue.path.length !== 0) continue;
      if (issue.code === 'invalid_value') options.push(...issue.values.map(String));
      if (issue.code === 'invalid_type') options.push(TYPE_NAMES[issue.expected] ?? issue.expected);
    }
  }
  return `must be ${[...new Set(options)].join(' or ')}`;
}

/**
 * One sentence per problem. `root` is the raw value that was validated (to
 * tell "missing" from "wrong"), `base` the path of `root` inside the issue
 * paths' frame (used for union branches, whose paths are relative).
 */
export function describeIssues(issues: readonly Issue[], root: unknown, base: Path = []): string[] {
  const out: string[] = [];
  for (const issue of issues) {
    const path = [...base, ...issue.path];
    const where = formatPath(path);
    const value = valueAt(root, path);
    switch (issue.code) {
      case 'invalid_type':
        out.push(sentence(where, value === undefined ? 'is required' : `must be ${TYPE_NAMES[issue.expected] ?? issue.expected}`));
        break;
      case 'invalid_value': {
        if (value === undefined) {
          out.push(sentence(where, 'is required'));
          break;
        }
        const values = issue.values.map(String);
        out.push(sentence(where, values.length === 1 ? `must be ${values[0]}` : `must be one of ${values.join('|')}`));
        break;
      }
      case 'too_small': {
        const min = Number(issue.minimum);
        if (issue.origin === 'string') out.push(sentence(where, 'must not be empty'));
        else if (issue.origin === 'array') out.push(sentence(where, `must have at least ${min} item${min === 1 ? '' : 's'}`));
        else out.push(sentence(where, issue.inclusive ? `must be at least ${min}` : `must be greater than ${min}`));
        break;
      }
      case 'too_big': {
        const max = Number(issue.maximum);
        if (issue.origin === 'array') out.push(sentence(where, `must have at most ${max} items`));
        else out.push(sentence(where, issue.inclusive ? `must be at most ${max}` : `must be less than ${max}`));
        break;
      }
      case 'unrecognized_keys':
        for (const key of issue.keys) {
          out.push(`${formatPath([...path, key])} is not a known field`);
        }
        break;
      case 'invalid_union': {
        // Explain the branch that fits the value's shape, with the fewest complaints.
        const branches = issue.errors as Issue[][];
        const fitting = branches.filter((branch) => !rejectsWholeValue(branch)).sort((a, b) => a.length - b.length);
        if (fitting[0]) out.push(...describeIssues(fitting[0], root, path));
        else out.push(sentence(where, value === undefined ? 'is required' : describeAlternatives(branches)));
        break;
      }
      case 'invalid_key':
        out.push(sentence(where, `has an invalid key: ${describeIssues(issue.issues as Issue[], undefined).join('; ')}`));
        break;
      case 'invalid_element':
        out.push(sentence(where, `has an invalid entry: ${describeIssues(issue.issues as Issue[], undefined).join('; ')}`));
        break;
      default:
        // invalid_format and custom carry the messages written in schema.ts
        out.push(sentence(where, issue.message));
    }
  }
  return out;
}
