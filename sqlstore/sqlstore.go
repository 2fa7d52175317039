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
	// ChangeLock is run before a transaction appends to the change sequence, so that
	// sequence numbers commit in order and a node following the sequence never skips one
	// ("" where writes are serial already, as on SQLite).
	ChangeLock string
	// RowID is a column numbering a table's rows, by which a large table is read in ranges
	// on several connections at once ("rowid" on SQLite); "" reads it in one query.
	RowID string
}

// DB is a shopguard.Store on one database. Reads go to Read and writes to Write, which are the
// same pool on PostgreSQL and a single-connection pool on SQLite.
type DB struct {
	Read, Write *sql.DB
	Dialect     Dialect
}

var _ shopguard.Store = (*DB)(nil)

// New returns a DB over the two pools.
func New(read, write *sql.DB, d Dialect) *DB {
	return &DB{Read: read, Write: write, Dialect: d}
}

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.Read.PingContext(ctx); err != nil {
		return fmt.Errorf("%s: ping: %w", db.Dialect.Name, err)
	}
	return nil
}

// Close closes both pools.
func (db *DB) Close() error {
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
