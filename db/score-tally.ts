// The score tallies: active deductions summed per community, Shanghai month
// and rule (table ScoreTally). Every write path of a deduction, a reversal or
// an accepted appeal calls addToTally in its own transaction, so the tallies
// are exactly the deduction rows summed; the scoreboard reads them instead of
// the rows, and domain/score/score.ts turns them into points.
import { shanghaiDateOf } from '../domain/time/shanghai';
import type { Database, ClientOrTransaction } from './client';
import type { Prisma } from './generated/prisma/client';

/** +1 for a deduction recorded, -1 (with its points) for one reversed. */
export async function addToTally(
  tx: Prisma.TransactionClient,
  entry: { communityId: string; ruleId: string; occurredAt: Date; points: number; sign: 1 | -1 },
): Promise<void> {
  const { year, month } = shanghaiDateOf(entry.occurredAt);
  const points = entry.sign * entry.points;
  await tx.$executeRaw`
    INSERT INTO "ScoreTally" ("year", "month", "communityId", "ruleId", "points", "count")
    VALUES (${year}, ${month}, ${entry.communityId}, ${entry.ruleId}, ${points}::numeric, ${entry.sign})
    ON CONFLICT ("year", "communityId", "month", "ruleId")
    DO UPDATE SET "points" = "ScoreTally"."points" + EXCLUDED."points", "count" = "ScoreTally"."count" + EXCLUDED."count"`;
}

export interface TallyRow {
  communityId: string;
  ruleId: string;
  month: number;
  points: number;
  count: number;
}

/** The tallies of a township's communities for January to `uptoMonth` of `year`. */
export async function townshipTallies(db: ClientOrTransaction, townshipId: string, year: number, uptoMonth: number): Promise<TallyRow[]> {
  return db.$queryRaw<TallyRow[]>`
    SELECT t."communityId", t."ruleId", t."month", t."points"::float8 AS "points", t."count"
    FROM "ScoreTally" t JOIN "Community" c ON c."id" = t."communityId"
    WHERE c."townshipId" = ${townshipId} AND t."year" = ${year} AND t."month" <= ${uptoMonth} AND t."count" > 0`;
}

/** Every tally row of the given communities and year, for checks against the deduction rows. */
export async function communityTallies(db: Database, communityIds: string[], year: number): Promise<TallyRow[]> {
  return db.$queryRaw<TallyRow[]>`
    SELECT "communityId", "ruleId", "month", "points"::float8 AS "points", "count"
    FROM "ScoreTally" WHERE "year" = ${year} AND "communityId" = ANY(${communityIds}) AND "count" <> 0`;
}
