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
	db := sqlstore.New(pool, pool, dialect)
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
	ChangeLock:    `SELECT pg_advisory_xact_lock(7406002)`,
}
