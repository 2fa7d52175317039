// Package sqlite opens shopguard's embedded default store: one SQLite file (pure Go, no cgo)
// in WAL mode, with a single-connection pool for writes and a read-only pool for reads.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"runtime"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/shopguard/shopguard/sqlstore"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Migrations returns the SQLite migrations.
func Migrations() fs.FS {
	sub, _ := fs.Sub(migrations, "migrations")
	return sub
}

// dsn builds the connection string: busy_timeout first so that every later pragma already
// waits for a lock, then WAL, foreign keys and full fsync on commit (an acknowledged write
// survives a power cut).
func dsn(path string, readOnly bool) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(FULL)")
	if readOnly {
		q.Add("_pragma", "query_only(1)")
	} else {
		q.Set("_txlock", "immediate")
	}
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
}

// Open opens (creating it if needed) the database file at path and applies the migrations.
func Open(ctx context.Context, path string) (*sqlstore.DB, error) {
	write, err := sql.Open("sqlite", dsn(path, false))
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	write.SetMaxOpenConns(1)
	write.SetConnMaxIdleTime(0)
	db := sqlstore.New(write, write, dialect)
	if _, err := db.Migrate(ctx, Migrations()); err != nil {
		write.Close()
		return nil, err
	}
	read, err := sql.Open("sqlite", dsn(path, true))
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("sqlite: open %s for reading: %w", path, err)
	}
	read.SetMaxOpenConns(max(4, 2*runtime.NumCPU()))
	db.Read = read
	if err := db.Ping(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// Snapshot writes a consistent copy of the open database to the new file path (VACUUM
// INTO), while it stays in use: writes wait for the copy, reads go on.
func Snapshot(ctx context.Context, db *sqlstore.DB, path string) error {
	if _, err := db.Write.ExecContext(ctx, `VACUUM INTO $1`, path); err != nil {
		return fmt.Errorf("sqlite: snapshot to %s: %w", path, err)
	}
	return nil
}

var dialect = sqlstore.Dialect{
	Name:  "sqlite",
	RowID: "rowid",
	Conflict: func(err error) bool {
		var e *sqlite.Error
		if !errors.As(err, &e) {
			return false
		}
		return e.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || e.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	},
}
