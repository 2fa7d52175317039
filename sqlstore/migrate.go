package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"time"
)

// Migrate applies, in name order, every *.sql file of fsys not yet recorded in the
// schema_migrations table, each in its own transaction. Migrations only go forward.
// It returns the names it applied.
func (db *DB) Migrate(ctx context.Context, fsys fs.FS) ([]string, error) {
	names, err := fs.Glob(fsys, "*.sql")
	if err != nil {
		return nil, fmt.Errorf("%s: list migrations: %w", db.Dialect.Name, err)
	}
	sort.Strings(names)
	if err := db.inMigrationTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
			name TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)`)
		return err
	}); err != nil {
		return nil, fmt.Errorf("%s: create schema_migrations: %w", db.Dialect.Name, err)
	}
	var applied []string
	for _, name := range names {
		ok, err := db.migrateOne(ctx, fsys, name)
		if err != nil {
			return applied, err
		}
		if ok {
			applied = append(applied, name)
		}
	}
	return applied, nil
}

func (db *DB) migrateOne(ctx context.Context, fsys fs.FS, name string) (bool, error) {
	body, err := fs.ReadFile(fsys, name)
	if err != nil {
		return false, fmt.Errorf("%s: read migration %s: %w", db.Dialect.Name, name, err)
	}
	applied := false
	err = db.inMigrationTx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE name = $1`, name).Scan(&n); err != nil || n > 0 {
			return err
		}
		for _, stmt := range splitSQL(string(body)) {
			if _, err := tx.ExecContext(ctx, stmt); err != nil {
				return err
			}
		}
		applied = true
		_, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (name, applied_at) VALUES ($1, $2)`, name, toDB(time.Now()))
		return err
	})
	if err != nil {
		return false, fmt.Errorf("%s: migration %s: %w", db.Dialect.Name, name, err)
	}
	return applied, nil
}

// inMigrationTx runs fn in a write transaction that holds the dialect's migration lock.
func (db *DB) inMigrationTx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := db.Write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if db.Dialect.MigrationLock != "" {
		if _, err := tx.ExecContext(ctx, db.Dialect.MigrationLock); err != nil {
			return fmt.Errorf("lock: %w", err)
		}
	}
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}

// splitSQL splits a migration into statements at semicolons that end a line. Migrations keep
// to that form (no semicolons inside a line's string literal at its end).
func splitSQL(s string) []string {
	var out []string
	var cur strings.Builder
	for _, line := range strings.Split(s, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "--") {
			continue
		}
		cur.WriteString(line)
		cur.WriteByte('\n')
		if strings.HasSuffix(strings.TrimSpace(line), ";") {
			if stmt := strings.TrimSpace(cur.String()); stmt != ";" {
				out = append(out, stmt)
			}
			cur.Reset()
		}
	}
	if stmt := strings.TrimSpace(cur.String()); stmt != "" {
		out = append(out, stmt)
	}
	return out
}

// Migrations lists the names of the migrations already applied, in order.
func (db *DB) Migrations(ctx context.Context) ([]string, error) {
	rows, err := db.Read.QueryContext(ctx, `SELECT name FROM schema_migrations ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("%s: list applied migrations: %w", db.Dialect.Name, err)
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		names = append(names, n)
	}
	return names, rows.Err()
}
