
-- AlterTable
ALTER TABLE "LedgerSubject" ADD COLUMN     "fields" JSONB,
ADD COLUMN     "flags" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- AlterTable
ALTER TABLE "Obligation" ADD COLUMN     "periodLabel" TEXT NOT NULL,
ADD COLUMN     "points" DECIMAL(6,1) NOT NULL,
ADD COLUMN     "section" INTEGER NOT NULL,
ADD COLUMN     "title" TEXT NOT NULL;

