package sqlstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/shopguard/shopguard"
)

// CreateAppeal stores a and sets its ID and CreatedAt.
func (db *DB) CreateAppeal(ctx context.Context, a *shopguard.Appeal) error {
	if err := shopguard.CheckAllText(a); err != nil {
		return err
	}
	if err := a.Validate(); err != nil {
		return err
	}
	a.CreatedAt = now()
	err := db.Write.QueryRowContext(ctx, `INSERT INTO appeals (kind, value, reason, contact, method, token, status, verified, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
		string(a.Identifier.Kind), a.Identifier.Value, a.Reason, a.Contact, string(a.Method), a.Token, string(a.Status), a.Verified, toDB(a.CreatedAt)).Scan(&a.ID)
	return db.wrap("create appeal", "appeal", err)
}

const appealColumns = `id, kind, value, reason, contact, method, token, status, verified, created_at, decided_at, decided_by, decision`

func scanAppeal(row interface{ Scan(...any) error }) (*shopguard.Appeal, error) {
	var a shopguard.Appeal
	var created int64
	var decided, by sql.NullInt64
	if err := row.Scan(&a.ID, &a.Identifier.Kind, &a.Identifier.Value, &a.Reason, &a.Contact, &a.Method, &a.Token, &a.Status, &a.Verified,
		&created, &decided, &by, &a.Decision); err != nil {
		return nil, err
	}
	a.CreatedAt, a.DecidedAt, a.DecidedBy = fromDB(created), fromDBNull(decided), by.Int64
	return &a, nil
}

func (db *DB) queryAppeals(ctx context.Context, q querier, op, query string, args ...any) ([]*shopguard.Appeal, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, db.wrap(op, "appeals", err)
	}
	defer rows.Close()
	var out []*shopguard.Appeal
	for rows.Next() {
		a, err := scanAppeal(rows)
		if err != nil {
			return nil, db.wrap(op, "appeals", err)
		}
		out = append(out, a)
	}
	return out, db.wrap(op, "appeals", rows.Err())
}

// AppealByID returns an appeal.
func (db *DB) AppealByID(ctx context.Context, id int64) (*shopguard.Appeal, error) {
	a, err := scanAppeal(db.Read.QueryRowContext(ctx, `SELECT `+appealColumns+` FROM appeals WHERE id = $1`, id))
	return a, db.wrap("find appeal", fmt.Sprintf("appeal %d", id), err)
}

// ListAppeals returns the appeals in a status ("" for any), oldest first.
func (db *DB) ListAppeals(ctx context.Context, status shopguard.AppealStatus, limit int) ([]*shopguard.Appeal, error) {
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	return db.queryAppeals(ctx, db.Read, "list appeals", `SELECT `+appealColumns+` FROM appeals WHERE ($1 = '' OR status = $1) ORDER BY id LIMIT $2`, string(status), limit)
}

// AppealsFor returns the appeals about an identifier.
func (db *DB) AppealsFor(ctx context.Context, id shopguard.Identifier) ([]*shopguard.Appeal, error) {
	return db.appealsFor(ctx, db.Read, id)
}

func (db *DB) appealsFor(ctx context.Context, q querier, id shopguard.Identifier) ([]*shopguard.Appeal, error) {
	return db.queryAppeals(ctx, q, "appeals for identifier", `SELECT `+appealColumns+` FROM appeals WHERE kind = $1 AND value = $2 ORDER BY id`, string(id.Kind), id.Value)
}

// UpdateAppeal stores a's status, verification and decision with the audit entry.
func (db *DB) UpdateAppeal(ctx context.Context, a *shopguard.Appeal, audit shopguard.AuditEntry) error {
	if err := shopguard.CheckAllText([]any{a, audit}); err != nil {
		return err
	}
	return db.changeTx(ctx, "update appeal", func(tx *sql.Tx) error {
		var decided sql.NullInt64
		if a.DecidedAt != nil {
			decided = sql.NullInt64{Int64: toDB(*a.DecidedAt), Valid: true}
		}
		res, err := tx.ExecContext(ctx, `UPDATE appeals SET status = $1, verified = $2, decided_at = $3, decided_by = $4, decision = $5 WHERE id = $6`,
			string(a.Status), a.Verified, decided, nullID(a.DecidedBy), a.Decision, a.ID)
		if err := affectedOne(res, err); err != nil {
			return db.wrap("update appeal", fmt.Sprintf("appeal %d", a.ID), err)
		}
		if err := addAudit(ctx, tx, audit); err != nil {
			return err
		}
		return db.addChanges(ctx, tx, []shopguard.Identifier{a.Identifier}, audit.At)
	})
}

// numberChanges numbers the changes committed since it last ran (Dialect.NumberChanges).
func (db *DB) numberChanges(ctx context.Context) error {
	if db.Dialect.NumberChanges == "" {
		return nil
	}
	if _, err := db.Write.ExecContext(ctx, db.Dialect.NumberChanges); err != nil {
		return db.wrap("number changes", "changes", err)
	}
	return nil
}

// ChangesSince numbers the changes committed since the last numbering (numberChanges), then
// returns up to limit changes after seq, in order.
func (db *DB) ChangesSince(ctx context.Context, seq int64, limit int) ([]shopguard.Change, error) {
	if err := db.numberChanges(ctx); err != nil {
		return nil, err
	}
	rows, err := db.Read.QueryContext(ctx, `SELECT seq, kind, value, at, scored FROM changes WHERE seq > $1 ORDER BY seq LIMIT $2`, seq, limit)
	if err != nil {
		return nil, db.wrap("read changes", "changes", err)
	}
	defer rows.Close()
	var out []shopguard.Change
	for rows.Next() {
		var c shopguard.Change
		var at int64
		if err := rows.Scan(&c.Seq, &c.Identifier.Kind, &c.Identifier.Value, &at, &c.Scored); err != nil {
			return nil, db.wrap("read changes", "changes", err)
		}
		c.At = fromDB(at)
		out = append(out, c)
	}
	return out, db.wrap("read changes", "changes", rows.Err())
}

// LastChange numbers the changes committed since the last numbering (numberChanges), then
// returns the highest change number, 0 when there is none.
func (db *DB) LastChange(ctx context.Context) (int64, error) {
	if err := db.numberChanges(ctx); err != nil {
		return 0, err
	}
	var n sql.NullInt64
	err := db.Read.QueryRowContext(ctx, `SELECT max(seq) FROM changes`).Scan(&n)
	return n.Int64, db.wrap("read changes", "changes", err)
}

// PruneChanges numbers the changes committed since the last numbering (numberChanges),
// deletes the changes recorded before t, keeping the last one, records the highest sequence
// number pruned, and returns how many changes it deleted. A change not numbered yet (its write
// has not committed) is kept.
func (db *DB) PruneChanges(ctx context.Context, before time.Time) (int64, error) {
	if err := db.numberChanges(ctx); err != nil {
		return 0, err
	}
	var n int64
	err := db.inTx(ctx, "prune changes", func(tx *sql.Tx) error {
		var top sql.NullInt64
		err := tx.QueryRowContext(ctx, `SELECT max(seq) FROM changes WHERE at < $1 AND seq > 0 AND seq < (SELECT max(seq) FROM changes)`, toDB(before)).Scan(&top)
		if err != nil || !top.Valid {
			return db.wrap("prune changes", "changes", err)
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM changes WHERE seq > 0 AND seq <= $1`, top.Int64)
		if err != nil {
			return db.wrap("prune changes", "changes", err)
		}
		if n, err = res.RowsAffected(); err != nil {
			return db.wrap("prune changes", "changes", err)
		}
		return db.wrap("prune changes", "changes", raiseCounter(ctx, tx, "pruned_through", top.Int64))
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// PrunedThrough returns the highest change number ever pruned.
func (db *DB) PrunedThrough(ctx context.Context) (int64, error) {
	return db.counter(ctx, "pruned_through", "read pruned changes")
}

// raiseCounter sets the counter name in intel_state to n, unless it is higher already.
func raiseCounter(ctx context.Context, tx *sql.Tx, name string, n int64) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO intel_state (name, num) VALUES ($1, $2)
		ON CONFLICT (name) DO UPDATE SET num = CASE WHEN excluded.num > intel_state.num THEN excluded.num ELSE intel_state.num END`, name, n)
	return err
}

// counter reads the counter name in intel_state: 0 before it was first raised.
func (db *DB) counter(ctx context.Context, name, op string) (int64, error) {
	var n int64
	err := db.Read.QueryRowContext(ctx, `SELECT num FROM intel_state WHERE name = $1`, name).Scan(&n)
	if err == sql.ErrNoRows {
		return 0, nil
	}
	return n, db.wrap(op, "state", err)
}

// details are the parts of a reputation only moderators see, kept as JSON.
type details struct {
	ByStatus  map[shopguard.ReportStatus]int `json:"by_status,omitempty"`
	LostMinor map[string]int64               `json:"lost_minor,omitempty"`
}

// PutReputation stores r, or removes it when empty.
func (db *DB) PutReputation(ctx context.Context, r *shopguard.Reputation) error {
	return db.inTx(ctx, "put reputation", func(tx *sql.Tx) error { return db.putReputation(ctx, tx, r) })
}

// putReputation stores r in tx, or removes it when empty.
func (db *DB) putReputation(ctx context.Context, tx *sql.Tx, r *shopguard.Reputation) error {
	d, err := json.Marshal(details{r.ByStatus, r.LostMinor})
	if err != nil {
		return fmt.Errorf("%s: put reputation: %w", db.Dialect.Name, err)
	}
	if r.Empty() && r.Source == "" {
		_, err = tx.ExecContext(ctx, `DELETE FROM reputations WHERE kind = $1 AND value = $2`, string(r.Identifier.Kind), r.Identifier.Value)
	} else {
		_, err = tx.ExecContext(ctx, `INSERT INTO reputations (kind, value, score, reports, reporters, confirmed, delisted, not_scam,
			scam_types, first_seen, last_seen, source, details) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
			ON CONFLICT (kind, value) DO UPDATE SET score = excluded.score, reports = excluded.reports, reporters = excluded.reporters,
			confirmed = excluded.confirmed, delisted = excluded.delisted, not_scam = excluded.not_scam, scam_types = excluded.scam_types,
			first_seen = excluded.first_seen, last_seen = excluded.last_seen, source = excluded.source, details = excluded.details`,
			string(r.Identifier.Kind), r.Identifier.Value, r.Score, r.Reports, r.Reporters, r.Confirmed, r.Delisted, r.NotScam,
			strings.Join(r.ScamTypes, ","), timeOrZero(r.FirstSeen), timeOrZero(r.LastSeen), r.Source, string(d))
	}
	return db.wrap("put reputation", "reputation", err)
}

const reputationColumns = `kind, value, score, reports, reporters, confirmed, delisted, not_scam, scam_types, first_seen, last_seen, source, details`

func scanReputation(row interface{ Scan(...any) error }) (*shopguard.Reputation, error) {
	var r shopguard.Reputation
	var types, d string
	var first, last int64
	if err := row.Scan(&r.Identifier.Kind, &r.Identifier.Value, &r.Score, &r.Reports, &r.Reporters, &r.Confirmed, &r.Delisted, &r.NotScam,
		&types, &first, &last, &r.Source, &d); err != nil {
		return nil, err
	}
	r.ScamTypes = splitList(types)
	r.FirstSeen, r.LastSeen = timeFromDB(first), timeFromDB(last)
	var dd details
	if err := json.Unmarshal([]byte(d), &dd); err != nil {
		return nil, fmt.Errorf("reputation details: %w", err)
	}
	r.ByStatus, r.LostMinor = dd.ByStatus, dd.LostMinor
	return &r, nil
}

// ReputationOf returns the stored reputation of an identifier.
func (db *DB) ReputationOf(ctx context.Context, id shopguard.Identifier) (*shopguard.Reputation, error) {
	r, err := scanReputation(db.Read.QueryRowContext(ctx, `SELECT `+reputationColumns+` FROM reputations WHERE kind = $1 AND value = $2`, string(id.Kind), id.Value))
	return r, db.wrap("find reputation", "reputation", err)
}

// EachReputationRow calls fn for every stored reputation with only what the lookup index
// keeps: a narrow SELECT of six columns, no details (each column costs the SQLite driver
// about 0.1 µs a row): the identifier joined, the score with the flags in its low 3 bits, the
// reports (below 2^31) with the reporters (below 2^32) in the low 32 bits. Where the dialect numbers rows (RowID), the table is read in up to parts ranges of row
// numbers, each on its own connection. The ranges are read in different snapshots: a
// reputation rewritten meanwhile may be seen in either state or, moved to a new row, missed,
// as the caller that replays the change sequence from AppliedChange read before
// (intel.Service.Start) reads it again.
func (db *DB) EachReputationRow(ctx context.Context, parts int, fn func(part int, r *shopguard.ReputationRow) error) error {
	const cols = `SELECT kind || ':' || value,
		score * 8 + CASE WHEN confirmed THEN 1 ELSE 0 END + CASE WHEN delisted THEN 2 ELSE 0 END + CASE WHEN source <> '' THEN 4 ELSE 0 END,
		reports * 4294967296 + reporters, scam_types, first_seen, last_seen FROM reputations`
	if db.Dialect.RowID == "" || parts < 2 {
		return db.eachReputationRow(ctx, func(r *shopguard.ReputationRow) error { return fn(0, r) }, cols)
	}
	var lo, hi sql.NullInt64
	if err := db.Read.QueryRowContext(ctx, `SELECT min(`+db.Dialect.RowID+`), max(`+db.Dialect.RowID+`) FROM reputations`).Scan(&lo, &hi); err != nil {
		return db.wrap("read reputations", "reputations", err)
	}
	if !lo.Valid {
		return nil
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var mu sync.Mutex
	var first error
	var wg sync.WaitGroup
	step := (hi.Int64-lo.Int64)/int64(parts) + 1
	for i := range parts {
		wg.Go(func() {
			from := lo.Int64 + int64(i)*step
			err := db.eachReputationRow(ctx, func(r *shopguard.ReputationRow) error { return fn(i, r) },
				cols+` WHERE `+db.Dialect.RowID+` >= $1 AND `+db.Dialect.RowID+` < $2`, from, from+step)
			if err != nil {
				mu.Lock()
				if first == nil {
					first = err
				}
				mu.Unlock()
				cancel() // the other parts stop early; their errors follow from this one
			}
		})
	}
	wg.Wait()
	return first
}

// eachReputationRow runs query on one connection and calls fn for each row. It reads through
// the driver's own interface, without database/sql's locking and conversions per row (about
// a tenth of the time of this loop).
func (db *DB) eachReputationRow(ctx context.Context, fn func(*shopguard.ReputationRow) error, query string, args ...int64) error {
	conn, err := db.Read.Conn(ctx)
	if err != nil {
		return db.wrap("read reputations", "reputations", err)
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		q, ok := dc.(driver.QueryerContext)
		if !ok {
			return fmt.Errorf("%s: read reputations: the driver cannot run queries directly", db.Dialect.Name)
		}
		named := make([]driver.NamedValue, len(args))
		for i, a := range args {
			named[i] = driver.NamedValue{Ordinal: i + 1, Value: a}
		}
		rows, err := q.QueryContext(ctx, query, named)
		if err != nil {
			return db.wrap("read reputations", "reputations", err)
		}
		defer rows.Close()
		var r shopguard.ReputationRow
		var key, types []byte
		dest := make([]driver.Value, 6)
		for {
			if err := rows.Next(dest); err == io.EOF {
				return nil
			} else if err != nil {
				return db.wrap("read reputations", "reputations", err)
			}
			var n [4]int64
			for i, c := range [4]int{1, 2, 4, 5} {
				v, ok := dest[c].(int64)
				if !ok {
					return fmt.Errorf("%s: read reputations: column %d is %T, want a number", db.Dialect.Name, c+1, dest[c])
				}
				n[i] = v
			}
			key, ok = appendText(key[:0], dest[0])
			if ok {
				types, ok = appendText(types[:0], dest[3])
			}
			if !ok {
				return fmt.Errorf("%s: read reputations: identifier or scam types are %T, %T, want text", db.Dialect.Name, dest[0], dest[3])
			}
			r.Key, r.ScamTypes = key, types
			r.Score, r.Reports, r.Reporters = int(n[0]>>3), int(n[1]>>32), int(n[1]&0xFFFFFFFF)
			r.Confirmed, r.Delisted, r.Imported = n[0]&1 != 0, n[0]&2 != 0, n[0]&4 != 0
			r.FirstSeen, r.LastSeen = timeFromDB(n[2]), timeFromDB(n[3])
			if err := fn(&r); err != nil {
				return err
			}
		}
	})
}

// appendText appends a text value as a driver returns it.
func appendText(b []byte, v driver.Value) ([]byte, bool) {
	switch v := v.(type) {
	case string:
		return append(b, v...), true
	case []byte:
		return append(b, v...), true
	}
	return b, false
}

// AppliedChange returns the highest change number up to which every change is scored: the
// one before the first numbered change not scored (the partial index changes_unscored finds
// it), else the last change. A change not numbered yet will be numbered above it.
func (db *DB) AppliedChange(ctx context.Context) (int64, error) {
	var n sql.NullInt64
	err := db.Read.QueryRowContext(ctx, `SELECT coalesce((SELECT min(seq) - 1 FROM changes WHERE NOT scored AND seq > 0), (SELECT max(seq) FROM changes))`).Scan(&n)
	return n.Int64, db.wrap("read applied change", "changes", err)
}

// PutImported stores indicators from a feed and appends them to the change sequence.
func (db *DB) PutImported(ctx context.Context, rs []*shopguard.Reputation) error {
	at := now()
	return db.changeTx(ctx, "import indicators", func(tx *sql.Tx) error {
		ids := make([]shopguard.Identifier, 0, len(rs))
		for _, r := range rs {
			if r.Source == "" {
				return shopguard.Invalid("source", "an imported indicator names its feed")
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO imported (kind, value, source, score, reports, reporters, confirmed, scam_types, first_seen, last_seen)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
				ON CONFLICT (kind, value) DO UPDATE SET source = excluded.source, score = excluded.score, reports = excluded.reports,
				reporters = excluded.reporters, confirmed = excluded.confirmed, scam_types = excluded.scam_types,
				first_seen = excluded.first_seen, last_seen = excluded.last_seen`,
				string(r.Identifier.Kind), r.Identifier.Value, r.Source, r.Score, r.Reports, r.Reporters, r.Confirmed,
				strings.Join(r.ScamTypes, ","), timeOrZero(r.FirstSeen), timeOrZero(r.LastSeen))
			if err != nil {
				return db.wrap("import indicators", "indicator", err)
			}
			ids = append(ids, r.Identifier)
		}
		return db.addChanges(ctx, tx, ids, at)
	})
}

// ImportedOf returns the imported indicator for an identifier.
func (db *DB) ImportedOf(ctx context.Context, id shopguard.Identifier) (*shopguard.Reputation, error) {
	return db.importedOf(ctx, db.Read, id)
}

func (db *DB) importedOf(ctx context.Context, q querier, id shopguard.Identifier) (*shopguard.Reputation, error) {
	r := &shopguard.Reputation{Identifier: id}
	var types string
	var first, last int64
	err := q.QueryRowContext(ctx, `SELECT source, score, reports, reporters, confirmed, scam_types, first_seen, last_seen FROM imported WHERE kind = $1 AND value = $2`,
		string(id.Kind), id.Value).Scan(&r.Source, &r.Score, &r.Reports, &r.Reporters, &r.Confirmed, &types, &first, &last)
	if err != nil {
		return nil, db.wrap("find imported indicator", "imported indicator", err)
	}
	r.ScamTypes = splitList(types)
	r.FirstSeen, r.LastSeen = timeFromDB(first), timeFromDB(last)
	return r, nil
}

func splitList(s string) []string {
	if s == "" {
		return []string{}
	}
	return strings.Split(s, ",")
}
