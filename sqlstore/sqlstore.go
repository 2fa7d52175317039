// Package sqlstore implements shopguard.Store over database/sql for both engines. The queries
// are written once, in the SQL both SQLite and PostgreSQL accept ($N placeholders, RETURNING,
// ON CONFLICT); what differs (opening, migrations, error codes) lives in the sqlite and
// postgres packages, which hand a Dialect to New.
package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/shopguard/shopguard"
)

// Dialect is what one engine adds to the shared queries.
type Dialect struct {
	// Name names the engine in errors and logs: "sqlite" or "postgres".
	Name string
	// Conflict reports whether err is a unique-constraint violation.
	Conflict func(err error) bool
	// MigrationLock is run first in every migration transaction, to keep two nodes from
	// migrating at once ("" for none).
	MigrationLock string
	// LockIdentifiers is run in a transaction before it computes the reputations of the
	// identifiers it changes, with the lock keys of those identifiers (identifierLocks: an
	// array of small integers, ascending) as $1, and holds them to its end: two writes that
	// change one identifier score it in turn, the second reading what the first committed,
	// while writes to other identifiers go on at once ("" where writes are serial already,
	// as on SQLite).
	LockIdentifiers string
	// NumberChanges is run before the change sequence is read, to number the changes
	// committed since the last time ("" where a change is numbered as it is written, as on
	// SQLite, whose writes are serial). On PostgreSQL a write appends its changes unnumbered
	// and commits without waiting on other writes; the numbering, one node at a time, gives
	// what has committed the next numbers, so that the numbers become visible in order and a
	// node reading past the last one it saw never skips one.
	NumberChanges string
	// Notify is run after a transaction that appended to the change sequence commits, by a
	// goroutine of its own that the write does not wait for (notifyLater), so that the nodes
	// listening (Listen) hear of it ("" for none). It is not part of the
	// write: a notification lost is caught up by the next one or the slow poll.
	Notify string
	// Listen, when set, calls wake each time a transaction that ran Notify commits, and once
	// whenever it (re)connects (what committed meanwhile was not heard), until ctx ends. It
	// returns only when ctx ends.
	Listen func(ctx context.Context, wake func())
	// TryLock takes a lock named by a number for the session, answering whether it got it
	// (a bool), and Unlock releases it, so that a background job runs on one node at a time
	// (PostgreSQL's advisory locks); "" where there is one node (SQLite).
	TryLock, Unlock string
	// RowID is a column numbering a table's rows, by which a large table is read in ranges
	// on several connections at once ("rowid" on SQLite); "" reads it in one query.
	RowID string
}

// DB is a shopguard.Store on one database. Reads go to Read and writes to Write, which are the
// same pool on PostgreSQL and a single-connection pool on SQLite.
type DB struct {
	Read, Write *sql.DB
	Dialect     Dialect

	score atomic.Pointer[shopguard.ScoreFunc] // ScoreWith's

	// the notifier (notifyLoop), when the dialect notifies
	notifyWake chan struct{}
	notifyStop chan struct{}
	notifyDone chan struct{}
	stopNotify sync.Once
}

var _ shopguard.Store = (*DB)(nil)

// New returns a DB over the two pools. When the dialect notifies, it starts the notifier,
// which Close stops.
func New(read, write *sql.DB, d Dialect) *DB {
	db := &DB{Read: read, Write: write, Dialect: d}
	if d.Notify != "" {
		db.notifyWake, db.notifyStop, db.notifyDone = make(chan struct{}, 1), make(chan struct{}), make(chan struct{})
		go db.notifyLoop()
	}
	return db
}

// notifyTimeout bounds one notification.
const notifyTimeout = 5 * time.Second

// notifyLater has the listening nodes told (Dialect.Notify) that the change sequence grew,
// by the notifier, so that the write that committed does not wait for it: the notification
// starts after the call, and the writes that commit while one is sent share the next.
func (db *DB) notifyLater() {
	if db.notifyWake == nil {
		return
	}
	select {
	case db.notifyWake <- struct{}{}:
	default: // one is due already, and will start after this write's commit
	}
}

// notifyLoop sends a notification for each wake of notifyLater, until Close; one due then
// is sent before it returns.
func (db *DB) notifyLoop() {
	defer close(db.notifyDone)
	send := func() {
		ctx, cancel := context.WithTimeout(context.Background(), notifyTimeout)
		defer cancel()
		db.Write.ExecContext(ctx, db.Dialect.Notify)
	}
	for {
		select {
		case <-db.notifyWake:
			send()
		case <-db.notifyStop:
			select {
			case <-db.notifyWake:
				send()
			default:
			}
			return
		}
	}
}

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.Read.PingContext(ctx); err != nil {
		return fmt.Errorf("%s: ping: %w", db.Dialect.Name, err)
	}
	return nil
}

// Listens reports whether the database tells of new changes (ListenChanges), so that
// following them needs no frequent polling.
func (db *DB) Listens() bool { return db.Dialect.Listen != nil }

// ListenChanges calls wake each time the change sequence may have grown, until ctx ends
// (see Dialect.Listen); without Listens it returns at once.
func (db *DB) ListenChanges(ctx context.Context, wake func()) {
	if db.Dialect.Listen != nil {
		db.Dialect.Listen(ctx, wake)
	}
}

// RunAlone runs fn unless another node is running the job of the same number, reporting
// whether it ran: a lock held for the session on one connection (Dialect.TryLock) keeps the
// nodes sharing a database from running a background job at once. Where there is one node,
// fn just runs.
func (db *DB) RunAlone(ctx context.Context, job int64, fn func(context.Context) error) (bool, error) {
	if db.Dialect.TryLock == "" {
		return true, fn(ctx)
	}
	conn, err := db.Write.Conn(ctx)
	if err != nil {
		return false, fmt.Errorf("%s: job %d: %w", db.Dialect.Name, job, err)
	}
	defer conn.Close()
	var got bool
	if err := conn.QueryRowContext(ctx, db.Dialect.TryLock, job).Scan(&got); err != nil {
		return false, fmt.Errorf("%s: job %d: lock: %w", db.Dialect.Name, job, err)
	}
	if !got {
		return false, nil
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), db.Dialect.Unlock, job)
	return true, fn(ctx)
}

// Close stops the notifier and closes both pools.
func (db *DB) Close() error {
	if db.notifyStop != nil {
		db.stopNotify.Do(func() { close(db.notifyStop) })
		<-db.notifyDone
	}
	err := db.Write.Close()
	if db.Read != db.Write {
		err = errors.Join(err, db.Read.Close())
	}
	return err
}

// wrap maps driver errors to domain codes at the boundary: no rows is ENOTFOUND, a unique
// violation is ECONFLICT; what is ENOTFOUND names the thing.
func (db *DB) wrap(op, thing string, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, sql.ErrNoRows):
		return shopguard.Errorf(shopguard.ENOTFOUND, "%s not found", thing)
	case db.Dialect.Conflict(err):
		return fmt.Errorf("%s: %s: %w", db.Dialect.Name, op, &shopguard.Error{Code: shopguard.ECONFLICT, Message: thing + " exists already"})
	}
	return fmt.Errorf("%s: %s: %w", db.Dialect.Name, op, err)
}

// Times are stored as Unix microseconds in both engines.
func toDB(t time.Time) int64 { return t.UnixMicro() }

func fromDB(us int64) time.Time { return time.UnixMicro(us).UTC() }

func fromDBNull(us sql.NullInt64) *time.Time {
	if !us.Valid {
		return nil
	}
	t := fromDB(us.Int64)
	return &t
}

// now is the store's clock, truncated to what the database keeps.
func now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

// timeOrZero stores a time that may be unset: the zero time is 0.
func timeOrZero(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return toDB(t)
}

func timeFromDB(us int64) time.Time {
	if us == 0 {
		return time.Time{}
	}
	return fromDB(us)
}
