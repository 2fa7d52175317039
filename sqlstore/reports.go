package sqlstore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/shopguard/shopguard"
)

// inTx runs fn in a write transaction.
func (db *DB) inTx(ctx context.Context, op string, fn func(tx *sql.Tx) error) error {
	tx, err := db.Write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("%s: %s: begin: %w", db.Dialect.Name, op, err)
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("%s: %s: commit: %w", db.Dialect.Name, op, err)
	}
	return nil
}

// changeTx runs fn in a write transaction, as inTx, for a write that appends to the change
// sequence (addChanges); once it has committed, it has the listening nodes told
// (notifyLater). A notification that fails is not the write's failure (the write is
// committed): the followers read it at the next notification, or at their slow poll.
func (db *DB) changeTx(ctx context.Context, op string, fn func(tx *sql.Tx) error) error {
	if err := db.inTx(ctx, op, fn); err != nil {
		return err
	}
	db.notifyLater()
	return nil
}

// addChanges appends identifiers to the change sequence inside tx, in one statement, and,
// when the store scores (ScoreWith), computes and stores their reputations and marks the
// changes scored: under the identifiers' locks (lockIdentifiers), so that the reads see every
// earlier write to them, committed. It runs in a changeTx.
func (db *DB) addChanges(ctx context.Context, tx *sql.Tx, ids []shopguard.Identifier, at time.Time) error {
	if len(ids) == 0 {
		return nil
	}
	score := db.scorer()
	for rest := ids; len(rest) > 0; {
		n := min(len(rest), changesPerInsert)
		if err := db.insertChanges(ctx, tx, rest[:n], at, score != nil); err != nil {
			return fmt.Errorf("append changes: %w", err)
		}
		rest = rest[n:]
	}
	if score == nil {
		return nil
	}
	if err := db.lockIdentifiers(ctx, tx, ids); err != nil {
		return err
	}
	if err := db.scoreAll(ctx, tx, ids, score); err != nil {
		return fmt.Errorf("score the changes: %w", err)
	}
	return nil
}

// changesPerInsert bounds the rows of one INSERT into the change sequence (4 parameters each,
// well within either engine's limit on parameters).
const changesPerInsert = 500

// insertChanges appends ids to the change sequence in one INSERT.
func (db *DB) insertChanges(ctx context.Context, tx *sql.Tx, ids []shopguard.Identifier, at time.Time, scored bool) error {
	args := make([]any, 0, 4*len(ids))
	for _, id := range ids {
		args = append(args, string(id.Kind), id.Value, toDB(at), scored)
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO changes (kind, value, at, scored) VALUES `+valueRows(len(ids), 4), args...)
	return err
}

// valueRows returns the rows of a VALUES list with n rows of cols parameters each, numbered
// in order: "($1, $2), ($3, $4)".
func valueRows(n, cols int) string {
	var q strings.Builder
	for i := range n {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteByte('(')
		for c := range cols {
			if c > 0 {
				q.WriteString(", ")
			}
			fmt.Fprintf(&q, "$%d", i*cols+c+1)
		}
		q.WriteByte(')')
	}
	return q.String()
}

func addAudit(ctx context.Context, tx *sql.Tx, e shopguard.AuditEntry) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO audit_log (actor_id, action, subject, reason, at) VALUES ($1, $2, $3, $4, $5)`,
		e.ActorID, e.Action, e.Subject, e.Reason, toDB(e.At))
	if err != nil {
		return fmt.Errorf("write the audit log: %w", err)
	}
	return nil
}

// CreateReport stores r as pending.
func (db *DB) CreateReport(ctx context.Context, r *shopguard.Report) error {
	return db.createReport(ctx, "create report", r, nil)
}

// createReport stores r as pending and, in the same transaction, runs then (when not nil)
// with r's new id.
func (db *DB) createReport(ctx context.Context, op string, r *shopguard.Report, then func(tx *sql.Tx) error) error {
	if err := shopguard.CheckAllText(r); err != nil {
		return err
	}
	if err := r.Validate(); err != nil {
		return err
	}
	ev, err := json.Marshal(r.Evidence)
	if err != nil {
		return fmt.Errorf("%s: %s: %w", db.Dialect.Name, op, err)
	}
	if r.Evidence == nil {
		ev = []byte("[]")
	}
	at := now()
	err = db.changeTx(ctx, op, func(tx *sql.Tx) error { return db.writeReport(ctx, tx, op, r, string(ev), at, then) })
	if err != nil {
		r.ID = 0
		return err
	}
	r.Status, r.CreatedAt, r.UpdatedAt = shopguard.ReportPending, at, at
	return nil
}

// writeReport runs createReport's statements in tx: the report and its identifiers, then
// (when not nil), its evidence, and the identifiers' changes, scored. ev is the evidence as
// JSON. DB.Warm runs it too, and rolls it back.
func (db *DB) writeReport(ctx context.Context, tx *sql.Tx, op string, r *shopguard.Report, ev string, at time.Time, then func(tx *sql.Tx) error) error {
	err := tx.QueryRowContext(ctx, `INSERT INTO reports (status, scam_type, platform, amount, currency, occurred_on, narrative,
		evidence, reporter_id, trust, source, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING id`,
		string(shopguard.ReportPending), r.ScamType, r.Platform, r.Amount, r.Currency, r.OccurredOn, r.Narrative,
		ev, nullID(r.ReporterID), int(r.Trust), r.Source, toDB(at)).Scan(&r.ID)
	if err != nil {
		return db.wrap(op, "report", err)
	}
	if err := insertReportIdentifiers(ctx, tx, r.ID, r.Identifiers); err != nil {
		return db.wrap(op, "report", err)
	}
	if then != nil {
		if err := then(tx); err != nil {
			return err
		}
	}
	if err := addReportEvidence(ctx, tx, r.ID, r.Evidence); err != nil {
		return db.wrap("create report", "report", err)
	}
	return db.addChanges(ctx, tx, r.Identifiers, at)
}

// insertReportIdentifiers records the identifiers a report names, in one INSERT (a report
// names at most shopguard.MaxIdentifiers, 3 parameters each).
func insertReportIdentifiers(ctx context.Context, tx *sql.Tx, reportID int64, ids []shopguard.Identifier) error {
	if len(ids) == 0 {
		return nil
	}
	args := make([]any, 0, 3*len(ids))
	for _, id := range ids {
		args = append(args, reportID, string(id.Kind), id.Value)
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO report_identifiers (report_id, kind, value) VALUES `+valueRows(len(ids), 3)+` ON CONFLICT DO NOTHING`, args...)
	return err
}

// addReportEvidence records which files a report carries, so that deleting a case that
// carries the same file keeps it (see fileRefs).
func addReportEvidence(ctx context.Context, tx *sql.Tx, reportID int64, evidence []shopguard.Evidence) error {
	for _, e := range evidence {
		if _, err := tx.ExecContext(ctx, `INSERT INTO report_evidence (report_id, sha256) VALUES ($1, $2) ON CONFLICT DO NOTHING`, reportID, e.SHA256); err != nil {
			return fmt.Errorf("record evidence %s: %w", e.SHA256, err)
		}
	}
	return nil
}

func nullID(id int64) sql.NullInt64 { return sql.NullInt64{Int64: id, Valid: id > 0} }

const reportColumns = `id, status, scam_type, platform, amount, currency, occurred_on, narrative, evidence,
	reporter_id, trust, source, merged_into, created_at, updated_at`

func scanReport(row interface{ Scan(...any) error }) (*shopguard.Report, error) {
	var r shopguard.Report
	var ev string
	var reporter, merged sql.NullInt64
	var trust int
	var created, updated int64
	if err := row.Scan(&r.ID, &r.Status, &r.ScamType, &r.Platform, &r.Amount, &r.Currency, &r.OccurredOn, &r.Narrative, &ev,
		&reporter, &trust, &r.Source, &merged, &created, &updated); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(ev), &r.Evidence); err != nil {
		return nil, fmt.Errorf("report %d: evidence: %w", r.ID, err)
	}
	r.ReporterID, r.Trust, r.MergedInto = reporter.Int64, shopguard.Trust(trust), merged.Int64
	r.CreatedAt, r.UpdatedAt = fromDB(created), fromDB(updated)
	return &r, nil
}

// queryReports runs a query for reports and loads their identifiers.
func (db *DB) queryReports(ctx context.Context, q *sql.DB, op, query string, args ...any) ([]*shopguard.Report, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, db.wrap(op, "reports", err)
	}
	var out []*shopguard.Report
	byID := map[int64]*shopguard.Report{}
	for rows.Next() {
		r, err := scanReport(rows)
		if err != nil {
			rows.Close()
			return nil, db.wrap(op, "reports", err)
		}
		out = append(out, r)
		byID[r.ID] = r
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, db.wrap(op, "reports", err)
	}
	if len(out) == 0 {
		return out, nil
	}
	ids := make([]string, 0, len(out))
	for _, r := range out {
		ids = append(ids, strconv.FormatInt(r.ID, 10))
	}
	// the ids are integers from the database: safe to inline
	rows, err = q.QueryContext(ctx, `SELECT report_id, kind, value FROM report_identifiers WHERE report_id IN (`+strings.Join(ids, ",")+`) ORDER BY report_id, kind, value`)
	if err != nil {
		return nil, db.wrap(op, "reports", err)
	}
	defer rows.Close()
	for rows.Next() {
		var rid int64
		var id shopguard.Identifier
		if err := rows.Scan(&rid, &id.Kind, &id.Value); err != nil {
			return nil, db.wrap(op, "reports", err)
		}
		byID[rid].Identifiers = append(byID[rid].Identifiers, id)
	}
	return out, db.wrap(op, "reports", rows.Err())
}

// ReportByID returns a report.
func (db *DB) ReportByID(ctx context.Context, id int64) (*shopguard.Report, error) {
	rs, err := db.queryReports(ctx, db.Read, "find report", `SELECT `+reportColumns+` FROM reports WHERE id = $1`, id)
	if err != nil {
		return nil, err
	}
	if len(rs) == 0 {
		return nil, shopguard.Errorf(shopguard.ENOTFOUND, "report %d not found", id)
	}
	return rs[0], nil
}

// ListReports returns reports by id, oldest first.
func (db *DB) ListReports(ctx context.Context, f shopguard.ReportFilter) ([]*shopguard.Report, error) {
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	return db.queryReports(ctx, db.Read, "list reports", `SELECT `+reportColumns+` FROM reports
		WHERE ($1 = '' OR status = $1) AND id > $2 AND ($4 = 0 OR reporter_id = $4) ORDER BY id LIMIT $3`, string(f.Status), f.AfterID, limit, f.ReporterID)
}

// ReportsFor returns every report that names the identifier.
func (db *DB) ReportsFor(ctx context.Context, id shopguard.Identifier) ([]*shopguard.Report, error) {
	return db.queryReports(ctx, db.Read, "reports for identifier", `SELECT `+reportColumns+` FROM reports
		WHERE id IN (SELECT report_id FROM report_identifiers WHERE kind = $1 AND value = $2) ORDER BY id`, string(id.Kind), id.Value)
}

// CountReportsSince counts the reports filed since t by an account or from a network.
func (db *DB) CountReportsSince(ctx context.Context, userID int64, source string, t time.Time) (int, error) {
	var n int
	var err error
	if userID > 0 {
		err = db.Read.QueryRowContext(ctx, `SELECT count(*) FROM reports WHERE reporter_id = $1 AND created_at >= $2`, userID, toDB(t)).Scan(&n)
	} else {
		err = db.Read.QueryRowContext(ctx, `SELECT count(*) FROM reports WHERE source = $1 AND created_at >= $2`, source, toDB(t)).Scan(&n)
	}
	return n, db.wrap("count reports", "reports", err)
}

// ConfirmedReportsBy counts an account's confirmed reports.
func (db *DB) ConfirmedReportsBy(ctx context.Context, userID int64) (int, error) {
	var n int
	err := db.Read.QueryRowContext(ctx, `SELECT count(*) FROM reports WHERE reporter_id = $1 AND status = $2`, userID, string(shopguard.ReportConfirmed)).Scan(&n)
	return n, db.wrap("count confirmed reports", "reports", err)
}

// DecideReport applies a decision and records it in the audit log in one transaction.
func (db *DB) DecideReport(ctx context.Context, d shopguard.Decision, at time.Time) (*shopguard.Report, error) {
	if err := shopguard.CheckAllText(d); err != nil {
		return nil, err
	}
	if err := d.Validate(); err != nil {
		return nil, err
	}
	var r *shopguard.Report
	err := db.changeTx(ctx, "decide report", func(tx *sql.Tx) error {
		rs, err := db.queryReportsTx(ctx, tx, d.ReportID)
		if err != nil {
			return err
		}
		r = rs
		if d.Action == shopguard.ActionMerge {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM reports WHERE id = $1`, d.MergeInto).Scan(&n); err != nil {
				return db.wrap("decide report", "report", err)
			}
			if n == 0 {
				return shopguard.Errorf(shopguard.ENOTFOUND, "report %d to merge into not found", d.MergeInto)
			}
		}
		subject := "report:" + strconv.FormatInt(d.ReportID, 10)
		if d.Action == shopguard.ActionDelete {
			if _, err := tx.ExecContext(ctx, `DELETE FROM reports WHERE id = $1`, d.ReportID); err != nil {
				return db.wrap("delete report", "report", err)
			}
		} else {
			status, _ := d.Action.Status()
			if _, err := tx.ExecContext(ctx, `UPDATE reports SET status = $1, merged_into = $2, updated_at = $3 WHERE id = $4`,
				string(status), nullID(d.MergeInto), toDB(at), d.ReportID); err != nil {
				return db.wrap("decide report", "report", err)
			}
			if d.Action == shopguard.ActionMerge {
				// the report merged into names what the duplicate named, so no identifier loses weight
				if _, err := tx.ExecContext(ctx, `INSERT INTO report_identifiers (report_id, kind, value)
					SELECT $1, kind, value FROM report_identifiers WHERE report_id = $2 ON CONFLICT DO NOTHING`, d.MergeInto, d.ReportID); err != nil {
					return db.wrap("merge report", "report", err)
				}
			}
			r.Status, r.MergedInto, r.UpdatedAt = status, d.MergeInto, at.UTC().Truncate(time.Microsecond)
		}
		if err := addAudit(ctx, tx, shopguard.AuditEntry{ActorID: d.ModeratorID, Action: "report." + string(d.Action), Subject: subject, Reason: d.Reason, At: at}); err != nil {
			return err
		}
		return db.addChanges(ctx, tx, r.Identifiers, at)
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// queryReportsTx reads one report and its identifiers inside a transaction.
func (db *DB) queryReportsTx(ctx context.Context, tx *sql.Tx, id int64) (*shopguard.Report, error) {
	r, err := scanReport(tx.QueryRowContext(ctx, `SELECT `+reportColumns+` FROM reports WHERE id = $1`, id))
	if err != nil {
		return nil, db.wrap("find report", "report "+strconv.FormatInt(id, 10), err)
	}
	rows, err := tx.QueryContext(ctx, `SELECT kind, value FROM report_identifiers WHERE report_id = $1 ORDER BY kind, value`, id)
	if err != nil {
		return nil, db.wrap("find report", "report", err)
	}
	defer rows.Close()
	for rows.Next() {
		var i shopguard.Identifier
		if err := rows.Scan(&i.Kind, &i.Value); err != nil {
			return nil, db.wrap("find report", "report", err)
		}
		r.Identifiers = append(r.Identifiers, i)
	}
	return r, db.wrap("find report", "report", rows.Err())
}

// AddReportInfo appends a reporter's answer to a report that needs more information.
func (db *DB) AddReportInfo(ctx context.Context, id, userID int64, text string, evidence []shopguard.Evidence, at time.Time) (*shopguard.Report, error) {
	if err := shopguard.CheckAllText([]any{text, evidence}); err != nil {
		return nil, err
	}
	var r *shopguard.Report
	err := db.changeTx(ctx, "add report info", func(tx *sql.Tx) error {
		var err error
		if r, err = db.queryReportsTx(ctx, tx, id); err != nil {
			return err
		}
		switch {
		case r.ReporterID != userID:
			return shopguard.Errorf(shopguard.EFORBIDDEN, "only the reporter can add to report %d", id)
		case r.Status != shopguard.ReportNeedsInfo:
			return shopguard.Errorf(shopguard.ECONFLICT, "report %d is %s: no one asked for more", id, r.Status)
		}
		r.Narrative += "\n\n[" + at.UTC().Format(time.DateOnly) + "] " + text
		r.Evidence = append(r.Evidence, evidence...)
		if err := r.Validate(); err != nil {
			return err
		}
		ev, err := json.Marshal(r.Evidence)
		if err != nil {
			return err
		}
		r.Status, r.UpdatedAt = shopguard.ReportPending, at.UTC().Truncate(time.Microsecond)
		if _, err := tx.ExecContext(ctx, `UPDATE reports SET narrative = $1, evidence = $2, status = $3, updated_at = $4 WHERE id = $5`,
			r.Narrative, string(ev), string(r.Status), toDB(at), id); err != nil {
			return db.wrap("add report info", "report", err)
		}
		if err := addReportEvidence(ctx, tx, id, evidence); err != nil {
			return db.wrap("add report info", "report", err)
		}
		if err := addAudit(ctx, tx, shopguard.AuditEntry{ActorID: userID, Action: "report.info", Subject: "report:" + strconv.FormatInt(id, 10), Reason: shopguard.ReasonReporterInfo, At: at}); err != nil {
			return err
		}
		return db.addChanges(ctx, tx, r.Identifiers, at)
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// AddFeedback stores "not a scam" feedback.
func (db *DB) AddFeedback(ctx context.Context, f *shopguard.Feedback) error {
	if err := shopguard.CheckAllText(f); err != nil {
		return err
	}
	at := now()
	err := db.changeTx(ctx, "add feedback", func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO feedback (kind, value, user_id, source, comment, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
			string(f.Identifier.Kind), f.Identifier.Value, nullID(f.UserID), f.Source, f.Comment, toDB(at)).Scan(&f.ID)
		if err != nil {
			return db.wrap("add feedback", "feedback", err)
		}
		return db.addChanges(ctx, tx, []shopguard.Identifier{f.Identifier}, at)
	})
	if err == nil {
		f.CreatedAt = at
	}
	return err
}

// FeedbackFor returns the feedback on an identifier.
func (db *DB) FeedbackFor(ctx context.Context, id shopguard.Identifier) ([]*shopguard.Feedback, error) {
	return db.feedbackFor(ctx, db.Read, id)
}

func (db *DB) feedbackFor(ctx context.Context, q querier, id shopguard.Identifier) ([]*shopguard.Feedback, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, user_id, source, comment, created_at FROM feedback WHERE kind = $1 AND value = $2 ORDER BY id`, string(id.Kind), id.Value)
	if err != nil {
		return nil, db.wrap("feedback for identifier", "feedback", err)
	}
	defer rows.Close()
	var out []*shopguard.Feedback
	for rows.Next() {
		f := &shopguard.Feedback{Identifier: id}
		var user sql.NullInt64
		var created int64
		if err := rows.Scan(&f.ID, &user, &f.Source, &f.Comment, &created); err != nil {
			return nil, db.wrap("feedback for identifier", "feedback", err)
		}
		f.UserID, f.CreatedAt = user.Int64, fromDB(created)
		out = append(out, f)
	}
	return out, db.wrap("feedback for identifier", "feedback", rows.Err())
}

// AuditLog returns the audit entries about a subject ("" for all), newest first.
func (db *DB) AuditLog(ctx context.Context, subject string, limit int) ([]*shopguard.AuditEntry, error) {
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	rows, err := db.Read.QueryContext(ctx, `SELECT id, actor_id, action, subject, reason, at FROM audit_log
		WHERE ($1 = '' OR subject = $1) ORDER BY id DESC LIMIT $2`, subject, limit)
	if err != nil {
		return nil, db.wrap("read audit log", "audit log", err)
	}
	defer rows.Close()
	var out []*shopguard.AuditEntry
	for rows.Next() {
		var e shopguard.AuditEntry
		var at int64
		if err := rows.Scan(&e.ID, &e.ActorID, &e.Action, &e.Subject, &e.Reason, &at); err != nil {
			return nil, db.wrap("read audit log", "audit log", err)
		}
		e.At = fromDB(at)
		out = append(out, &e)
	}
	return out, db.wrap("read audit log", "audit log", rows.Err())
}

// PurgeReports deletes the reports and feedback filed before t.
func (db *DB) PurgeReports(ctx context.Context, before time.Time) (int64, []string, error) {
	var n int64
	var files []string
	at := now()
	err := db.changeTx(ctx, "purge reports", func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT DISTINCT sha256 FROM report_evidence
			WHERE report_id IN (SELECT id FROM reports WHERE created_at < $1)`, toDB(before))
		if err != nil {
			return db.wrap("purge reports", "report evidence", err)
		}
		for rows.Next() {
			var sum string
			if err := rows.Scan(&sum); err != nil {
				rows.Close()
				return db.wrap("purge reports", "report evidence", err)
			}
			files = append(files, sum)
		}
		rows.Close()
		var ids []shopguard.Identifier
		for _, q := range []string{
			`SELECT DISTINCT kind, value FROM report_identifiers WHERE report_id IN (SELECT id FROM reports WHERE created_at < $1)`,
			`SELECT DISTINCT kind, value FROM feedback WHERE created_at < $1`,
		} {
			rows, err := tx.QueryContext(ctx, q, toDB(before))
			if err != nil {
				return db.wrap("purge reports", "reports", err)
			}
			for rows.Next() {
				var id shopguard.Identifier
				if err := rows.Scan(&id.Kind, &id.Value); err != nil {
					rows.Close()
					return db.wrap("purge reports", "reports", err)
				}
				ids = append(ids, id)
			}
			rows.Close()
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM reports WHERE created_at < $1`, toDB(before))
		if err != nil {
			return db.wrap("purge reports", "reports", err)
		}
		n, _ = res.RowsAffected()
		if _, err := tx.ExecContext(ctx, `DELETE FROM feedback WHERE created_at < $1`, toDB(before)); err != nil {
			return db.wrap("purge reports", "feedback", err)
		}
		if n > 0 {
			if err := addAudit(ctx, tx, shopguard.AuditEntry{Action: "report.purge", Subject: "reports", Reason: fmt.Sprintf(shopguard.ReasonPurgeFormat, n, before.UTC().Format(time.DateOnly)), At: at}); err != nil {
				return err
			}
		}
		return db.addChanges(ctx, tx, ids, at)
	})
	return n, files, err
}

// Secret returns the random secret stored under name, made on first use.
func (db *DB) Secret(ctx context.Context, name string) ([]byte, error) {
	var b [32]byte
	rand.Read(b[:])
	if _, err := db.Write.ExecContext(ctx, `INSERT INTO intel_state (name, secret) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`, "secret:"+name, hex.EncodeToString(b[:])); err != nil {
		return nil, db.wrap("make secret", "secret", err)
	}
	var s string
	if err := db.Write.QueryRowContext(ctx, `SELECT secret FROM intel_state WHERE name = $1`, "secret:"+name).Scan(&s); err != nil {
		return nil, db.wrap("read secret", "secret", err)
	}
	return hex.DecodeString(s)
}

// ReportFacts returns the facts of every report filed since t, oldest first.
func (db *DB) ReportFacts(ctx context.Context, since time.Time) ([]shopguard.ReportFact, error) {
	rows, err := db.Read.QueryContext(ctx, `SELECT created_at, status, scam_type, platform, amount, currency
		FROM reports WHERE created_at >= $1 ORDER BY created_at`, toDB(since))
	if err != nil {
		return nil, db.wrap("report facts", "reports", err)
	}
	defer rows.Close()
	var out []shopguard.ReportFact
	for rows.Next() {
		var f shopguard.ReportFact
		var created int64
		if err := rows.Scan(&created, &f.Status, &f.ScamType, &f.Platform, &f.Amount, &f.Currency); err != nil {
			return nil, db.wrap("report facts", "reports", err)
		}
		f.CreatedAt = fromDB(created)
		out = append(out, f)
	}
	return out, db.wrap("report facts", "reports", rows.Err())
}
