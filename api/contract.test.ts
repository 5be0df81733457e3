// The web reads the API's response shapes from api/contract.ts and nowhere
// else: this fails when web/src declares a hand copy of one (an object type
// whose fields are all fields of one contract shape, or a union of one
// contract enum's codes), types a request with an inline object literal, or
// imports the contract or zod at run time (zod would land in the bundle).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import * as contract from './contract';

const root = fileURLToPath(new URL('..', import.meta.url));
const WEB = path.join(root, 'web/src');
/** Fewer fields than this may match a contract shape by chance ({ id, name } is everywhere). */
const MIN_FIELDS = 3;
const REQUEST = /^(api\.(get|post|patch|put|del)|postSpreadsheet)$/;

interface Def {
  type: string;
  shape?: Record<string, unknown>;
  element?: unknown;
  innerType?: unknown;
  options?: unknown[];
  valueType?: unknown;
  entries?: Record<string, string>;
  in?: unknown;
  out?: unknown;
}
const defOf = (schema: unknown): Def | undefined => (schema as { _zod?: { def: Def } })?._zod?.def;

/** Every object shape (its field names) and every enum (its codes) reachable from the contract's exports. */
function contractShapes(): { objects: Array<{ name: string; keys: Set<string> }>; enums: Array<{ name: string; values: Set<string> }> } {
  const objects: Array<{ name: string; keys: Set<string> }> = [];
  const enums: Array<{ name: string; values: Set<string> }> = [];
  const seen = new Set<unknown>();
  const walk = (name: string, schema: unknown) => {
    const def = defOf(schema);
    if (!def || seen.has(schema)) return;
    seen.add(schema);
    if (def.shape) {
      objects.push({ name, keys: new Set(Object.keys(def.shape)) });
      for (const [k, v] of Object.entries(def.shape)) walk(`${name}.${k}`, v);
    }
    if (def.entries) enums.push({ name, values: new Set(Object.values(def.entries)) });
    for (const inner of [def.element, def.innerType, def.valueType, def.in, def.out, ...(def.options ?? [])]) if (inner) walk(name, inner);
  };
  for (const [name, value] of Object.entries(contract)) walk(name, value);
  return { objects, enums };
}

function webFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return webFiles(full);
    return /\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts') ? [full] : [];
  });
}

/** What in one web source breaks the contract rule, as "file:line: why". */
export function offences(file: string, source: string, shapes = contractShapes()): string[] {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, file.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const found: string[] = [];
  const at = (node: ts.Node, why: string) => found.push(`${file}:${sf.getLineAndCharacterOfPosition(node.getStart()).line + 1}: ${why}`);
  const typesFile = file.endsWith('api/types.ts');

  const visit = (node: ts.Node) => {
    if (ts.isInterfaceDeclaration(node) || ts.isTypeLiteralNode(node)) {
      const fields = node.members.flatMap((m) => (m.name && (ts.isIdentifier(m.name) || ts.isStringLiteral(m.name)) ? [m.name.text] : []));
      const copy = fields.length >= MIN_FIELDS ? shapes.objects.find((o) => fields.every((f) => o.keys.has(f))) : undefined;
      if (copy) at(node, `hand copy of the contract's ${copy.name} (${fields.join(', ')}): use its type from web/src/api/types.ts`);
      if (typesFile && ts.isInterfaceDeclaration(node))
        at(node, `interface ${node.name.text} in api/types.ts: export Wire<typeof schema> instead`);
    }
    if (ts.isUnionTypeNode(node)) {
      const codes = node.types.flatMap((t) => (ts.isLiteralTypeNode(t) && ts.isStringLiteral(t.literal) ? [t.literal.text] : []));
      const copy =
        codes.length >= 2 && codes.length === node.types.length ? shapes.enums.find((e) => codes.every((c) => e.values.has(c))) : undefined;
      if (copy) at(node, `hand copy of the contract's enum ${copy.name} (${codes.join(' | ')})`);
    }
    if (typesFile && ts.isTypeAliasDeclaration(node)) {
      const t = node.type;
      if (!(ts.isTypeReferenceNode(t) && t.typeName.getText(sf) === 'Wire'))
        at(node, `type ${node.name.text} in api/types.ts is not Wire<typeof schema>`);
    }
    if (ts.isCallExpression(node) && REQUEST.test(node.expression.getText(sf))) {
      for (const arg of node.typeArguments ?? []) {
        let literal = false;
        const find = (n: ts.Node): void => {
          if (ts.isTypeLiteralNode(n)) literal = true;
          else n.forEachChild(find);
        };
        find(arg);
        if (literal) at(arg, `response typed by an inline object type: name its contract type`);
      }
    }
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const from = node.moduleSpecifier.text;
      const clause = node.importClause;
      const typeOnly =
        !!clause &&
        (clause.isTypeOnly ||
          (!clause.name &&
            !!clause.namedBindings &&
            ts.isNamedImports(clause.namedBindings) &&
            clause.namedBindings.elements.every((e) => e.isTypeOnly)));
      if ((/\/api\/contract(\/|$)/.test(from) || from === 'zod' || from.startsWith('zod/')) && !typeOnly)
        at(node, `run-time import of ${from}: import type only (no zod in the browser bundle)`);
    }
    node.forEachChild(visit);
  };
  visit(sf);
  return found;
}

describe('the API contract (api/contract.ts) and the web', () => {
  const shapes = contractShapes();

  it('web/src declares no copy of a response shape or code list, and imports the contract as types only', () => {
    const found = webFiles(WEB).flatMap((file) => offences(path.relative(root, file), readFileSync(file, 'utf8'), shapes));
    expect(found).toEqual([]);
  });

  it('finds planted copies (the search is not blind)', () => {
    const planted = [
      "interface Shift { id: string; dutyDate: string; userName: string; checkIn: 'done' | 'late' }",
      "type Medium = 'email' | 'sms' | 'robot';",
      "const r = await api.get<{ tasks: Task[] }>('/api/tasks');",
      "const x = await api.post<Array<{ month: string; shifts: Shift[] }>>('/api/duty-shifts', {});",
      "import { task } from '../../../api/contract';",
      "import { z } from 'zod';",
    ];
    for (const line of planted) expect(offences('web/src/pages/x.tsx', line, shapes), line).not.toEqual([]);
    expect(offences('web/src/api/types.ts', 'export interface Task { id: string }', shapes)).not.toEqual([]);
    expect(offences('web/src/api/types.ts', 'export type Task = { id: string };', shapes)).not.toEqual([]);
    // What is allowed: a view model of the page's own, the contract's types, a request body.
    for (const line of [
      "import type { Task } from '../../api/types';",
      "import type * as api from '../../../api/contract';",
      'interface HeatmapData { communities: Community[]; items: Item[]; cell(id: string): string }',
      "type Urgency = 'overdue' | 'today' | 'week';",
      "await api.post<Task>('/api/tasks', { evidenceIds: ids, note, units });",
    ])
      expect(offences('web/src/pages/x.tsx', line, shapes), line).toEqual([]);
  });

  it('reads the contract it checks against (its shapes and enums are found)', () => {
    expect(shapes.objects.find((o) => o.name === 'dutyShift')?.keys.has('checkIn')).toBe(true);
    expect(shapes.enums.some((e) => e.values.has('GIVEN_UP'))).toBe(true);
  });
});
