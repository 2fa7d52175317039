package intel_test

import (
	"context"
	"fmt"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/intel"
	"github.com/shopguard/shopguard/postgres"
	"github.com/shopguard/shopguard/sqlstore"
	"github.com/shopguard/shopguard/storetest"
)

// twoNodes opens two nodes on one fresh PostgreSQL schema, each with its own pool and
// index, the second following the change sequence; it returns them once the second listens.
func twoNodes(tb testing.TB) (a, b *intel.Service, mod *shopguard.User) {
	tb.Helper()
	dsn := storetest.PostgresDSN(tb)
	open := func() *sqlstore.DB {
		db, err := postgres.Open(context.Background(), dsn)
		if err != nil {
			tb.Fatal(err)
		}
		tb.Cleanup(func() { db.Close() })
		return db
	}
	a, b = newService(tb, open()), newService(tb, open())
	a.Limits = intel.Limits{ReportsPerHour: 1 << 30, ReportsPerHourSource: 1 << 30} // a benchmark files many
	ctx, cancel := context.WithCancel(context.Background())
	tb.Cleanup(cancel)
	go b.Follow(ctx, 2*time.Second)
	time.Sleep(200 * time.Millisecond) // b's listener connects
	return a, b, storetest.MustUser(tb, a.Store.(*sqlstore.DB), "mod", shopguard.RoleModerator)
}

// confirmSeen files a report on node a, confirms it, and returns how long node b took to
// see the identifier confirmed (from the confirmation's start).
func confirmSeen(tb testing.TB, a, b *intel.Service, mod *shopguard.User, phone string) time.Duration {
	tb.Helper()
	ctx := context.Background()
	r := newReport(phone)
	if err := a.Submit(ctx, r, intel.Reporter{IP: ip("192.0.2.9")}); err != nil {
		tb.Fatal(err)
	}
	start := time.Now()
	if _, err := a.Decide(ctx, shopguard.Decision{ReportID: r.ID, Action: shopguard.ActionConfirm, Reason: "screenshots match", ModeratorID: mod.ID}); err != nil {
		tb.Fatal(err)
	}
	for {
		if in, _ := b.Lookup(shopguard.KindPhone, phone); in.Confirmed {
			return time.Since(start)
		}
		if time.Since(start) > 10*time.Second {
			tb.Fatalf("node b did not see %s confirmed within 10 s", phone)
		}
		time.Sleep(time.Millisecond)
	}
}

// On PostgreSQL a node hears of a change as it commits (LISTEN/NOTIFY) rather than at its
// next poll: a confirmation on node a shows on node b well before Follow's 2 s interval, let
// alone SlowPoll.
func TestFollowHearsChangesAtOnce(t *testing.T) {
	a, b, mod := twoNodes(t)
	if d := confirmSeen(t, a, b, mod, "13800001000"); d > time.Second {
		t.Fatalf("node b saw the confirmation after %v, want well within the 2 s poll", d)
	}
}

// BenchmarkConfirmSeenOnOtherNode measures how long a report confirmed on one node takes to
// show on another (PostgreSQL; set SHOPGUARD_TEST_POSTGRES), reported as the median and p99
// in milliseconds:
//
//	go test -run '^$' -bench ConfirmSeenOnOtherNode -benchtime 200x ./intel
func BenchmarkConfirmSeenOnOtherNode(b *testing.B) {
	na, nb, mod := twoNodes(b)
	var ds []time.Duration
	i := 0
	for b.Loop() {
		ds = append(ds, confirmSeen(b, na, nb, mod, fmt.Sprintf("1380002%04d", i%10000)))
		i++
	}
	slices.Sort(ds)
	b.ReportMetric(float64(ds[len(ds)/2])/1e6, "median-ms")
	b.ReportMetric(float64(ds[len(ds)*99/100])/1e6, "p99-ms")
}

// listeningStore is a store that says it tells of changes, with the notifications sent by the
// test (wake, once ListenChanges is called), and counts the reads of the change sequence.
type listeningStore struct {
	intel.Store
	wake  chan func()
	reads atomic.Int32
}

func (s *listeningStore) Listens() bool { return true }

func (s *listeningStore) ListenChanges(ctx context.Context, wake func()) {
	s.wake <- wake
	<-ctx.Done()
}

func (s *listeningStore) ChangesSince(ctx context.Context, seq int64, limit int) ([]shopguard.Change, error) {
	s.reads.Add(1)
	return s.Store.ChangesSince(ctx, seq, limit)
}

// A burst of notifications costs one sync, not one each: Follow leaves FollowGap between its
// syncs, and what was notified meanwhile waits for the next one, which sees it.
func TestFollowServesABurstWithOneSync(t *testing.T) {
	engines(t, func(t *testing.T, open func() *sqlstore.DB) {
		writer := newService(t, open())
		store := &listeningStore{Store: open(), wake: make(chan func(), 1)}
		follower := &intel.Service{Store: store, Index: intel.NewIndex(), FollowGap: 500 * time.Millisecond}
		if err := follower.Start(context.Background()); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		go follower.Follow(ctx, time.Hour)
		wake := <-store.wake
		start, before := time.Now(), store.reads.Load()
		wake()
		for store.reads.Load() == before { // the first notification is served at once
			time.Sleep(time.Millisecond)
		}
		synced := store.reads.Load()
		if err := writer.Submit(ctx, newReport("13800003000"), intel.Reporter{IP: ip("192.0.2.10")}); err != nil {
			t.Fatal(err)
		}
		for range 100 {
			wake()
		}
		if d := 300*time.Millisecond - time.Since(start); d > 0 { // else the machine was too slow to tell
			time.Sleep(d)
			if n := store.reads.Load() - synced; n != 0 {
				t.Fatalf("notifications within the gap read the change sequence %d more times; want none", n)
			}
		}
		for { // the sync after the gap serves the notifications that waited
			if in, _ := follower.Lookup(shopguard.KindPhone, "13800003000"); in.Reports > 0 {
				break
			}
			if time.Since(start) > 10*time.Second {
				t.Fatal("the follower did not see the report within 10 s")
			}
			time.Sleep(time.Millisecond)
		}
	})
}
