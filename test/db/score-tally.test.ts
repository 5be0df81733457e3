// The score tallies against a full recomputation from the deduction rows, on
// the real database: random deductions (some retried with the same key),
// incidents, reversals and accepted appeals through every write path, then
// the stored tallies must equal the rows summed, and the score from the
// tallies must equal the score from the rows one by one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { deductionRepository } from '../../db/deduction-repository';
import { deductionStore } from '../../db/deduction-store';
import { communityTallies, type TallyRow } from '../../db/score-tally';
import { parseRulebook } from '../../domain/rulebook/parse';
import { scoreTownship } from '../../domain/score/score';
import { shanghaiDateOf } from '../../domain/time/shanghai';
import { connectTestStack, type TestStack } from '../support/stack';
import { createTestTownship, type TestTownship } from '../support/fixtures';

const rulebook = parseRulebook(readFileSync(new URL('../../rulebooks/2022.yaml', import.meta.url), 'utf8'), 'rulebooks/2022.yaml');
const scored = rulebook.rules.filter((r) => r.deduction.amount > 0);

type Op =
  | { kind: 'record'; community: number; rule: number; key: number; minute: number }
  | { kind: 'incident'; community: number; rule: number; key: number; minute: number }
  | { kind: 'reverse'; pick: number }
  | { kind: 'appeal'; pick: number; accept: boolean };

// Minutes across 2022 and the first days of 2023, so month and year edges are crossed.
const minute = fc.integer({ min: 0, max: 370 * 24 * 60 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('record' as const),
    community: fc.integer({ min: 0, max: 1 }),
    rule: fc.integer({ min: 0, max: scored.length - 1 }),
    key: fc.integer({ min: 0, max: 40 }),
    minute,
  }),
  fc.record({
    kind: fc.constant('incident' as const),
    community: fc.integer({ min: 0, max: 1 }),
    rule: fc.integer({ min: 0, max: scored.length - 1 }),
    key: fc.integer({ min: 0, max: 40 }),
    minute,
  }),
  fc.record({ kind: fc.constant('reverse' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('appeal' as const), pick: fc.nat(), accept: fc.boolean() }),
);

describe('score tallies', () => {
  let stack: TestStack;
  let t: TestTownship;
  beforeAll(async () => {
    stack = await connectTestStack();
    t = await createTestTownship(stack.db, 'tally');
  });
  afterAll(async () => stack?.close());

  /** The deduction rows summed per community, Shanghai month and rule: what the tallies must hold. */
  async function recomputed(communityIds: string[]): Promise<Map<string, TallyRow & { year: number }>> {
    const rows = await stack.db.deduction.findMany({
      where: { communityId: { in: communityIds }, kind: 'DEDUCTION', reversedBy: { is: null } },
    });
    const sums = new Map<string, TallyRow & { year: number }>();
    for (const r of rows) {
      const { year, month } = shanghaiDateOf(r.occurredAt);
      const key = `${year}|${r.communityId}|${month}|${r.ruleId}`;
      const s = sums.get(key) ?? { year, communityId: r.communityId, ruleId: r.ruleId, month, points: 0, count: 0 };
      s.points = Math.round((s.points + Number(r.points)) * 10) / 10;
      s.count += 1;
      sums.set(key, s);
    }
    return sums;
  }

  it('equal the deduction rows summed after any mix of deductions, retries, incidents, reversals and appeals', async () => {
    const communities = [t.community.id, t.otherCommunity.id];
    const store = deductionStore(stack.db);
    const repo = deductionRepository(stack.db);
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 25 }), async (ops) => {
        run += 1;
        for (const op of ops) {
          if (op.kind === 'record' || op.kind === 'incident') {
            const rule = scored[op.rule]!;
            const communityId = communities[op.community]!;
            const occurredAt = new Date(Date.UTC(2021, 11, 31, 16) + op.minute * 60_000);
            const base = {
              communityId,
              ruleId: rule.id,
              section: String(rule.section),
              item: rule.item,
              points: rule.deduction.amount,
              explanation: '测试扣分',
              occurredAt,
            };
            // Keys repeat within a run: a retry must add nothing.
            const businessKey = `${rule.id}|${communityId}|${op.kind}-${run}-${op.key}`;
            if (op.kind === 'record') await store.recordOnce({ ...base, businessKey, recordedBy: 'auto:deadline' });
            else await repo.recordIncident({ ...base, businessKey }, { userId: t.users.zhengfa });
          } else {
            const active = await stack.db.deduction.findMany({
              where: { communityId: { in: communities }, kind: 'DEDUCTION', reversedBy: { is: null } },
              orderBy: { businessKey: 'asc' },
            });
            if (active.length === 0) continue;
            const original = (await repo.findById(communities, active[op.pick % active.length]!.id))!;
            if (op.kind === 'reverse') await repo.reverse(original, '核实有误', { userId: t.users.zhengfa });
            else {
              const appeal = (await repo.fileAppeal(original, '申诉', [], { userId: t.users.staff }))!;
              await repo.decideAppeal(appeal, original, op.accept ? 'ACCEPTED' : 'REJECTED', '已核实', { userId: t.users.leader });
            }
          }
        }
        const expected = await recomputed(communities);
        for (const year of [2022, 2023]) {
          const stored = await communityTallies(stack.db, communities, year);
          const want = [...expected.values()].filter((r) => r.year === year).map(({ year: _y, ...r }) => r);
          const order = (rows: TallyRow[]) => rows.map((r) => `${r.communityId}|${r.month}|${r.ruleId}|${r.points}|${r.count}`).sort();
          expect(order(stored)).toEqual(order(want));
        }
        // The score from the tallies is the score from the rows, each row one deduction.
        const rows2022 = await stack.db.deduction.findMany({
          where: { communityId: { in: communities }, kind: 'DEDUCTION', reversedBy: { is: null } },
        });
        const singles = rows2022
          .map((r) => ({ r, at: shanghaiDateOf(r.occurredAt) }))
          .filter(({ at }) => at.year === 2022)
          .map(({ r, at }) => ({ communityId: r.communityId, ruleId: r.ruleId, month: at.month, points: Number(r.points), count: 1 }));
        const fromTallies = scoreTownship({
          rulebook,
          communityIds: communities,
          rows: await communityTallies(stack.db, communities, 2022),
          month: 12,
        });
        const fromRows = scoreTownship({ rulebook, communityIds: communities, rows: singles, month: 12 });
        expect(fromTallies.communities.map((c) => [c.total, c.rank])).toEqual(fromRows.communities.map((c) => [c.total, c.rank]));
      }),
      { numRuns: 25 },
    );
  }, 300_000);
});
