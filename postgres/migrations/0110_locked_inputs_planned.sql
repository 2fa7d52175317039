-- Migration 0100's locked_inputs ran the read it was given with EXECUTE, which plans it
-- anew at every call: 4-8 ms of planning on this machine's loaded cores, under the locks,
-- more than the round trip it saved. This one holds the read itself, whose plan PL/pgSQL
-- caches.
DROP FUNCTION locked_inputs(integer[], text, text[], text[]);
-- A write that scores the identifiers it changes takes their locks and then reads what their
-- reputations are computed from. As two statements, that cost the write a round trip to its
-- node while it held the locks, and every write to a hot identifier waited for it;
-- locked_inputs does both in one (Dialect.LockedInputs). It takes the locks keys (ascending,
-- as LockIdentifiers; none when empty), then reads the rows of sqlstore's inputsQuery (the
-- same columns, parts and order) for the identifiers whose kinds and values are the arrays
-- kinds and vals. In a VOLATILE function each statement takes its own snapshot, so the read
-- sees every write to those identifiers committed before the locks were granted (a single
-- statement's snapshot would be taken before the wait); its plan is cached, as a prepared
-- statement's is.
CREATE FUNCTION locked_inputs(keys integer[], kinds text[], vals text[])
	RETURNS TABLE (src integer, out_kind text, out_value text, n0 bigint, n1 bigint, n2 integer, n3 bigint, n4 bigint, n5 bigint,
		s0 text, s1 text, s2 text, s3 text, s4 text, s5 text)
AS $$ BEGIN
	PERFORM pg_advisory_xact_lock(7406003, k) FROM unnest(keys) AS k; RETURN QUERY
	SELECT 0, i.kind, i.value, r.id, r.reporter_id, r.trust, r.created_at, CAST(NULL AS BIGINT), CAST(NULL AS BIGINT),
			r.status, r.scam_type, r.amount, r.currency, r.occurred_on, r.source
		FROM report_identifiers i JOIN reports r ON r.id = i.report_id WHERE (i.kind, i.value) IN (SELECT * FROM unnest(kinds, vals))
	UNION ALL SELECT 1, f.kind, f.value, f.id, f.user_id, NULL, f.created_at, NULL, NULL,
			f.comment, NULL, NULL, NULL, NULL, f.source
		FROM feedback f WHERE (f.kind, f.value) IN (SELECT * FROM unnest(kinds, vals))
	UNION ALL SELECT 2, a.kind, a.value, a.id, a.decided_by, CASE WHEN a.verified THEN 1 ELSE 0 END, a.created_at, a.decided_at, NULL,
			a.reason, a.contact, a.method, a.token, a.status, a.decision
		FROM appeals a WHERE (a.kind, a.value) IN (SELECT * FROM unnest(kinds, vals))
	UNION ALL SELECT 3, m.kind, m.value, m.score, m.reports, m.reporters, m.first_seen, m.last_seen, CASE WHEN m.confirmed THEN 1 ELSE 0 END,
			m.source, m.scam_types, NULL, NULL, NULL, NULL
		FROM imported m WHERE (m.kind, m.value) IN (SELECT * FROM unnest(kinds, vals))
	ORDER BY 1, 4; END $$
LANGUAGE plpgsql VOLATILE;
