// Scoreboard latency at prefecture size: 3,000 communities in one township
// with a full year of score tallies, read through the real scoreboard service
// (tallies query + the one score function + ranking + one page) on an embedded
// PostgreSQL: cold (no change feed, so every read recomputes the township, as
// right after a deduction commits) and warm (the change feed live, nothing
// changed since the last read). `npm run bench` runs it as its own part; alone:
//   npx tsx bench/scoreboard.ts     (BENCH_SCOREBOARD_COMMUNITIES, default 3000)
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { scoreboardService } from '../api/services/scoreboard-service';
import type { SessionUser } from '../db/auth-repository';
import { createDatabase } from '../db/client';
import { listenForChanges } from '../db/change-feed';
import { scoreboardRepository } from '../db/scoreboard-repository';
import { scoreTownship } from '../domain';
import { loadRulebookStore } from '../platform/rulebook-store';
import { migrateDatabase } from '../stack/migrate';
import { freePort } from '../stack/ports';
import { startEmbeddedPostgres } from '../stack/postgres';
import { projectRoot } from '../stack/paths';

export interface ScoreboardBenchResult {
  communities: number;
  tallyRows: number;
  runs: number;
  /** one row per reader and cache state: p50 and p95 in ms */
  readers: Array<{ who: string; p50: number; p95: number }>;
  /** the score function alone on the loaded rows, p95 ms */
  scoreFunctionP95: number;
}

const YEAR = 2026;
const RUNS = Number(process.env.BENCH_SCOREBOARD_RUNS || 30);

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function timed(runs: number, fn: () => unknown): Promise<number[]> {
  for (let i = 0; i < 5; i++) await fn(); // warm-up
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    out.push(performance.now() - start);
  }
  return out;
}

export async function benchScoreboard(log: (line: string) => void, communities = 3000): Promise<ScoreboardBenchResult> {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'duban-bench-score-'));
  chmodSync(scratch, 0o755);
  const postgres = await startEmbeddedPostgres({ dataDir: path.join(scratch, 'pg'), port: await freePort(), database: 'duban_score' });
  const db = createDatabase(postgres.url);
  try {
    await migrateDatabase(postgres.url);
    const rulebooks = await loadRulebookStore(path.join(projectRoot, 'rulebooks'));
    const rulebook = rulebooks.forInstant(new Date(`${YEAR}-12-31T00:00:00+08:00`))!;
    const township = await db.township.create({ data: { code: 'bench', name: '基准镇' } });
    await db.$executeRaw`INSERT INTO "Community" ("id", "townshipId", "code", "name")
      SELECT gen_random_uuid()::text, ${township.id}, 'c-' || lpad(g::text, 5, '0'), '社区' || g FROM generate_series(1, ${communities}) g`;
    const ids = (await db.community.findMany({ where: { townshipId: township.id }, select: { id: true }, orderBy: { code: 'asc' } })).map(
      (c) => c.id,
    );

    // A year like the seeded prefecture (~15 deductions a community): 15 tally rows each,
    // spread over rules and months with a fixed pseudo-random sequence.
    const rules = rulebook.rules.filter((r) => r.deduction.amount > 0);
    let seed = 42;
    const next = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    const rows = new Map<string, { year: number; month: number; communityId: string; ruleId: string; points: number; count: number }>();
    for (const communityId of ids) {
      for (let k = 0; k < 15; k++) {
        const rule = rules[next(rules.length)]!;
        const month = 1 + next(12);
        const count = 1 + next(3);
        rows.set(`${communityId}|${month}|${rule.id}`, {
          year: YEAR,
          month,
          communityId,
          ruleId: rule.id,
          points: rule.deduction.amount * count,
          count,
        });
      }
    }
    const all = [...rows.values()];
    for (let i = 0; i < all.length; i += 5000) await db.scoreTally.createMany({ data: all.slice(i, i + 5000) });
    await db.$executeRawUnsafe('ANALYZE');
    log(`scoreboard: ${communities} communities, ${all.length} tally rows of ${YEAR}`);

    const cold = scoreboardService({ repo: scoreboardRepository(db), rulebooks });
    const changes = listenForChanges(postgres.url);
    while (!changes.live) await new Promise((resolve) => setTimeout(resolve, 20));
    const warm = scoreboardService({ repo: scoreboardRepository(db), rulebooks, changes });
    const user = (scope: string[]): SessionUser => ({
      id: 'bench',
      username: 'bench',
      displayName: '基准',
      role: 'POLITICAL_LEGAL',
      townshipId: township.id,
      scope,
      memberOf: [],
    });
    // Mid-December: the month is current, so points at risk are queried too (for the page read).
    const now = new Date(`${YEAR}-12-15T10:00:00+08:00`);
    const q = { year: YEAR, month: 12 };
    const firstPage = { offset: 0, limit: 100 };
    const readers: ScoreboardBenchResult['readers'] = [];
    for (const [state, service] of [
      ['cold', cold],
      ['cached', warm],
    ] as const) {
      const zhengfa = await timed(RUNS, () => service.compute(user(ids), q, firstPage, now));
      const staff = await timed(RUNS, () => service.compute(user([ids[17]!]), q, firstPage, now));
      readers.push(
        { who: `政法委员, first page of 100 (${state})`, p50: percentile(zhengfa, 50), p95: percentile(zhengfa, 95) },
        { who: `staff, one community ranked township-wide (${state})`, p50: percentile(staff, 50), p95: percentile(staff, 95) },
      );
    }
    await changes.close();
    const loaded = await scoreboardRepository(db).tallies(township.id, YEAR, 12);
    const pure = await timed(RUNS, () => scoreTownship({ rulebook, communityIds: ids, rows: loaded, month: 12 }));
    return {
      communities,
      tallyRows: all.length,
      runs: RUNS,
      readers,
      scoreFunctionP95: percentile(pure, 95),
    };
  } finally {
    await db.$disconnect();
    await postgres.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const n = Number(process.env.BENCH_SCOREBOARD_COMMUNITIES || 3000);
  const result = await benchScoreboard((line) => console.log(`[bench] ${line}`), n);
  console.log(JSON.stringify(result, null, 2));
}
