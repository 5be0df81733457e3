
-- CreateTable
CREATE TABLE "ScoreTally" (
    "year" INTEGER NOT NULL,
    "month" INTEGER NOT NULL,
    "communityId" TEXT NOT NULL,
    "ruleId" TEXT NOT NULL,
    "points" DECIMAL(10,1) NOT NULL,
    "count" INTEGER NOT NULL,

    CONSTRAINT "ScoreTally_pkey" PRIMARY KEY ("year","communityId","month","ruleId")
);


-- Backfill from the deductions already recorded: active (non-reversed) ones,
-- per Asia/Shanghai month of occurredAt (stored as UTC), as db/score-tally.ts keeps them.
INSERT INTO "ScoreTally" ("year", "month", "communityId", "ruleId", "points", "count")
SELECT EXTRACT(YEAR FROM s."local")::int, EXTRACT(MONTH FROM s."local")::int, s."communityId", s."ruleId", SUM(s."points"), COUNT(*)::int
FROM (
    SELECT d."communityId", d."ruleId", d."points", (d."occurredAt" AT TIME ZONE 'UTC') AT TIME ZONE 'Asia/Shanghai' AS "local"
    FROM "Deduction" d
    WHERE d."kind" = 'DEDUCTION' AND NOT EXISTS (SELECT 1 FROM "Deduction" r WHERE r."reversesId" = d."id")
) s
GROUP BY 1, 2, 3, 4;
