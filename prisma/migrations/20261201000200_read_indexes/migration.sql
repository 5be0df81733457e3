
-- CreateIndex
CREATE INDEX "Obligation_communityId_dueAt_ruleId_status_idx" ON "Obligation"("communityId", "dueAt", "ruleId", "status");

-- CreateIndex
CREATE INDEX "Deduction_occurredAt_idx" ON "Deduction"("occurredAt");

