// Bulk writes for the scale seed (scripts/seed-scale.ts): one INSERT per batch
// of rows, each column sent as one array parameter and unpacked with unnest(),
// so a batch of 20,000 rows costs one round trip and a handful of parameters.
// Never used by the product: rows written here bypass the repositories.
import pg from 'pg';

/** Column name -> PostgreSQL type, e.g. text, int4, timestamp(3), "Role", text[]. Dates are passed as ISO strings (UTC). */
export type ColumnTypes = Readonly<Record<string, string>>;

export interface BulkWriter {
  insert(table: string, columns: ColumnTypes, rows: ReadonlyArray<Readonly<Record<string, unknown>>>): Promise<void>;
  /** Planner statistics after the load, so the first reads do not plan on empty tables. */
  analyze(): Promise<void>;
  close(): Promise<void>;
}

const BATCH = 20_000;

export function bulkWriter(databaseUrl: string): BulkWriter {
  // The seed builds consistent rows itself: skip the foreign-key triggers (a
  // superuser setting, which the embedded cluster's user has) and the wait for
  // the WAL flush; either would make the load several times slower.
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: 4,
    options: '-c session_replication_role=replica -c synchronous_commit=off',
  });
  return {
    async insert(table, columns, rows) {
      const names = Object.keys(columns);
      const list = names.map((n) => `"${n}"`).join(', ');
      // An array-typed column (text[]) travels as its array literal in a text[] parameter, then is cast back.
      const unnest = names.map((n, i) => `$${i + 1}::${columns[n]!.endsWith('[]') ? 'text' : columns[n]}[]`).join(', ');
      const casts = names.map((n, i) => `c${i}::${columns[n]}`).join(', ');
      const sql = `INSERT INTO "${table}" (${list}) SELECT ${casts} FROM unnest(${unnest}) AS u(${names.map((_, i) => `c${i}`).join(', ')})`;
      for (let at = 0; at < rows.length; at += BATCH) {
        const batch = rows.slice(at, at + BATCH);
        await pool.query(
          sql,
          names.map((n) => batch.map((r) => r[n] ?? null)),
        );
      }
    },
    async analyze() {
      await pool.query('ANALYZE');
    },
    close: () => pool.end(),
  };
}
