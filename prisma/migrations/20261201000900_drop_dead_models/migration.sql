-- Issue #15: the unused RulebookVersion table goes, and audit rows written by workflow activities get a unique idempotency key.

-- AlterTable
ALTER TABLE "AuditLog" ADD COLUMN     "key" TEXT;

-- DropTable
DROP TABLE "RulebookVersion";

-- CreateIndex
CREATE UNIQUE INDEX "AuditLog_key_key" ON "AuditLog"("key");

