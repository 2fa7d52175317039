package postgres_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"hash/fnv"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/postgres"
	"github.com/shopguard/shopguard/sqlstore"
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

// openCounting opens the test database with a scorer whose reputation is the number of
// reports it was given.
func openCounting(t *testing.T) *sqlstore.DB {
	t.Helper()
	db, err := postgres.Open(context.Background(), storetest.PostgresDSN(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	db.ScoreWith(func(in shopguard.ReputationInputs) *shopguard.Reputation {
		return &shopguard.Reputation{Identifier: in.Identifier, Reports: len(in.Reports), ScamTypes: []string{}}
	})
	return db
}

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

// Writes commit in another order than they append to the change sequence, and a follower
// reads each change once: a report held before its commit (its reputation's row locked by
// another transaction) does not hold up a report on another identifier, whose change the
// follower reads at once; the held report's change is read once it commits, after the other.
func TestWritesCommitOutOfOrder(t *testing.T) {
	ctx := context.Background()
	db := openCounting(t)
	held := shopguard.Identifier{Kind: shopguard.KindPhone, Value: "+8613800000001"}
	free := shopguard.Identifier{Kind: shopguard.KindPhone, Value: "+8613800000002"}
	report := func(id shopguard.Identifier) error {
		return db.CreateReport(ctx, &shopguard.Report{ScamType: "deposit_scam", Identifiers: []shopguard.Identifier{id},
			Narrative: "paid a deposit, the seller vanished", Trust: shopguard.TrustAnonymous, Source: "net-1"})
	}

	blocker, err := db.Write.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer blocker.Rollback()
	if _, err := blocker.ExecContext(ctx, `INSERT INTO reputations (kind, value, score, reports, reporters, confirmed, delisted, not_scam,
		scam_types, first_seen, last_seen, source, details) VALUES ($1, $2, 0, 0, 0, FALSE, FALSE, 0, '', 0, 0, '', '{}')`, string(held.Kind), held.Value); err != nil {
		t.Fatal(err)
	}
	var xid string
	if err := blocker.QueryRowContext(ctx, `SELECT pg_current_xact_id()::text`).Scan(&xid); err != nil {
		t.Fatal(err)
	}
	heldDone := make(chan error, 1)
	go func() { heldDone <- report(held) }()
	for waiting := 0; waiting == 0; time.Sleep(10 * time.Millisecond) { // the held report waits on the row
		if err := db.Read.QueryRowContext(ctx, `SELECT count(*) FROM pg_locks WHERE locktype = 'transactionid' AND NOT granted AND transactionid::text = $1`, xid).Scan(&waiting); err != nil {
			t.Fatal(err)
		}
	}

	freeDone := make(chan error, 1)
	go func() { freeDone <- report(free) }()
	select {
	case err := <-freeDone:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a report on another identifier waited for the held report")
	}
	first, err := db.ChangesSince(ctx, 0, 100)
	if err != nil || len(first) != 1 || first[0].Identifier != free {
		t.Fatalf("changes while the first report is held: %+v, %v; want the second report's alone", first, err)
	}

	if err := blocker.Rollback(); err != nil {
		t.Fatal(err)
	}
	if err := <-heldDone; err != nil {
		t.Fatal(err)
	}
	then, err := db.ChangesSince(ctx, first[0].Seq, 100)
	if err != nil || len(then) != 1 || then[0].Identifier != held || then[0].Seq <= first[0].Seq {
		t.Fatalf("changes after %d once the held report committed: %+v, %v; want the held report's", first[0].Seq, then, err)
	}
	if r, err := db.ReputationOf(ctx, held); err != nil || r.Reports != 1 {
		t.Fatalf("reputation of the held identifier = %+v, %v; want 1 report", r, err)
	}
}

// A write that waited for its identifier's lock reads what the write holding it committed:
// the read's snapshot is taken once the lock is held, so the reputation counts both reports.
// (Taking the lock and reading in one statement, as migrations 0100-0120 did for a round
// trip fewer, must keep this.)
func TestScoringSeesWritesCommittedWhileWaiting(t *testing.T) {
	ctx := context.Background()
	db := openCounting(t)
	id := shopguard.Identifier{Kind: shopguard.KindPhone, Value: "+8613800000003"}
	h := fnv.New32a() // the identifier's lock key, as sqlstore computes it
	h.Write([]byte(string(id.Kind) + ":" + id.Value))
	key := int32(h.Sum32() % 256)

	// another writer holds the identifier's lock and has written a report naming it
	blocker, err := db.Write.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer blocker.Rollback()
	var pid int
	if err := blocker.QueryRowContext(ctx, `SELECT pg_backend_pid() FROM (SELECT pg_advisory_xact_lock(7406003, $1)) AS l`, key).Scan(&pid); err != nil {
		t.Fatal(err)
	}
	var first int64
	if err := blocker.QueryRowContext(ctx, `INSERT INTO reports (status, scam_type, narrative, trust, created_at, updated_at)
		VALUES ('pending', 'deposit_scam', 'paid a deposit, the seller vanished', 0, 1, 1) RETURNING id`).Scan(&first); err != nil {
		t.Fatal(err)
	}
	if _, err := blocker.ExecContext(ctx, `INSERT INTO report_identifiers (report_id, kind, value) VALUES ($1, $2, $3)`, first, string(id.Kind), id.Value); err != nil {
		t.Fatal(err)
	}

	done := make(chan error, 1)
	go func() {
		done <- db.CreateReport(ctx, &shopguard.Report{ScamType: "deposit_scam", Identifiers: []shopguard.Identifier{id},
			Narrative: "paid a deposit, the seller vanished", Trust: shopguard.TrustAnonymous, Source: "net-1"})
	}()
	var waiting string
	for deadline := time.Now().Add(10 * time.Second); waiting == ""; time.Sleep(10 * time.Millisecond) {
		err := db.Read.QueryRowContext(ctx, `SELECT query FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND $1 = ANY(pg_blocking_pids(pid))`, pid).Scan(&waiting)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			t.Fatal(err)
		}
		if time.Now().After(deadline) {
			t.Fatal("the report never waited for the identifier's lock")
		}
	}
	if err := blocker.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if r, err := db.ReputationOf(ctx, id); err != nil || r.Reports != 2 {
		t.Fatalf("reputation = %+v, %v; want both reports, the one committed while the second waited included", r, err)
	}
}

// A write's notification is sent after its commit without the write waiting for it, and
// still when the store is closed right after the write: the other nodes hear of every write.
func TestNotifiedAfterCloseRightAfterWrite(t *testing.T) {
	dsn := storetest.PostgresDSN(t)
	listener, err := postgres.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer listener.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	woken := make(chan struct{}, 100)
	go listener.ListenChanges(ctx, func() { woken <- struct{}{} })
	wait := func(what string) {
		t.Helper()
		select {
		case <-woken:
		case <-time.After(5 * time.Second):
			t.Fatalf("no notification %s within 5 s", what)
		}
	}
	wait("on connecting")
	for i := range 10 {
		db, err := postgres.Open(context.Background(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		storetest.MustReport(t, db, 0, shopguard.Identifier{Kind: shopguard.KindQQ, Value: "1000" + strconv.Itoa(i)})
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
		wait("of write " + strconv.Itoa(i) + ", its store closed right after")
	}
}

// Reports on one identifier from several writers at once take its lock in turn (a new
// identifier every 32 reports): the time per report is about how long a write holds the lock (the read, the upsert and the commit, with the
// round trips between them). Run against a scratch schema:
//
//	go test -run '^$' -bench ReportsOnOneIdentifier ./postgres
func BenchmarkReportsOnOneIdentifier(b *testing.B) {
	ctx := context.Background()
	db, err := postgres.Open(ctx, storetest.PostgresDSN(b))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	db.ScoreWith(func(in shopguard.ReputationInputs) *shopguard.Reputation {
		return &shopguard.Reputation{Identifier: in.Identifier, Reports: len(in.Reports), ScamTypes: []string{}}
	})
	var n atomic.Int64
	b.SetParallelism(4)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			// a new number every 32 reports, so that a report reads as much however long the run
			id := shopguard.Identifier{Kind: shopguard.KindPhone, Value: fmt.Sprintf("+86138%08d", n.Add(1)/32)}
			if err := db.CreateReport(ctx, &shopguard.Report{ScamType: "deposit_scam", Identifiers: []shopguard.Identifier{id},
				Narrative: "paid a deposit, the seller vanished", Trust: shopguard.TrustAnonymous, Source: "net-1"}); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// Warm leaves the connections it was asked for open, each with a report's write prepared on
// it (the report, its identifiers, its changes and the inputs of their scoring, read under
// the identifiers' locks), and nothing written: a node that warms before it serves has no
// connection's first write to pay under load.
func TestWarmPreparesTheWritesOnEachConnection(t *testing.T) {
	const n = 4
	ctx := context.Background()
	db := openCounting(t)
	if err := db.Warm(ctx, n); err != nil {
		t.Fatalf("Warm: %v", err)
	}
	conns := make([]*sql.Conn, n)
	for i := range conns {
		c, err := db.Write.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		conns[i] = c
	}
	if open := db.Write.Stats().OpenConnections; open != n {
		t.Errorf("%d connections open after Warm(%d) and taking %d, want %d", open, n, n, n)
	}
	// the patterns are concatenated so that this query, prepared too, does not match itself
	const prepared = `SELECT count(*) FILTER (WHERE statement LIKE '%INSERT INTO' || ' reports (%'),
		count(*) FILTER (WHERE statement LIKE '%INSERT INTO' || ' changes %'),
		count(*) FILTER (WHERE statement LIKE '%FROM report_identifiers i' || ' JOIN reports r%')
		FROM pg_prepared_statements`
	for i, c := range conns {
		var report, changes, inputs int
		if err := c.QueryRowContext(ctx, prepared).Scan(&report, &changes, &inputs); err != nil {
			t.Fatal(err)
		}
		if report == 0 || changes == 0 || inputs == 0 {
			t.Errorf("connection %d: prepared: the report's insert %d, the changes' %d, the scoring's inputs %d; want each",
				i, report, changes, inputs)
		}
	}
	var rows int
	if err := conns[0].QueryRowContext(ctx, `SELECT (SELECT count(*) FROM reports) + (SELECT count(*) FROM report_identifiers)
		+ (SELECT count(*) FROM changes) + (SELECT count(*) FROM reputations)`).Scan(&rows); err != nil {
		t.Fatal(err)
	}
	if rows != 0 {
		t.Errorf("%d rows written by Warm, want none", rows)
	}
}
