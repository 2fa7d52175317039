-- Victims' case files: the case with its triage answers (JSON), the hash-chained evidence log
-- (files live in the blob store under sha256) and the status of each channel.
CREATE TABLE cases (
	id TEXT PRIMARY KEY,
	owner_id BIGINT REFERENCES users(id),
	key_hash BYTEA,
	share_hash BYTEA,
	lang TEXT NOT NULL,
	triage TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
CREATE INDEX cases_owner ON cases(owner_id);

CREATE TABLE evidence (
	case_id TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
	seq INTEGER NOT NULL,
	sha256 TEXT NOT NULL,
	name TEXT NOT NULL,
	type TEXT NOT NULL,
	size BIGINT NOT NULL,
	note TEXT NOT NULL,
	received_at BIGINT NOT NULL,
	prev_hash TEXT NOT NULL,
	hash TEXT NOT NULL,
	PRIMARY KEY (case_id, seq)
);
CREATE INDEX evidence_sha256 ON evidence(sha256);

CREATE TABLE channel_status (
	case_id TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
	channel TEXT NOT NULL,
	state TEXT NOT NULL,
	reference TEXT NOT NULL,
	notes TEXT NOT NULL,
	follow_up TEXT NOT NULL,
	updated_at BIGINT NOT NULL,
	PRIMARY KEY (case_id, channel)
);
CREATE INDEX channel_status_follow_up ON channel_status(follow_up);
