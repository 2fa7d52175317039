-- A write no longer numbers its changes: it appends them unnumbered (a negative number of
-- their own, never read as a position in the sequence) and commits without waiting on any
-- other write, so that concurrent writes commit together. The nodes that follow the sequence
-- number what has committed before they read it (changes_number, run by
-- Dialect.NumberChanges): under the change lock, one at a time, every change visible and not
-- yet numbered takes the next numbers, in the order it was written. A change becomes visible
-- only once its write has committed, and one numbering commits before the next begins, so the
-- numbers still become visible in order and a node reading past its last number never skips
-- one (see ARCHITECTURE.md, "The index").
CREATE SEQUENCE changes_unnumbered;
ALTER TABLE changes ALTER COLUMN seq SET DEFAULT -nextval('changes_unnumbered');
CREATE FUNCTION changes_number() RETURNS bigint AS $$ DECLARE n bigint; BEGIN IF NOT EXISTS (SELECT 1 FROM changes WHERE seq < 0) THEN RETURN 0; END IF; PERFORM pg_advisory_xact_lock(7406002); UPDATE changes SET seq = numbered.seq FROM (SELECT old, nextval('changes_seq_seq') AS seq FROM (SELECT seq AS old FROM changes WHERE seq < 0 ORDER BY seq DESC) written) numbered WHERE changes.seq = numbered.old; GET DIAGNOSTICS n = ROW_COUNT; RETURN n; END $$ LANGUAGE plpgsql;
