package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/sqlite"
	"github.com/shopguard/shopguard/storetest"
)

func open(t *testing.T) shopguard.Store {
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "shopguard.db"))
	if err != nil {
		t.Fatalf("sqlite.Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestConformance(t *testing.T) { storetest.Run(t, open) }

func TestReportEvidenceBackfill(t *testing.T) {
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "shopguard.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	storetest.ReportEvidenceBackfill(t, db, sqlite.Migrations())
}

func TestReopenKeepsDataAndSkipsAppliedMigrations(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "shopguard.db")
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	storetest.MustUser(t, db, "keeper", shopguard.RoleAdmin)
	if err := db.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	db, err = sqlite.Open(ctx, path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer db.Close()
	if _, err := db.UserByName(ctx, "keeper"); err != nil {
		t.Fatalf("user lost after reopen: %v", err)
	}
	applied, err := db.Migrate(ctx, sqlite.Migrations())
	if err != nil || len(applied) != 0 {
		t.Fatalf("second Migrate applied %v, %v; want nothing", applied, err)
	}
}
