-- The change feed (db/change-feed.ts): every statement that writes the score
-- tallies or the communities tells listening API processes, so that a cached
-- scoreboard is dropped the moment a deduction, reversal or appeal commits, in
-- whichever process wrote it. NOTIFY is delivered on commit only, and one
-- notification per table per transaction (PostgreSQL folds duplicates).
-- Each semicolon inside the function body is written \073: Prisma's migration
-- runner splits the file at every semicolon, even inside quotes and comments.
CREATE FUNCTION duban_notify_change() RETURNS trigger LANGUAGE plpgsql AS
  E'BEGIN PERFORM pg_notify(''duban_changes'', TG_TABLE_NAME)\073 RETURN NULL\073 END';

CREATE TRIGGER "ScoreTally_notify_change" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "ScoreTally"
  FOR EACH STATEMENT EXECUTE FUNCTION duban_notify_change();

CREATE TRIGGER "Community_notify_change" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "Community"
  FOR EACH STATEMENT EXECUTE FUNCTION duban_notify_change();
