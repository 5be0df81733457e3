
-- DropTable
DROP TABLE "RulebookVersion";

