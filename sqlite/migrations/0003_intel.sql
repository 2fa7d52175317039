-- Community reports, moderation, appeals, reputation and the change sequence that keeps every
-- node's lookup index in step.
CREATE TABLE reports (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	status TEXT NOT NULL CHECK (status IN ('pending', 'confirmed', 'rejected', 'merged', 'needs_info')),
	scam_type TEXT NOT NULL,
	platform TEXT NOT NULL DEFAULT '',
	amount TEXT NOT NULL DEFAULT '',
	currency TEXT NOT NULL DEFAULT '',
	occurred_on TEXT NOT NULL DEFAULT '',
	narrative TEXT NOT NULL,
	evidence TEXT NOT NULL DEFAULT '[]',
	reporter_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
	trust INTEGER NOT NULL,
	source TEXT NOT NULL DEFAULT '',
	merged_into INTEGER,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
CREATE INDEX reports_status ON reports(status, id);
CREATE INDEX reports_reporter ON reports(reporter_id, created_at);
CREATE INDEX reports_source ON reports(source, created_at);
CREATE INDEX reports_created ON reports(created_at);

CREATE TABLE report_identifiers (
	report_id INTEGER NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
	kind TEXT NOT NULL,
	value TEXT NOT NULL,
	PRIMARY KEY (report_id, kind, value)
);
CREATE INDEX report_identifiers_value ON report_identifiers(kind, value);

CREATE TABLE feedback (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	kind TEXT NOT NULL,
	value TEXT NOT NULL,
	user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
	source TEXT NOT NULL DEFAULT '',
	comment TEXT NOT NULL DEFAULT '',
	created_at BIGINT NOT NULL
);
CREATE INDEX feedback_value ON feedback(kind, value);
CREATE INDEX feedback_created ON feedback(created_at);

CREATE TABLE appeals (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	kind TEXT NOT NULL,
	value TEXT NOT NULL,
	reason TEXT NOT NULL,
	contact TEXT NOT NULL DEFAULT '',
	method TEXT NOT NULL,
	token TEXT NOT NULL DEFAULT '',
	status TEXT NOT NULL CHECK (status IN ('awaiting_proof', 'review', 'upheld', 'rejected')),
	verified BOOLEAN NOT NULL DEFAULT FALSE,
	created_at BIGINT NOT NULL,
	decided_at BIGINT,
	decided_by INTEGER,
	decision TEXT NOT NULL DEFAULT ''
);
CREATE INDEX appeals_value ON appeals(kind, value);
CREATE INDEX appeals_status ON appeals(status, id);

-- Who did what, when and why. Kept when accounts go: actor_id is not a foreign key.
CREATE TABLE audit_log (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	actor_id INTEGER NOT NULL DEFAULT 0,
	action TEXT NOT NULL,
	subject TEXT NOT NULL,
	reason TEXT NOT NULL,
	at BIGINT NOT NULL
);
CREATE INDEX audit_log_subject ON audit_log(subject, id);

-- Every change to what is known about an identifier, in commit order.
CREATE TABLE changes (
	seq INTEGER PRIMARY KEY AUTOINCREMENT,
	kind TEXT NOT NULL,
	value TEXT NOT NULL,
	at BIGINT NOT NULL
);

-- The reputation of each identifier, recomputed on change; the index is built from it.
CREATE TABLE reputations (
	kind TEXT NOT NULL,
	value TEXT NOT NULL,
	score INTEGER NOT NULL,
	reports INTEGER NOT NULL,
	reporters INTEGER NOT NULL,
	confirmed BOOLEAN NOT NULL,
	delisted BOOLEAN NOT NULL,
	not_scam INTEGER NOT NULL,
	scam_types TEXT NOT NULL,
	first_seen BIGINT NOT NULL,
	last_seen BIGINT NOT NULL,
	source TEXT NOT NULL,
	details TEXT NOT NULL,
	PRIMARY KEY (kind, value)
);

-- Indicators imported from feeds, merged into reputation on recompute.
CREATE TABLE imported (
	kind TEXT NOT NULL,
	value TEXT NOT NULL,
	source TEXT NOT NULL,
	score INTEGER NOT NULL,
	reports INTEGER NOT NULL,
	reporters INTEGER NOT NULL,
	confirmed BOOLEAN NOT NULL,
	scam_types TEXT NOT NULL,
	first_seen BIGINT NOT NULL,
	last_seen BIGINT NOT NULL,
	PRIMARY KEY (kind, value)
);

-- Small named values: the last change applied to reputations, secrets made on first use.
CREATE TABLE intel_state (
	name TEXT PRIMARY KEY,
	num BIGINT NOT NULL DEFAULT 0,
	secret TEXT NOT NULL DEFAULT ''
);
