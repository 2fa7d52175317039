// Package postgres opens shopguard's store on PostgreSQL through pgx, for several stateless
// nodes sharing one database.
package postgres

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver

	"github.com/shopguard/shopguard/sqlstore"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Migrations returns the PostgreSQL migrations.
func Migrations() fs.FS {
	sub, _ := fs.Sub(migrations, "migrations")
	return sub
}

// Open connects to the database named by dsn (postgres://…) and applies the migrations. Two
// nodes starting together migrate one after the other: each migration takes an advisory lock.
func Open(ctx context.Context, dsn string) (*sqlstore.DB, error) {
	pool, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("postgres: open: %w", err)
	}
	pool.SetMaxOpenConns(20)
	pool.SetMaxIdleConns(10)
	d := dialect
	d.Listen = listen(dsn)
	db := sqlstore.New(pool, pool, d)
	if err := db.Ping(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	if _, err := db.Migrate(ctx, Migrations()); err != nil {
		pool.Close()
		return nil, err
	}
	return db, nil
}

var dialect = sqlstore.Dialect{
	Name: "postgres",
	Conflict: func(err error) bool {
		var e *pgconn.PgError
		return errors.As(err, &e) && e.Code == "23505"
	},
	MigrationLock: `SELECT pg_advisory_xact_lock(7406001)`,
	// the identifiers' locks, in the order of the array (ascending: see sqlstore.Dialect)
	LockIdentifiers: `SELECT pg_advisory_xact_lock(7406003, k) FROM unnest($1::integer[]) AS k`,
	// migration 0090: under the change lock, pg_advisory_xact_lock(7406002)
	NumberChanges: `SELECT changes_number()`,
	// on its own after the write's commit, which it does not wait for: a notifying
	// transaction holds the notification queue's lock through its commit, so a write that
	// notified would commit one at a time again; this one does not wait for its commit to
	// reach the disk (a notification lost in a crash is caught up after reconnecting)
	Notify:  `SELECT set_config('synchronous_commit', 'off', true), pg_notify('` + changesChannel + `', '')`,
	TryLock: `SELECT pg_try_advisory_lock($1)`,
	Unlock:  `SELECT pg_advisory_unlock($1)`,
}

// changesChannel is the channel of the notifications a write to the change sequence sends.
const changesChannel = "shopguard_changes"

// relisten is how long listen waits before connecting again after losing its connection.
const relisten = time.Second

// listen returns the Dialect.Listen of the database at dsn: on a connection of its own it
// LISTENs on changesChannel and calls wake for every notification; after connecting (the
// first time, or again after losing the connection) it calls wake once, so that the
// follower catches up on what committed while nobody listened.
func listen(dsn string) func(ctx context.Context, wake func()) {
	return func(ctx context.Context, wake func()) {
		for ctx.Err() == nil {
			conn, err := pgx.Connect(ctx, dsn)
			if err == nil {
				if _, err = conn.Exec(ctx, "LISTEN "+changesChannel); err == nil {
					wake()
					for err == nil {
						if _, err = conn.WaitForNotification(ctx); err == nil {
							wake()
						}
					}
				}
				conn.Close(context.WithoutCancel(ctx))
			}
			select {
			case <-ctx.Done():
			case <-time.After(relisten):
			}
		}
	}
}
