package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"hash/fnv"
	"slices"
	"strconv"
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
	ids = uniqueIdentifiers(ids)
	for rest := ids; len(rest) > 0; {
		n := min(len(rest), inputsPerQuery)
		ins, err := db.inputsOf(ctx, tx, rest[:n])
		if err != nil {
			return err
		}
		for _, in := range ins {
			if err := db.putReputation(ctx, tx, score(in)); err != nil {
				return err
			}
		}
		rest = rest[n:]
	}
	return nil
}

// uniqueIdentifiers returns ids without repeats, in their first order.
func uniqueIdentifiers(ids []shopguard.Identifier) []shopguard.Identifier {
	seen := make(map[shopguard.Identifier]bool, len(ids))
	out := make([]shopguard.Identifier, 0, len(ids))
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// inputsPerQuery bounds the identifiers whose inputs one query reads (2 parameters each).
const inputsPerQuery = 200

// The sources of a row of inputsQuery, in its first column.
const (
	fromReports = iota
	fromFeedback
	fromAppeals
	fromImported
)

// inputsQuery reads everything the reputations of some identifiers are computed from, in one
// statement: the reports naming them (only what scoring reads), their feedback, appeals and
// imported indicators, as rows of one shape (source, kind, value, six integers, six texts;
// see scanInputs for which column holds what), in each source's order of id. where is the
// condition on kind and value, the same in every part (in the first, report_identifiers' are
// the only columns of those names). The first part's NULLs are cast: PostgreSQL resolves the
// columns' types part by part.
func inputsQuery(where string) string {
	return `SELECT ` + strconv.Itoa(fromReports) + `, i.kind, i.value, r.id, r.reporter_id, r.trust, r.created_at, CAST(NULL AS BIGINT), CAST(NULL AS BIGINT),
			r.status, r.scam_type, r.amount, r.currency, r.occurred_on, r.source
			FROM report_identifiers i JOIN reports r ON r.id = i.report_id WHERE ` + where + `
		UNION ALL SELECT ` + strconv.Itoa(fromFeedback) + `, kind, value, id, user_id, NULL, created_at, NULL, NULL,
			comment, NULL, NULL, NULL, NULL, source FROM feedback WHERE ` + where + `
		UNION ALL SELECT ` + strconv.Itoa(fromAppeals) + `, kind, value, id, decided_by, CASE WHEN verified THEN 1 ELSE 0 END, created_at, decided_at, NULL,
			reason, contact, method, token, status, decision FROM appeals WHERE ` + where + `
		UNION ALL SELECT ` + strconv.Itoa(fromImported) + `, kind, value, score, reports, reporters, first_seen, last_seen, CASE WHEN confirmed THEN 1 ELSE 0 END,
			source, scam_types, NULL, NULL, NULL, NULL FROM imported WHERE ` + where + `
		ORDER BY 1, 4`
}

// inputsOf reads what the reputations of ids (each once) are computed from, in one query
// (inputsQuery), and returns them in the order of ids.
func (db *DB) inputsOf(ctx context.Context, q querier, ids []shopguard.Identifier) ([]shopguard.ReputationInputs, error) {
	var where strings.Builder
	args := make([]any, 0, 2*len(ids))
	at := make(map[shopguard.Identifier]int, len(ids))
	out := make([]shopguard.ReputationInputs, len(ids))
	for i, id := range ids {
		if i > 0 {
			where.WriteString(" OR ")
		}
		fmt.Fprintf(&where, "(kind = $%d AND value = $%d)", len(args)+1, len(args)+2)
		args = append(args, string(id.Kind), id.Value)
		at[id] = i
		out[i].Identifier = id
	}
	rows, err := q.QueryContext(ctx, inputsQuery("("+where.String()+")"), args...)
	if err != nil {
		return nil, db.wrap("score inputs", "reputation inputs", err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := scanInputs(rows, func(id shopguard.Identifier) *shopguard.ReputationInputs { return &out[at[id]] }); err != nil {
			return nil, db.wrap("score inputs", "reputation inputs", err)
		}
	}
	return out, db.wrap("score inputs", "reputation inputs", rows.Err())
}

// scanInputs reads one row of inputsQuery into the inputs of its identifier.
func scanInputs(row interface{ Scan(...any) error }, of func(shopguard.Identifier) *shopguard.ReputationInputs) error {
	var src int
	var id shopguard.Identifier
	var n [6]sql.NullInt64
	var s [6]sql.NullString
	if err := row.Scan(&src, &id.Kind, &id.Value, &n[0], &n[1], &n[2], &n[3], &n[4], &n[5], &s[0], &s[1], &s[2], &s[3], &s[4], &s[5]); err != nil {
		return err
	}
	in := of(id)
	switch src {
	case fromReports:
		in.Reports = append(in.Reports, &shopguard.Report{ID: n[0].Int64, ReporterID: n[1].Int64, Trust: shopguard.Trust(n[2].Int64),
			CreatedAt: fromDB(n[3].Int64), Status: shopguard.ReportStatus(s[0].String), ScamType: s[1].String, Amount: s[2].String,
			Currency: s[3].String, OccurredOn: s[4].String, Source: s[5].String})
	case fromFeedback:
		in.Feedback = append(in.Feedback, &shopguard.Feedback{ID: n[0].Int64, Identifier: id, UserID: n[1].Int64,
			CreatedAt: fromDB(n[3].Int64), Comment: s[0].String, Source: s[5].String})
	case fromAppeals:
		in.Appeals = append(in.Appeals, &shopguard.Appeal{ID: n[0].Int64, Identifier: id, DecidedBy: n[1].Int64, Verified: n[2].Int64 != 0,
			CreatedAt: fromDB(n[3].Int64), DecidedAt: fromDBNull(n[4]), Reason: s[0].String, Contact: s[1].String,
			Method: shopguard.ProofMethod(s[2].String), Token: s[3].String, Status: shopguard.AppealStatus(s[4].String), Decision: s[5].String})
	case fromImported:
		in.Imported = &shopguard.Reputation{Identifier: id, Score: int(n[0].Int64), Reports: int(n[1].Int64), Reporters: int(n[2].Int64),
			FirstSeen: timeFromDB(n[3].Int64), LastSeen: timeFromDB(n[4].Int64), Confirmed: n[5].Int64 != 0,
			Source: s[0].String, ScamTypes: splitList(s[1].String)}
	default:
		return fmt.Errorf("a row of inputs from source %d", src)
	}
	return nil
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
