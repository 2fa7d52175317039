package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/shopguard/shopguard"
)

// CreateCase stores c.
func (db *DB) CreateCase(ctx context.Context, c *shopguard.Case) error {
	if err := shopguard.CheckAllText(c); err != nil {
		return err
	}
	if err := c.Validate(time.Now()); err != nil {
		return err
	}
	triage, err := json.Marshal(c.Triage)
	if err != nil {
		return fmt.Errorf("%s: create case: %w", db.Dialect.Name, err)
	}
	_, err = db.Write.ExecContext(ctx,
		`INSERT INTO cases (id, owner_id, key_hash, share_hash, lang, triage, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		c.ID, sql.NullInt64{Int64: c.OwnerID, Valid: c.OwnerID != 0}, c.KeyHash, c.ShareHash, string(c.Lang), string(triage), toDB(c.CreatedAt), toDB(c.UpdatedAt))
	return db.wrap("create case", "case", err)
}

const caseColumns = `id, owner_id, key_hash, share_hash, lang, triage, created_at, updated_at, report_id`

func scanCase(row interface{ Scan(...any) error }) (*shopguard.Case, error) {
	var c shopguard.Case
	var owner, report sql.NullInt64
	var triage string
	var created, updated int64
	if err := row.Scan(&c.ID, &owner, &c.KeyHash, &c.ShareHash, &c.Lang, &triage, &created, &updated, &report); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(triage), &c.Triage); err != nil {
		return nil, fmt.Errorf("case %s: triage: %w", c.ID, err)
	}
	c.OwnerID, c.ReportID = owner.Int64, report.Int64
	c.CreatedAt, c.UpdatedAt = fromDB(created), fromDB(updated)
	return &c, nil
}

// CaseByID returns a case.
func (db *DB) CaseByID(ctx context.Context, id string) (*shopguard.Case, error) {
	c, err := scanCase(db.Read.QueryRowContext(ctx, `SELECT `+caseColumns+` FROM cases WHERE id = $1`, id))
	return c, db.wrap("find case", "case", err)
}

// ListCases returns an account's cases, newest first.
func (db *DB) ListCases(ctx context.Context, ownerID int64) ([]*shopguard.Case, error) {
	rows, err := db.Read.QueryContext(ctx, `SELECT `+caseColumns+` FROM cases WHERE owner_id = $1 ORDER BY created_at DESC, id`, ownerID)
	if err != nil {
		return nil, db.wrap("list cases", "cases", err)
	}
	defer rows.Close()
	var out []*shopguard.Case
	for rows.Next() {
		c, err := scanCase(rows)
		if err != nil {
			return nil, db.wrap("list cases", "cases", err)
		}
		out = append(out, c)
	}
	return out, db.wrap("list cases", "cases", rows.Err())
}

// UpdateTriage replaces a case's triage answers.
func (db *DB) UpdateTriage(ctx context.Context, id string, t shopguard.Triage, at time.Time) error {
	if err := shopguard.CheckAllText(t); err != nil {
		return err
	}
	if err := t.Validate(time.Now()); err != nil {
		return err
	}
	triage, err := json.Marshal(t)
	if err != nil {
		return fmt.Errorf("%s: update triage: %w", db.Dialect.Name, err)
	}
	res, err := db.Write.ExecContext(ctx, `UPDATE cases SET triage = $1, updated_at = $2 WHERE id = $3`, string(triage), toDB(at), id)
	return db.wrap("update triage", "case", affectedOne(res, err))
}

// SetCaseShare sets or, with nil, clears the hash of a case's share token.
func (db *DB) SetCaseShare(ctx context.Context, id string, hash []byte) error {
	res, err := db.Write.ExecContext(ctx, `UPDATE cases SET share_hash = $1 WHERE id = $2`, hash, id)
	return db.wrap("share case", "case", affectedOne(res, err))
}

// ReportCase stores r as a pending report and records it on the case, in one transaction.
func (db *DB) ReportCase(ctx context.Context, caseID string, r *shopguard.Report) error {
	return db.createReport(ctx, "report case", r, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE cases SET report_id = $1 WHERE id = $2 AND report_id IS NULL`, r.ID, caseID)
		if err := affectedOne(res, err); err != sql.ErrNoRows {
			return db.wrap("report case", "case", err)
		}
		var reported sql.NullInt64
		if err := tx.QueryRowContext(ctx, `SELECT report_id FROM cases WHERE id = $1`, caseID).Scan(&reported); err != nil {
			return db.wrap("report case", "case", err)
		}
		return shopguard.Errorf(shopguard.ECONFLICT, "case %s was reported already, as report %d", caseID, reported.Int64)
	})
}

// DeleteCase removes a case and returns the files no other case and no report refers to.
func (db *DB) DeleteCase(ctx context.Context, id string) ([]string, error) {
	tx, err := db.Write.BeginTx(ctx, nil)
	if err != nil {
		return nil, db.wrap("delete case", "case", err)
	}
	defer tx.Rollback()
	sums, err := queryStrings(ctx, tx, `SELECT DISTINCT sha256 FROM evidence WHERE case_id = $1 ORDER BY sha256`, id)
	if err != nil {
		return nil, db.wrap("delete case", "case", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM channel_status WHERE case_id = $1`, id); err != nil {
		return nil, db.wrap("delete case", "case", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM evidence WHERE case_id = $1`, id); err != nil {
		return nil, db.wrap("delete case", "case", err)
	}
	res, err := tx.ExecContext(ctx, `DELETE FROM cases WHERE id = $1`, id)
	if err := affectedOne(res, err); err != nil {
		return nil, db.wrap("delete case", "case", err)
	}
	var orphans []string
	for _, s := range sums {
		n, err := fileRefs(ctx, tx, s)
		if err != nil {
			return nil, db.wrap("delete case", "case", err)
		}
		if n == 0 {
			orphans = append(orphans, s)
		}
	}
	return orphans, db.wrap("delete case", "case", tx.Commit())
}

func queryStrings(ctx context.Context, tx *sql.Tx, query string, args ...any) ([]string, error) {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// AppendEvidence adds e to its case's log, after the last entry.
func (db *DB) AppendEvidence(ctx context.Context, e *shopguard.EvidenceEntry) error {
	if err := shopguard.CheckAllText(e); err != nil {
		return err
	}
	if err := e.Validate(); err != nil {
		return err
	}
	// one statement, which inserts nothing unless the case exists and e follows its log's
	// last entry; two appends racing past that check both insert the same seq, and the second
	// is refused by the primary key (ECONFLICT)
	res, err := db.Write.ExecContext(ctx,
		`INSERT INTO evidence (case_id, seq, sha256, name, type, size, note, received_at, prev_hash, hash)
		SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10
		WHERE EXISTS (SELECT 1 FROM cases WHERE id = $1)
			AND coalesce((SELECT max(seq) FROM evidence WHERE case_id = $1), 0) + 1 = $2
			AND coalesce((SELECT hash FROM evidence WHERE case_id = $1 ORDER BY seq DESC LIMIT 1), '') = $9`,
		e.CaseID, e.Seq, e.SHA256, e.Name, e.Type, e.Size, e.Note, toDB(e.ReceivedAt), e.PrevHash, e.Hash)
	if err != nil {
		return db.wrap("append evidence", "evidence entry", err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 1 {
		return db.wrap("append evidence", "evidence", err)
	}
	// refused: say why
	var one int
	if err := db.Read.QueryRowContext(ctx, `SELECT 1 FROM cases WHERE id = $1`, e.CaseID).Scan(&one); err != nil {
		return db.wrap("append evidence", "case", err)
	}
	var lastSeq int
	if err := db.Read.QueryRowContext(ctx, `SELECT coalesce(max(seq), 0) FROM evidence WHERE case_id = $1`, e.CaseID).Scan(&lastSeq); err != nil {
		return db.wrap("append evidence", "evidence", err)
	}
	return shopguard.Errorf(shopguard.ECONFLICT, "the evidence log of case %s moved on (now %d entries): read it again and retry", e.CaseID, lastSeq)
}

// ListEvidence returns a case's evidence log in order.
func (db *DB) ListEvidence(ctx context.Context, caseID string) ([]*shopguard.EvidenceEntry, error) {
	rows, err := db.Read.QueryContext(ctx,
		`SELECT case_id, seq, sha256, name, type, size, note, received_at, prev_hash, hash FROM evidence WHERE case_id = $1 ORDER BY seq`, caseID)
	if err != nil {
		return nil, db.wrap("list evidence", "evidence", err)
	}
	defer rows.Close()
	out := []*shopguard.EvidenceEntry{}
	for rows.Next() {
		var e shopguard.EvidenceEntry
		var at int64
		if err := rows.Scan(&e.CaseID, &e.Seq, &e.SHA256, &e.Name, &e.Type, &e.Size, &e.Note, &at, &e.PrevHash, &e.Hash); err != nil {
			return nil, db.wrap("list evidence", "evidence", err)
		}
		e.ReceivedAt = fromDB(at)
		out = append(out, &e)
	}
	return out, db.wrap("list evidence", "evidence", rows.Err())
}

// EvidenceRefs returns how many case evidence entries and reports refer to a file.
func (db *DB) EvidenceRefs(ctx context.Context, sha256 string) (int, error) {
	n, err := fileRefs(ctx, db.Read, sha256)
	return n, db.wrap("count evidence refs", "evidence", err)
}

// FilesInUse returns the files that case evidence entries and reports refer to, among those
// whose SHA-256 starts with prefix.
func (db *DB) FilesInUse(ctx context.Context, prefix string) ([]string, error) {
	// A range rather than LIKE, so that the sha256 indexes serve it in both dialects; '~'
	// sorts after every hex digit.
	rows, err := db.Read.QueryContext(ctx, `SELECT sha256 FROM evidence WHERE sha256 >= $1 AND sha256 < $2
		UNION SELECT sha256 FROM report_evidence WHERE sha256 >= $1 AND sha256 < $2`, prefix, prefix+"~")
	if err != nil {
		return nil, db.wrap("list files in use", "evidence", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var sum string
		if err := rows.Scan(&sum); err != nil {
			return nil, db.wrap("list files in use", "evidence", err)
		}
		out = append(out, sum)
	}
	return out, db.wrap("list files in use", "evidence", rows.Err())
}

// fileRefs counts the case evidence entries and the reports that refer to a file: cases and
// reports keep their files in one blob store.
func fileRefs(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, sha256 string) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM evidence WHERE sha256 = $1) + (SELECT count(*) FROM report_evidence WHERE sha256 = $1)`, sha256).Scan(&n)
	return n, err
}

// SetChannelStatus creates or replaces the status of one channel of a case.
func (db *DB) SetChannelStatus(ctx context.Context, s *shopguard.ChannelStatus) error {
	if err := shopguard.CheckAllText(s); err != nil {
		return err
	}
	if err := s.Validate(); err != nil {
		return err
	}
	if _, err := db.CaseByID(ctx, s.CaseID); err != nil {
		return err
	}
	s.UpdatedAt = now()
	_, err := db.Write.ExecContext(ctx,
		`INSERT INTO channel_status (case_id, channel, state, reference, notes, follow_up, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (case_id, channel) DO UPDATE SET state = excluded.state, reference = excluded.reference,
			notes = excluded.notes, follow_up = excluded.follow_up, updated_at = excluded.updated_at`,
		s.CaseID, s.Channel, string(s.State), s.Reference, s.Notes, s.FollowUp, toDB(s.UpdatedAt))
	return db.wrap("set channel status", "case", err)
}

const statusColumns = `case_id, channel, state, reference, notes, follow_up, updated_at`

func (db *DB) queryStatus(ctx context.Context, op, query string, args ...any) ([]*shopguard.ChannelStatus, error) {
	rows, err := db.Read.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, db.wrap(op, "channel status", err)
	}
	defer rows.Close()
	out := []*shopguard.ChannelStatus{}
	for rows.Next() {
		var s shopguard.ChannelStatus
		var at int64
		if err := rows.Scan(&s.CaseID, &s.Channel, &s.State, &s.Reference, &s.Notes, &s.FollowUp, &at); err != nil {
			return nil, db.wrap(op, "channel status", err)
		}
		s.UpdatedAt = fromDB(at)
		out = append(out, &s)
	}
	return out, db.wrap(op, "channel status", rows.Err())
}

// ListChannelStatus returns a case's channel statuses, by channel id.
func (db *DB) ListChannelStatus(ctx context.Context, caseID string) ([]*shopguard.ChannelStatus, error) {
	return db.queryStatus(ctx, "list channel status", `SELECT `+statusColumns+` FROM channel_status WHERE case_id = $1 ORDER BY channel`, caseID)
}

// DueFollowUps returns the open statuses among the cases whose follow-up is due by day.
func (db *DB) DueFollowUps(ctx context.Context, caseIDs []string, day string) ([]*shopguard.ChannelStatus, error) {
	if len(caseIDs) == 0 {
		return []*shopguard.ChannelStatus{}, nil
	}
	if _, err := shopguard.ParseDate("day", day); err != nil {
		return nil, err
	}
	args := []any{day, string(shopguard.StateClosed)}
	marks := make([]string, len(caseIDs))
	for i, id := range caseIDs {
		args = append(args, id)
		marks[i] = fmt.Sprintf("$%d", i+3)
	}
	return db.queryStatus(ctx, "due follow-ups", `SELECT `+statusColumns+` FROM channel_status
		WHERE follow_up <> '' AND follow_up <= $1 AND state <> $2 AND case_id IN (`+strings.Join(marks, ", ")+`)
		ORDER BY follow_up, case_id, channel`, args...)
}
