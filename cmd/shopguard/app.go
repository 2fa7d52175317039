package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/shopguard/shopguard/knowledge"
	"github.com/shopguard/shopguard/postgres"
	"github.com/shopguard/shopguard/sqlite"
	"github.com/shopguard/shopguard/sqlstore"
)

// openStore opens the configured database, migrated: PostgreSQL when --db names one, else
// SQLite in the data directory (created if missing).
func openStore(ctx context.Context, c Config) (*sqlstore.DB, error) {
	switch {
	case strings.HasPrefix(c.DB, "postgres://"), strings.HasPrefix(c.DB, "postgresql://"):
		return postgres.Open(ctx, c.DB)
	case c.DB != "":
		return nil, usagef("--db %q: want empty (SQLite in the data directory) or a postgres:// URL", c.redacted().DB)
	}
	if err := os.MkdirAll(c.Data, 0o750); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	return sqlite.Open(ctx, c.sqlitePath())
}

// loadKnowledge loads the embedded pack and, when configured, the operator's pack over it.
func loadKnowledge(c Config) (*knowledge.Pack, error) {
	if c.Knowledge == "" {
		return knowledge.Default()
	}
	base, err := knowledge.Embedded()
	if err != nil {
		return nil, err
	}
	st, err := os.Stat(c.Knowledge)
	if err != nil || !st.IsDir() {
		return nil, usagef("--knowledge %q: not a directory", c.Knowledge)
	}
	pack, err := knowledge.Load(base, os.DirFS(c.Knowledge))
	var le *knowledge.LoadError
	if errors.As(err, &le) {
		return nil, usagef("knowledge pack %s: %v", c.Knowledge, err)
	}
	return pack, err
}

// newLogger returns the program's logger on w. It never gets personal identifiers: handlers
// log route patterns, not paths, and no request bodies.
func newLogger(w io.Writer, level, format string) (*slog.Logger, error) {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		return nil, usagef("log level %q: want debug, info, warn or error", level)
	}
	opts := &slog.HandlerOptions{Level: lv}
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, usagef("log format %q: want text or json", format)
}
