
-- CreateIndex
CREATE INDEX "Evidence_communityId_createdAt_idx" ON "Evidence"("communityId", "createdAt");

