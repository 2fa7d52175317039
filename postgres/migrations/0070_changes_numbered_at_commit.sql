-- A change takes its number as its transaction commits, not when it is written (it is written
-- with a negative number of its own, never seen outside): a trigger deferred to the commit
-- takes the change lock and numbers the row from the sequence, and the lock is held only
-- from there to the end of the commit. The numbers still commit in
-- order (a node following the sequence never skips one), but a write no longer holds the lock
-- while its node sends the rest of the transaction: writes wait on one another only for the
-- commit itself (see ARCHITECTURE.md, "The index").
CREATE SEQUENCE changes_unnumbered;
ALTER TABLE changes ALTER COLUMN seq SET DEFAULT -nextval('changes_unnumbered');
CREATE FUNCTION changes_number() RETURNS trigger AS $$ BEGIN PERFORM pg_advisory_xact_lock(7406002); UPDATE changes SET seq = nextval('changes_seq_seq') WHERE seq = NEW.seq; RETURN NULL; END $$ LANGUAGE plpgsql;
CREATE CONSTRAINT TRIGGER changes_number AFTER INSERT ON changes DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION changes_number();
