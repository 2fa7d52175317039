package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/shopguard/shopguard/backup"
	"github.com/shopguard/shopguard/sqlite"
	"github.com/shopguard/shopguard/sqlstore"
)

// embeddedOnly refuses a backup or restore on PostgreSQL, whose tools do it (README).
func embeddedOnly(c Config, what string) error {
	if c.DB != "" {
		return usagef("%s works on the embedded SQLite database; for PostgreSQL use pg_dump and pg_restore, and your object store's tools for s3:// evidence (see the README)", what)
	}
	return nil
}

func (m *Main) backup(ctx context.Context, args []string) error {
	var cfg *Config
	return m.withStore(ctx, "backup", "FILE",
		"Write a consistent backup of the embedded database and of every evidence file it refers to into FILE\n"+
			"(a tar archive with a manifest of SHA-256 sums), while serve may go on running.",
		args, func(c *Config, _ *flag.FlagSet) { cfg = c }, func(db *sqlstore.DB, rest []string) error {
			if len(rest) != 1 {
				return usagef("backup takes one FILE")
			}
			if err := embeddedOnly(*cfg, "backup"); err != nil {
				return err
			}
			blobs, err := cfg.openBlobs(ctx)
			if err != nil {
				return err
			}
			dir, err := os.MkdirTemp(cfg.Data, ".backup-")
			if err != nil {
				return fmt.Errorf("backup: %w", err)
			}
			defer os.RemoveAll(dir)
			snapshot := filepath.Join(dir, "shopguard.db")
			if err := sqlite.Snapshot(ctx, db, snapshot); err != nil {
				return err
			}
			snap, err := sqlite.Open(ctx, snapshot)
			if err != nil {
				return err
			}
			defer snap.Close()
			out := rest[0]
			f, err := os.Create(out + ".partial")
			if err != nil {
				return usagef("backup: %v", err)
			}
			defer os.Remove(f.Name())
			man, err := backup.Create(ctx, f, snapshot, snap.FilesInUse, blobs)
			if err == nil {
				err = f.Sync()
			}
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err == nil {
				err = os.Rename(f.Name(), out)
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(m.Stdout, "backup %s: the database and %d evidence files\n", out, man.Blobs())
			return nil
		})
}

func (m *Main) restore(ctx context.Context, args []string) error {
	c, err := m.loadConfig()
	if err != nil {
		return err
	}
	fs := m.flags("restore", "FILE", "Restore a backup (shopguard backup) into a fresh data directory: the database and the evidence\n"+
		"files, each checked against the archive's manifest. Nothing is restored from an altered archive.")
	c.storeFlags(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("restore takes one FILE")
	}
	if err := embeddedOnly(c, "restore"); err != nil {
		return err
	}
	in, err := os.Open(fs.Arg(0))
	if err != nil {
		return usagef("restore: %v", err)
	}
	defer in.Close()
	if err := os.MkdirAll(c.Data, 0o750); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	blobs, err := c.openBlobs(ctx)
	if err != nil {
		return err
	}
	man, err := backup.Restore(ctx, in, c.sqlitePath(), blobs)
	if err != nil {
		return err
	}
	db, err := openStore(ctx, c) // brings an older backup's schema up to date
	if err != nil {
		return err
	}
	db.Close()
	fmt.Fprintf(m.Stdout, "restored %s into %s: the database and %d evidence files\n", fs.Arg(0), c.Data, man.Blobs())
	return nil
}
