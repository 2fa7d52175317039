-- A reputation is computed once, by the node whose write changes it, in the write's
-- transaction; the change says so (scored), and the other nodes read the stored reputation
-- instead of computing it again. A change not scored (appended by a node that does not score)
-- is scored by the first node to reach it. The changes applied before this migration are
-- scored: their reputations were stored by then.
ALTER TABLE changes ADD COLUMN scored BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE changes SET scored = TRUE WHERE seq <= (SELECT coalesce(max(num), 0) FROM intel_state WHERE name = 'applied_change');
CREATE INDEX changes_unscored ON changes(seq) WHERE NOT scored;
