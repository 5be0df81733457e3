// Backup and restore of duban's data: every table of the database (one
// consistent snapshot) and the evidence folder, into one backup folder.
//
// Why not pg_dump: the embedded PostgreSQL package ships only initdb, pg_ctl
// and postgres (no client tools), and a pg_dump older than the server (Debian
// 12 has 15, the server is 18) refuses to dump it. So the tables are copied
// here as JSON lines through the server itself (row_to_json out,
// json_populate_recordset in), which round-trips every type duban uses
// (bytea ciphertext, jsonb, arrays, enums, timestamps) and needs no tool of a
// matching version. The schema itself is not in the backup: restore runs the
// Prisma migrations of this checkout, and refuses a backup taken at other ones.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { chmod, copyFile, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { Readable } from 'node:stream';
import pg from 'pg';
import { migrateDatabase } from './migrate';

export const MANIFEST = 'manifest.json';
const BATCH_ROWS = 500;
/** Evidence uploads in flight are not evidence yet. */
const SKIPPED_EVIDENCE = new Set(['.incoming']);

export interface BackupManifest {
  format: 'duban-backup/1';
  createdAt: string;
  migrations: string[];
  tables: Record<string, { rows: number; sha256: string }>;
  evidence: Record<string, { bytes: number; sha256: string }> | null;
}

export interface BackupResult {
  dir: string;
  manifest: BackupManifest;
  ms: number;
}

/** Tables of the public schema (Prisma's bookkeeping apart), parents before children. */
async function tablesInLoadOrder(
  client: pg.Client,
): Promise<{ tables: string[]; selfRefs: Map<string, Array<{ column: string; target: string }>> }> {
  const { rows: tables } = await client.query<{ name: string }>(
    "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' AND tablename <> '_prisma_migrations' ORDER BY tablename",
  );
  const { rows: fks } = await client.query<{ child: string; parent: string; column: string; target: string }>(`
    SELECT c.conrelid::regclass::text AS child, c.confrelid::regclass::text AS parent,
           a.attname AS column, af.attname AS target
      FROM pg_constraint c
      JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
      JOIN pg_attribute af ON af.attrelid = c.confrelid AND af.attnum = c.confkey[1]
     WHERE c.contype = 'f' AND c.connamespace = 'public'::regnamespace`);
  const unquote = (n: string) => n.replace(/^"|"$/g, '');
  const parents = new Map(tables.map((t) => [t.name, new Set<string>()]));
  const selfRefs = new Map<string, Array<{ column: string; target: string }>>();
  for (const fk of fks) {
    const [child, parent] = [unquote(fk.child), unquote(fk.parent)];
    if (child === parent) selfRefs.set(child, [...(selfRefs.get(child) ?? []), { column: fk.column, target: fk.target }]);
    else parents.get(child)?.add(parent);
  }
  const ordered: string[] = [];
  const visit = (t: string, seen: Set<string>) => {
    if (ordered.includes(t) || seen.has(t)) return;
    seen.add(t);
    for (const p of parents.get(t) ?? []) visit(p, seen);
    ordered.push(t);
  };
  for (const t of tables) visit(t.name, new Set());
  return { tables: ordered, selfRefs };
}

async function appliedMigrations(client: pg.Client): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(
    'SELECT migration_name AS name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL ORDER BY migration_name',
  );
  return rows.map((r) => r.name);
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * Writes `<dir>/db/<table>.jsonl.gz` for every table from one REPEATABLE READ
 * snapshot (a backup taken while the API and workers run is consistent), a
 * copy of the evidence folder under `<dir>/evidence`, and the manifest with a
 * SHA-256 of every file, written last: a backup without a manifest is unfinished.
 */
export async function backup(opts: {
  databaseUrl: string;
  evidenceDir?: string;
  dir: string;
  log?: (l: string) => void;
}): Promise<BackupResult> {
  const started = Date.now();
  if (existsSync(opts.dir) && (await readdir(opts.dir)).length > 0) throw new Error(`the backup folder ${opts.dir} is not empty`);
  await mkdir(path.join(opts.dir, 'db'), { recursive: true, mode: 0o700 });
  await chmod(opts.dir, 0o700);
  const client = new pg.Client({ connectionString: opts.databaseUrl });
  await client.connect();
  const manifest: BackupManifest = {
    format: 'duban-backup/1',
    createdAt: new Date().toISOString(),
    migrations: [],
    tables: {},
    evidence: null,
  };
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    manifest.migrations = await appliedMigrations(client);
    const { tables } = await tablesInLoadOrder(client);
    for (const [index, table] of tables.entries()) {
      const file = path.join(opts.dir, 'db', `${table}.jsonl.gz`);
      let rows = 0;
      // A cursor keeps memory flat however large the table.
      const cursorName = `backup_${index}`;
      await client.query(`DECLARE ${cursorName} NO SCROLL CURSOR FOR SELECT row_to_json(t)::text AS j FROM ${quote(table)} t`);
      async function* lines() {
        for (;;) {
          const { rows: batch } = await client.query<{ j: string }>(`FETCH ${BATCH_ROWS} FROM ${cursorName}`);
          if (batch.length === 0) return;
          rows += batch.length;
          yield batch.map((r) => `${r.j}\n`).join('');
        }
      }
      await pipeline(Readable.from(lines()), createGzip(), createWriteStream(file, { mode: 0o600 }));
      await client.query(`CLOSE ${cursorName}`);
      manifest.tables[table] = { rows, sha256: await sha256Of(file) };
      opts.log?.(`  ${table}: ${rows} rows`);
    }
    await client.query('COMMIT');
  } finally {
    await client.end();
  }
  if (opts.evidenceDir) {
    manifest.evidence = await copyTree(opts.evidenceDir, path.join(opts.dir, 'evidence'));
    opts.log?.(`  evidence: ${Object.keys(manifest.evidence).length} files`);
  }
  await writeFile(path.join(opts.dir, MANIFEST), JSON.stringify(manifest, null, 2), { mode: 0o600 });
  return { dir: opts.dir, manifest, ms: Date.now() - started };
}

/**
 * Restores a backup into a database (its schema brought to this checkout's
 * migrations first) and an evidence folder. Refuses a backup whose files do not
 * match their checksums, one taken at other migrations, and a database that
 * already holds rows (unless `replace`, which empties every table first).
 * Everything goes in one transaction: a failed restore leaves the database as it was.
 */
export async function restore(opts: {
  databaseUrl: string;
  evidenceDir?: string;
  dir: string;
  replace?: boolean;
  log?: (l: string) => void;
}): Promise<{ manifest: BackupManifest; ms: number }> {
  const started = Date.now();
  const manifestFile = path.join(opts.dir, MANIFEST);
  if (!existsSync(manifestFile)) throw new Error(`${opts.dir} has no ${MANIFEST}: not a backup, or an unfinished one`);
  const manifest = JSON.parse(await readFile(manifestFile, 'utf8')) as BackupManifest;
  if (manifest.format !== 'duban-backup/1') throw new Error(`unknown backup format ${String(manifest.format)}`);
  for (const [table, { sha256 }] of Object.entries(manifest.tables)) {
    if ((await sha256Of(path.join(opts.dir, 'db', `${table}.jsonl.gz`))) !== sha256)
      throw new Error(`the backup file of table ${table} is damaged (checksum differs)`);
  }
  await migrateDatabase(opts.databaseUrl);
  const client = new pg.Client({ connectionString: opts.databaseUrl });
  await client.connect();
  try {
    const migrations = await appliedMigrations(client);
    if (migrations.join() !== manifest.migrations.join()) {
      throw new Error(
        `the backup was taken at other migrations (backup: ${manifest.migrations.at(-1)}, this checkout: ${migrations.at(-1)}): restore it with the version of duban that took it`,
      );
    }
    const { tables, selfRefs } = await tablesInLoadOrder(client);
    const missing = Object.keys(manifest.tables).filter((t) => !tables.includes(t));
    if (missing.length) throw new Error(`the database has no table ${missing.join(', ')}`);
    await client.query('BEGIN');
    if (opts.replace) {
      await client.query(`TRUNCATE ${tables.map(quote).join(', ')} RESTART IDENTITY CASCADE`);
    } else {
      for (const table of tables) {
        const { rows } = await client.query(`SELECT 1 FROM ${quote(table)} LIMIT 1`);
        if (rows.length)
          throw new Error(`table ${table} already has rows: restore into an empty database, or pass --replace to empty it first`);
      }
    }
    for (const table of tables.filter((t) => manifest.tables[t])) {
      let rows = await readRows(path.join(opts.dir, 'db', `${table}.jsonl.gz`));
      if (rows.length !== manifest.tables[table]!.rows)
        throw new Error(`table ${table}: ${rows.length} rows in the file, ${manifest.tables[table]!.rows} in the manifest`);
      rows = parentsFirst(rows, selfRefs.get(table) ?? []);
      for (let i = 0; i < rows.length; i += BATCH_ROWS) {
        const batch = `[${rows.slice(i, i + BATCH_ROWS).join(',')}]`;
        await client.query(`INSERT INTO ${quote(table)} SELECT * FROM json_populate_recordset(NULL::${quote(table)}, $1::json)`, [batch]);
      }
      opts.log?.(`  ${table}: ${rows.length} rows`);
    }
    // Identity and serial columns continue after the restored rows.
    const { rows: serials } = await client.query<{ tbl: string; col: string; seq: string }>(`
      SELECT c.relname AS tbl, a.attname AS col, pg_get_serial_sequence(quote_ident(c.relname), a.attname) AS seq
        FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid
       WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r' AND a.attnum > 0
         AND pg_get_serial_sequence(quote_ident(c.relname), a.attname) IS NOT NULL`);
    for (const s of serials) {
      await client.query(`SELECT setval($1, COALESCE((SELECT max(${quote(s.col)}) FROM ${quote(s.tbl)}), 0) + 1, false)`, [s.seq]);
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    await client.end();
  }
  if (manifest.evidence && opts.evidenceDir) {
    const restored = await copyTree(path.join(opts.dir, 'evidence'), opts.evidenceDir);
    for (const [file, { sha256 }] of Object.entries(manifest.evidence)) {
      if (restored[file]?.sha256 !== sha256) throw new Error(`evidence file ${file} differs from the backup's checksum after copying`);
    }
    opts.log?.(`  evidence: ${Object.keys(restored).length} files`);
  }
  return { manifest, ms: Date.now() - started };
}

/** Rows of a self-referencing table (a reversal points at the deduction it reverses), each after the row it points to. */
function parentsFirst(rows: string[], refs: Array<{ column: string; target: string }>): string[] {
  if (refs.length === 0) return rows;
  const parsed = rows.map((text) => ({ text, row: JSON.parse(text) as Record<string, unknown> }));
  const placed = new Set<unknown>();
  const out: string[] = [];
  let pending = parsed;
  while (pending.length) {
    const next = pending.filter(({ row }) => refs.some((r) => row[r.column] != null && !placed.has(row[r.column])));
    const ready = pending.filter((p) => !next.includes(p));
    if (ready.length === 0) throw new Error('rows that point at each other in a cycle cannot be restored one by one');
    for (const { text, row } of ready) {
      out.push(text);
      for (const r of refs) placed.add(row[r.target]);
    }
    pending = next;
  }
  return out;
}

async function readRows(file: string): Promise<string[]> {
  const rows: string[] = [];
  const lines = createInterface({ input: createReadStream(file).pipe(createGunzip()), crlfDelay: Infinity });
  for await (const line of lines) if (line) rows.push(line);
  return rows;
}

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}

/** Copies a folder tree (files 0600, folders 0700, as evidence storage keeps them); returns each file's size and SHA-256 by relative path. */
async function copyTree(from: string, to: string): Promise<Record<string, { bytes: number; sha256: string }>> {
  const files: Record<string, { bytes: number; sha256: string }> = {};
  await mkdir(to, { recursive: true, mode: 0o700 });
  if (!existsSync(from)) return files;
  for (const entry of await readdir(from, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const source = path.join(entry.parentPath, entry.name);
    const rel = path.relative(from, source);
    if (SKIPPED_EVIDENCE.has(rel.split(path.sep)[0]!)) continue;
    const target = path.join(to, rel);
    await mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
    await copyFile(source, target);
    await chmod(target, 0o600);
    files[rel.split(path.sep).join('/')] = { bytes: (await stat(target)).size, sha256: await sha256Of(target) };
  }
  return files;
}
