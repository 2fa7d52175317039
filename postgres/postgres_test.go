package postgres_test

import (
	"context"
	"errors"
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

// A background job runs on one node at a time: while one node runs it, another node's
// RunAlone of the same job does nothing, and runs it once the first is done.
func TestRunAloneOnOneNode(t *testing.T) {
	dsn := storetest.PostgresDSN(t)
	ctx := context.Background()
	var nodes [2]shopguard.Store
	for i := range nodes {
		db, err := postgres.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		nodes[i] = db
	}
	started, release := make(chan struct{}), make(chan struct{})
	done := make(chan error)
	go func() {
		ran, err := nodes[0].RunAlone(ctx, 42, func(context.Context) error { close(started); <-release; return nil })
		if err == nil && !ran {
			err = errors.New("the first node did not run the job")
		}
		done <- err
	}()
	<-started
	if ran, err := nodes[1].RunAlone(ctx, 42, func(context.Context) error { return nil }); err != nil || ran {
		t.Fatalf("the second node while the first runs the job: ran %v, %v", ran, err)
	}
	if ran, err := nodes[1].RunAlone(ctx, 43, func(context.Context) error { return nil }); err != nil || !ran {
		t.Fatalf("another job on the second node: ran %v, %v", ran, err)
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if ran, err := nodes[1].RunAlone(ctx, 42, func(context.Context) error { return nil }); err != nil || !ran {
		t.Fatalf("the second node once the first is done: ran %v, %v", ran, err)
	}
}
