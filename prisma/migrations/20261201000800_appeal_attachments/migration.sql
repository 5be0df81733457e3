
-- AlterTable
ALTER TABLE "Community" ADD COLUMN     "lat" DOUBLE PRECISION,
ADD COLUMN     "lon" DOUBLE PRECISION;

-- AlterTable
ALTER TABLE "Evidence" ADD COLUMN     "appealId" TEXT;

-- AddForeignKey
ALTER TABLE "Evidence" ADD CONSTRAINT "Evidence_appealId_fkey" FOREIGN KEY ("appealId") REFERENCES "Appeal"("id") ON DELETE SET NULL ON UPDATE CASCADE;

