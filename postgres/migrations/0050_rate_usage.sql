-- What each node counted against the rate limits of accounts, as running totals, so that
-- the nodes sharing this database hold one limit between them (http's limiter reads the other
-- nodes' totals a few times a second). Rows no node touched for a while are deleted.
CREATE TABLE rate_usage (
	node TEXT NOT NULL,
	client TEXT NOT NULL,
	used BIGINT NOT NULL,
	updated BIGINT NOT NULL,
	PRIMARY KEY (node, client)
);
CREATE INDEX rate_usage_updated ON rate_usage(updated);
