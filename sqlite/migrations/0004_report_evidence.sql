-- The files each report carries (the blob store holds them next to case files), so that a
-- file stays while a case or a report still refers to it.
CREATE TABLE report_evidence (
	report_id INTEGER NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
	sha256 TEXT NOT NULL,
	PRIMARY KEY (report_id, sha256)
);
CREATE INDEX report_evidence_sha256 ON report_evidence(sha256);

INSERT INTO report_evidence (report_id, sha256)
	SELECT DISTINCT r.id, json_extract(e.value, '$.sha256') FROM reports r, json_each(r.evidence) e
	WHERE json_extract(e.value, '$.sha256') IS NOT NULL;
