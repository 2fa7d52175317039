-- A case turned into a community report with its owner's consent keeps the report's id, so
-- that the case page shows the report and a case is reported once. A report a moderator
-- deletes (or retention purges) no longer holds the case.
ALTER TABLE cases ADD COLUMN report_id BIGINT REFERENCES reports(id) ON DELETE SET NULL;
CREATE INDEX cases_report ON cases(report_id);
