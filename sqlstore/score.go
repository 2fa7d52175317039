package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"hash/fnv"
	"slices"
	"strings"

	"github.com/shopguard/shopguard"
)

// querier is what reads need of a pool or a transaction.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// ScoreWith sets how the writes compute the reputations of the identifiers they change (see
// shopguard.ReputationStore); nil stops them.
func (db *DB) ScoreWith(score shopguard.ScoreFunc) {
	if score == nil {
		db.score.Store(nil)
		return
	}
	db.score.Store(&score)
}

// scorer returns what ScoreWith set, nil for none.
func (db *DB) scorer() shopguard.ScoreFunc {
	if p := db.score.Load(); p != nil {
		return *p
	}
	return nil
}

// identifierBuckets is how many lock keys the identifiers share (identifierLocks): enough
// that two writes to different identifiers seldom wait for each other, few enough that a
// write changing thousands (a feed's import, the retention purge) takes at most this many
// locks.
const identifierBuckets = 256

// identifierLocks returns the lock keys of ids, each once, ascending: every transaction takes
// its locks in the same order, so none waits for another that waits for it.
func identifierLocks(ids []shopguard.Identifier) []int32 {
	keys := make([]int32, 0, len(ids))
	for _, id := range ids {
		h := fnv.New32a()
		h.Write([]byte(id.Kind))
		h.Write([]byte{':'})
		h.Write([]byte(id.Value))
		keys = append(keys, int32(h.Sum32()%identifierBuckets))
	}
	slices.Sort(keys)
	return slices.Compact(keys)
}

// lockIdentifiers takes the locks of ids for tx (Dialect.LockIdentifiers): what tx reads
// after it includes every write to those identifiers' reputations committed before, and a
// write to one of them that comes after waits for tx to end.
func (db *DB) lockIdentifiers(ctx context.Context, tx *sql.Tx, ids []shopguard.Identifier) error {
	if db.Dialect.LockIdentifiers == "" || len(ids) == 0 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, db.Dialect.LockIdentifiers, identifierLocks(ids)); err != nil {
		return fmt.Errorf("lock the identifiers: %w", err)
	}
	return nil
}

// ScoreChanges computes and stores the reputation of every identifier with a change not yet
// scored up to through, and marks those changes scored, under the identifiers' locks: a node
// that comes second reads the changes again once it holds the locks, and finds them scored.
func (db *DB) ScoreChanges(ctx context.Context, through int64, score shopguard.ScoreFunc) (int, error) {
	var n int
	err := db.inTx(ctx, "score changes", func(tx *sql.Tx) error {
		unscored := func() ([]shopguard.Identifier, error) {
			rows, err := tx.QueryContext(ctx, `SELECT DISTINCT kind, value FROM changes WHERE NOT scored AND seq > 0 AND seq <= $1`, through)
			if err != nil {
				return nil, db.wrap("score changes", "changes", err)
			}
			ids, err := scanIdentifiers(rows)
			return ids, db.wrap("score changes", "changes", err)
		}
		ids, err := unscored()
		if err != nil || len(ids) == 0 {
			return err
		}
		if err := db.lockIdentifiers(ctx, tx, ids); err != nil {
			return err
		}
		// what another node scored while this one waited for the locks (the changes up to
		// through are all committed: no others come to be scored)
		if ids, err = unscored(); err != nil || len(ids) == 0 {
			return err
		}
		if err := db.scoreAll(ctx, tx, ids, score); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE changes SET scored = TRUE WHERE NOT scored AND seq > 0 AND seq <= $1`, through); err != nil {
			return db.wrap("score changes", "changes", err)
		}
		n = len(ids)
		return nil
	})
	return n, err
}

// scanIdentifiers reads rows of kind and value, and closes them.
func scanIdentifiers(rows *sql.Rows) ([]shopguard.Identifier, error) {
	defer rows.Close()
	var ids []shopguard.Identifier
	for rows.Next() {
		var id shopguard.Identifier
		if err := rows.Scan(&id.Kind, &id.Value); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// scoreAll computes the reputation of each identifier (once each) from what tx reads, and
// stores it.
func (db *DB) scoreAll(ctx context.Context, tx *sql.Tx, ids []shopguard.Identifier, score shopguard.ScoreFunc) error {
	done := make(map[shopguard.Identifier]bool, len(ids))
	for _, id := range ids {
		if done[id] {
			continue
		}
		done[id] = true
		in, err := db.inputsOf(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := db.putReputation(ctx, tx, score(in)); err != nil {
			return err
		}
	}
	return nil
}

// inputsOf reads what the reputation of id is computed from.
func (db *DB) inputsOf(ctx context.Context, q querier, id shopguard.Identifier) (shopguard.ReputationInputs, error) {
	in := shopguard.ReputationInputs{Identifier: id}
	var err error
	if in.Reports, err = db.scoredReports(ctx, q, id); err != nil {
		return in, err
	}
	if in.Feedback, err = db.feedbackFor(ctx, q, id); err != nil {
		return in, err
	}
	if in.Appeals, err = db.appealsFor(ctx, q, id); err != nil {
		return in, err
	}
	in.Imported, err = db.importedOf(ctx, q, id)
	if shopguard.ErrorCode(err) == shopguard.ENOTFOUND {
		err = nil
	}
	return in, err
}

// scoredReports returns the reports naming id with only what scoring reads: one query, without
// the narrative, the evidence or the reports' other identifiers.
func (db *DB) scoredReports(ctx context.Context, q querier, id shopguard.Identifier) ([]*shopguard.Report, error) {
	rows, err := q.QueryContext(ctx, `SELECT r.id, r.status, r.scam_type, r.amount, r.currency, r.occurred_on, r.reporter_id, r.trust, r.source, r.created_at
		FROM report_identifiers i JOIN reports r ON r.id = i.report_id WHERE i.kind = $1 AND i.value = $2 ORDER BY r.id`, string(id.Kind), id.Value)
	if err != nil {
		return nil, db.wrap("score reports", "reports", err)
	}
	defer rows.Close()
	var out []*shopguard.Report
	for rows.Next() {
		var r shopguard.Report
		var reporter sql.NullInt64
		var trust int
		var created int64
		if err := rows.Scan(&r.ID, &r.Status, &r.ScamType, &r.Amount, &r.Currency, &r.OccurredOn, &reporter, &trust, &r.Source, &created); err != nil {
			return nil, db.wrap("score reports", "reports", err)
		}
		r.ReporterID, r.Trust, r.CreatedAt = reporter.Int64, shopguard.Trust(trust), fromDB(created)
		out = append(out, &r)
	}
	return out, db.wrap("score reports", "reports", rows.Err())
}

// ReputationsOf returns the stored reputations of ids in one query: for each kind among them,
// the rows whose value is in that kind's list (the primary key's order), joined by UNION ALL.
func (db *DB) ReputationsOf(ctx context.Context, ids []shopguard.Identifier) ([]*shopguard.Reputation, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	byKind := map[shopguard.Kind][]string{}
	var kinds []shopguard.Kind
	for _, id := range ids {
		if byKind[id.Kind] == nil {
			kinds = append(kinds, id.Kind)
		}
		byKind[id.Kind] = append(byKind[id.Kind], id.Value)
	}
	var q strings.Builder
	args := make([]any, 0, len(ids)+len(kinds))
	for i, k := range kinds {
		if i > 0 {
			q.WriteString(" UNION ALL ")
		}
		args = append(args, string(k))
		fmt.Fprintf(&q, `SELECT `+reputationColumns+` FROM reputations WHERE kind = $%d AND value IN (`, len(args))
		for j, v := range byKind[k] {
			if j > 0 {
				q.WriteByte(',')
			}
			args = append(args, v)
			fmt.Fprintf(&q, "$%d", len(args))
		}
		q.WriteByte(')')
	}
	rows, err := db.Read.QueryContext(ctx, q.String(), args...)
	if err != nil {
		return nil, db.wrap("read reputations", "reputations", err)
	}
	defer rows.Close()
	out := make([]*shopguard.Reputation, 0, len(ids))
	for rows.Next() {
		r, err := scanReputation(rows)
		if err != nil {
			return nil, db.wrap("read reputations", "reputations", err)
		}
		out = append(out, r)
	}
	return out, db.wrap("read reputations", "reputations", rows.Err())
}
