
-- AlterTable
ALTER TABLE "Community" ADD COLUMN     "tags" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- CreateTable
CREATE TABLE "LedgerDeclaration" (
    "id" TEXT NOT NULL,
    "communityId" TEXT NOT NULL,
    "category" TEXT NOT NULL,
    "year" INTEGER NOT NULL,
    "evidenceId" TEXT NOT NULL,
    "note" TEXT,
    "declaredById" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "LedgerDeclaration_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "LedgerDeclaration_communityId_category_year_key" ON "LedgerDeclaration"("communityId", "category", "year");

-- AddForeignKey
ALTER TABLE "LedgerDeclaration" ADD CONSTRAINT "LedgerDeclaration_communityId_fkey" FOREIGN KEY ("communityId") REFERENCES "Community"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

