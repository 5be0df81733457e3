
-- AlterEnum
ALTER TYPE "ObligationStatus" ADD VALUE 'SCHEDULED';

