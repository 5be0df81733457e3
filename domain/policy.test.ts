// The policy module is the only place that lists roles: a role list or a role
// comparison anywhere else in the source fails this test (issue #15).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ACTIONS, may, permissionsOf, POLICY, ROLES, rolesFor } from './policy';

const root = fileURLToPath(new URL('..', import.meta.url));
const FOLDERS = ['api', 'activities', 'db', 'domain', 'workflows', 'platform', 'notify', 'storage', 'worker', 'scripts', 'web/src'];
const SKIP = new Set(['domain/policy.ts', 'db/generated']);
const ROLE = `'(?:${ROLES.join('|')})'`;
/** an array (or set, or `in:` filter) opening with a role or holding two side by side, or a comparison with one */
const LIST = new RegExp(`\\[\\s*${ROLE}|${ROLE}\\s*,\\s*${ROLE}`);
const COMPARISON = new RegExp(`(?:===|!==)\\s*${ROLE}|${ROLE}\\s*(?:===|!==)`);

function sources(dir: string): string[] {
  const rel = path.relative(root, dir);
  if (SKIP.has(rel) || !statSync(dir, { throwIfNoEntry: false })) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' || e.name === 'dist' ? [] : sources(full);
    return /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) && !SKIP.has(path.relative(root, full)) ? [full] : [];
  });
}

describe('domain/policy', () => {
  it('is the only place with a role list or a role comparison', () => {
    const offences = FOLDERS.flatMap((f) => sources(path.join(root, f))).flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .flatMap((line, i) => (LIST.test(line) || COMPARISON.test(line) ? [`${path.relative(root, file)}:${i + 1}: ${line.trim()}`] : [])),
    );
    expect(offences).toEqual([]);
  });

  it('finds a planted role list (the search above is not blind)', () => {
    expect(LIST.test("const EDITORS = ['POLITICAL_LEGAL', 'ADMIN'];")).toBe(true);
    expect(COMPARISON.test("if (me.user.role === 'SECRETARY')")).toBe(true);
    expect(LIST.test("role: { in: ['STAFF'] }")).toBe(true);
    expect(LIST.test("role: { in: rolesFor('tasks.beAssigned') }")).toBe(false);
    expect(LIST.test("user('scale.admin', '系统管理员', 'ADMIN')")).toBe(false);
  });

  it('answers may(), rolesFor() and permissionsOf() from the one table', () => {
    for (const action of ACTIONS) {
      expect(rolesFor(action)).toEqual([...POLICY[action]]);
      for (const role of ROLES) expect(permissionsOf(role).includes(action)).toBe(may(role, action));
    }
    expect(may('ADMIN', 'ledgers.readSensitive')).toBe(false);
    expect(may('STAFF', 'tasks.review')).toBe(false);
    expect(may('SECRETARY', 'tasks.review')).toBe(true);
  });
});
