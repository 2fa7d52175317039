package postgres_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

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

// A write does not hold up writes to other identifiers while it computes the reputation of
// its own: only writes naming the same identifier wait for it, and each of those scores what
// the ones before it committed.
func TestScoringWaitsOnlyForTheSameIdentifier(t *testing.T) {
	ctx := context.Background()
	dsn := storetest.PostgresDSN(t)
	var nodes [2]shopguard.Store
	for i := range nodes {
		db, err := postgres.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		nodes[i] = db
	}
	slow := shopguard.Identifier{Kind: shopguard.KindPhone, Value: "+8613800000001"}
	other := shopguard.Identifier{Kind: shopguard.KindPhone, Value: "+8613800000002"}
	scoring, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	count := func(in shopguard.ReputationInputs) *shopguard.Reputation {
		if in.Identifier == slow {
			once.Do(func() { close(scoring); <-release })
		}
		return &shopguard.Reputation{Identifier: in.Identifier, Reports: len(in.Reports), Score: 10}
	}
	for _, n := range nodes {
		n.ScoreWith(count)
	}
	first := make(chan error)
	go func() {
		first <- nodes[0].CreateReport(ctx, newReport(slow))
	}()
	<-scoring
	// the first write is scoring, slowly: a write to another identifier goes through meanwhile
	short, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := nodes[1].CreateReport(short, newReport(other)); err != nil {
		close(release)
		t.Fatalf("a write to another identifier while the first scores: %v", err)
	}
	// one to the same identifier waits for the first and counts its report
	second := make(chan error)
	go func() {
		second <- nodes[1].CreateReport(ctx, newReport(slow))
	}()
	select {
	case err := <-second:
		close(release)
		t.Fatalf("a write to the same identifier did not wait for the first: %v", err)
	case <-time.After(200 * time.Millisecond):
	}
	close(release)
	for _, c := range []chan error{first, second} {
		if err := <-c; err != nil {
			t.Fatal(err)
		}
	}
	if r, err := nodes[0].ReputationOf(ctx, slow); err != nil || r.Reports != 2 {
		t.Fatalf("reputation after two concurrent reports: %+v, %v; want 2 reports", r, err)
	}
	changes, err := nodes[0].ChangesSince(ctx, 0, 10)
	if err != nil || len(changes) != 3 {
		t.Fatalf("changes: %+v, %v; want 3", changes, err)
	}
	for i, c := range changes {
		if !c.Scored || (i > 0 && c.Seq <= changes[i-1].Seq) {
			t.Fatalf("changes: %+v; want 3 scored, in order", changes)
		}
	}
}

// newReport returns a valid report naming id.
func newReport(id shopguard.Identifier) *shopguard.Report {
	return &shopguard.Report{ScamType: "deposit_scam", Identifiers: []shopguard.Identifier{id}, Amount: "300.00", Currency: "CNY",
		OccurredOn: "2026-11-01", Narrative: "paid a deposit, the seller vanished", Trust: shopguard.TrustAnonymous, Source: "net-1"}
}
