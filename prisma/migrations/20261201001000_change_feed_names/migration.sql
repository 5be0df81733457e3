-- The export's detail sheet prints who recorded each deduction and whom it
-- concerned, and a finished export is kept until the change feed moves
-- (api/services/scoreboard-workbooks.ts): renaming a user or a ledger subject
-- moves it too. Only a change of the name: "User" rows are also written at
-- every login (failed attempts, lock-out), which must not drop the caches.
CREATE TRIGGER "User_notify_change" AFTER UPDATE OF "displayName" ON "User"
  FOR EACH STATEMENT EXECUTE FUNCTION duban_notify_change();

CREATE TRIGGER "LedgerSubject_notify_change" AFTER UPDATE OF "displayName" OR DELETE ON "LedgerSubject"
  FOR EACH STATEMENT EXECUTE FUNCTION duban_notify_change();
