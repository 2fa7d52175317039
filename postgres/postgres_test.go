package postgres_test

import (
	"context"
	"sync"
	"testing"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/postgres"
	"github.com/shopguard/shopguard/storetest"
)

func open(t *testing.T) shopguard.Store {
	db, err := postgres.Open(context.Background(), storetest.PostgresDSN(t))
	if err != nil {
		t.Fatalf("postgres.Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestConformance(t *testing.T) { storetest.Run(t, open) }

func TestReportEvidenceBackfill(t *testing.T) {
	db, err := postgres.Open(context.Background(), storetest.PostgresDSN(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	storetest.ReportEvidenceBackfill(t, db, postgres.Migrations())
}

// Several nodes starting at once on an empty database must not trip over each other's
// migrations.
func TestConcurrentStartMigratesOnce(t *testing.T) {
	dsn := storetest.PostgresDSN(t)
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			db, err := postgres.Open(context.Background(), dsn)
			if err == nil {
				db.Close()
			}
			errs[i] = err
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("node %d: %v", i, err)
		}
	}
}
