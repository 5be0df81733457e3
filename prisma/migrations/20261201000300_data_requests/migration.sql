
-- AlterTable
ALTER TABLE "DataRequest" ADD COLUMN     "communityIds" TEXT[],
ADD COLUMN     "note" TEXT,
ADD COLUMN     "opensAt" TIMESTAMP(3) NOT NULL;

-- CreateIndex
CREATE INDEX "DataRequest_townshipId_createdAt_idx" ON "DataRequest"("townshipId", "createdAt");

