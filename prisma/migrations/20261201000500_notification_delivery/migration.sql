
-- CreateEnum
CREATE TYPE "EscalationKind" AS ENUM ('DEADLINE', 'REVIEW');

-- AlterEnum
ALTER TYPE "NotificationStatus" ADD VALUE 'IN_DOUBT';

-- AlterTable
ALTER TABLE "Escalation" ADD COLUMN     "kind" "EscalationKind" NOT NULL DEFAULT 'DEADLINE';

-- AlterTable
ALTER TABLE "Notification" ADD COLUMN     "batchKey" TEXT,
ADD COLUMN     "deliveredAt" TIMESTAMP(3),
ADD COLUMN     "receipt" JSONB;

