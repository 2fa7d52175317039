-- A write that scores the identifiers it changes takes their locks and then reads what their
-- reputations are computed from. Two statements cost the write a round trip to its node while
-- it holds the locks, and every write to a hot identifier waits for it; locked_inputs does both
-- in one (Dialect.LockedInputs). It takes the locks (keys: ascending, as LockIdentifiers) and
-- then runs q, the read, with kinds and vals as $1 and $2. Run by EXECUTE in a VOLATILE
-- function, q takes its snapshot once the locks are held, so it sees every write to those
-- identifiers that committed before (a single statement's snapshot would be taken before the
-- wait). The columns are those of sqlstore's inputsQuery.
CREATE FUNCTION locked_inputs(keys integer[], q text, kinds text[], vals text[])
	RETURNS TABLE (src integer, kind text, value text, n0 bigint, n1 bigint, n2 integer, n3 bigint, n4 bigint, n5 bigint,
		s0 text, s1 text, s2 text, s3 text, s4 text, s5 text)
AS $$ BEGIN PERFORM pg_advisory_xact_lock(7406003, k) FROM unnest(keys) AS k; RETURN QUERY EXECUTE q USING kinds, vals; END $$
LANGUAGE plpgsql VOLATILE;
