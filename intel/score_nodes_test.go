package intel_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/intel"
	"github.com/shopguard/shopguard/postgres"
	"github.com/shopguard/shopguard/sqlstore"
	"github.com/shopguard/shopguard/storetest"
)

// countingStore is a node's store that counts the work the node does to keep its index: the
// reads of a reputation's inputs, the batches of stored reputations read, and the
// identifiers it scored for changes written without scoring.
type countingStore struct {
	*sqlstore.DB
	inputs, batches, scored atomic.Int32
}

func (c *countingStore) ReportsFor(ctx context.Context, id shopguard.Identifier) ([]*shopguard.Report, error) {
	c.inputs.Add(1)
	return c.DB.ReportsFor(ctx, id)
}

func (c *countingStore) FeedbackFor(ctx context.Context, id shopguard.Identifier) ([]*shopguard.Feedback, error) {
	c.inputs.Add(1)
	return c.DB.FeedbackFor(ctx, id)
}

func (c *countingStore) AppealsFor(ctx context.Context, id shopguard.Identifier) ([]*shopguard.Appeal, error) {
	c.inputs.Add(1)
	return c.DB.AppealsFor(ctx, id)
}

func (c *countingStore) ImportedOf(ctx context.Context, id shopguard.Identifier) (*shopguard.Reputation, error) {
	c.inputs.Add(1)
	return c.DB.ImportedOf(ctx, id)
}

func (c *countingStore) ReputationsOf(ctx context.Context, ids []shopguard.Identifier) ([]*shopguard.Reputation, error) {
	c.batches.Add(1)
	return c.DB.ReputationsOf(ctx, ids)
}

func (c *countingStore) ScoreChanges(ctx context.Context, through int64, score shopguard.ScoreFunc) (int, error) {
	n, err := c.DB.ScoreChanges(ctx, through, score)
	c.scored.Add(int32(n))
	return n, err
}

// countedNode starts a node on db whose store counts its work; reports are not rate-limited.
func countedNode(tb testing.TB, db *sqlstore.DB) (*intel.Service, *countingStore) {
	tb.Helper()
	c := &countingStore{DB: db}
	s := &intel.Service{Store: c, Index: intel.NewIndex(), Secret: []byte("test"),
		Limits: intel.Limits{ReportsPerHour: 1 << 30, ReportsPerHourSource: 1 << 30}}
	if err := s.Start(context.Background()); err != nil {
		tb.Fatal(err)
	}
	return s, c
}

// wantFresh checks that the stored reputation of id is what Score makes of everything stored
// about it now, and that every node's index says the same.
func wantFresh(t *testing.T, db *sqlstore.DB, id shopguard.Identifier, nodes ...*intel.Service) {
	t.Helper()
	ctx := context.Background()
	in := intel.Inputs{Identifier: id}
	var err error
	if in.Reports, err = db.ReportsFor(ctx, id); err != nil {
		t.Fatal(err)
	}
	if in.Feedback, err = db.FeedbackFor(ctx, id); err != nil {
		t.Fatal(err)
	}
	if in.Appeals, err = db.AppealsFor(ctx, id); err != nil {
		t.Fatal(err)
	}
	want := intel.Score(in)
	got, err := db.ReputationOf(ctx, id)
	if err != nil || got.Score != want.Score || got.Reports != want.Reports || got.Reporters != want.Reporters ||
		got.Confirmed != want.Confirmed || got.NotScam != want.NotScam || !got.LastSeen.Equal(want.LastSeen) {
		t.Fatalf("%s: stored %+v, %v; Score of what is stored now %+v", id, got, err, want)
	}
	for i, n := range nodes {
		if err := n.Sync(ctx); err != nil {
			t.Fatal(err)
		}
		if in, _ := n.Lookup(id.Kind, id.Value); in.Reports != want.Reports || in.Reporters != want.Reporters || in.Confirmed != want.Confirmed {
			t.Fatalf("%s on node %d: %+v; want %+v", id, i, in, want)
		}
	}
}

// A node following another's writes reads the stored reputations of the identifiers that
// changed, a batch in one query, and never their reports, feedback, appeals or imports: the
// writer computed them once.
func TestFollowerReadsStoredReputations(t *testing.T) {
	engines(t, func(t *testing.T, open func() *sqlstore.DB) {
		ctx := context.Background()
		db := open()
		a, _ := countedNode(t, db)
		b, work := countedNode(t, open())
		mod := storetest.MustUser(t, db, "mod", shopguard.RoleModerator)
		phones := []string{"13800007001", "13800007002", "13800007003"}
		var first *shopguard.Report
		for i := range 5 {
			for _, p := range phones {
				r := newReport(p)
				if err := a.Submit(ctx, r, intel.Reporter{IP: ip(fmt.Sprintf("198.51.%d.7", i))}); err != nil {
					t.Fatal(err)
				}
				if first == nil {
					first = r
				}
			}
		}
		if _, err := a.Decide(ctx, shopguard.Decision{ReportID: first.ID, Action: shopguard.ActionConfirm, Reason: "screenshots match", ModeratorID: mod.ID}); err != nil {
			t.Fatal(err)
		}
		if err := a.NotScam(ctx, shopguard.KindPhone, phones[2], "bought from them", intel.Reporter{IP: ip("203.0.113.5")}); err != nil {
			t.Fatal(err)
		}
		if err := b.Sync(ctx); err != nil {
			t.Fatal(err)
		}
		if n := work.inputs.Load(); n != 0 {
			t.Fatalf("the follower read the inputs of a reputation %d times; want 0, the writer computed them", n)
		}
		if n := work.batches.Load(); n != 1 {
			t.Fatalf("the follower read %d batches of reputations for 17 changes; want 1", n)
		}
		for _, p := range phones {
			wantFresh(t, db, shopguard.Identifier{Kind: shopguard.KindPhone, Value: "+86" + p}, a, b)
		}
	})
}

// pgNodes opens n nodes on one fresh PostgreSQL schema, each with its own pool, counting their
// work; db is one more pool, for the test.
func pgNodes(t *testing.T, n int) (db *sqlstore.DB, nodes []*intel.Service, work []*countingStore) {
	dsn := storetest.PostgresDSN(t)
	open := func() *sqlstore.DB {
		db, err := postgres.Open(context.Background(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
	for range n {
		s, c := countedNode(t, open())
		nodes, work = append(nodes, s), append(work, c)
	}
	return open(), nodes, work
}

// Two nodes reporting the same number at once, with moderation and feedback in between,
// leave its stored reputation as Score makes it of everything stored, and both indexes
// agree: each write computes it after every earlier write to the change sequence committed.
// Each round starts six writes together, three on each node.
func TestConcurrentWritersLeaveNoStaleReputation(t *testing.T) {
	db, nodes, work := pgNodes(t, 2)
	ctx := context.Background()
	mod := storetest.MustUser(t, db, "mod", shopguard.RoleModerator)
	phone := shopguard.Identifier{Kind: shopguard.KindPhone, Value: "+8613800008001"}
	for round := range 8 {
		start := make(chan struct{})
		errs := make(chan error, 6)
		var wg sync.WaitGroup
		for w := range 6 {
			node := nodes[w%2]
			wg.Go(func() {
				<-start
				r := newReport("13800008001")
				var err error
				switch {
				case round%4 == 3 && w%3 == 2:
					err = node.NotScam(ctx, shopguard.KindPhone, "13800008001", "fine", intel.Reporter{IP: ip(fmt.Sprintf("172.16.%d.%d", round, w))})
				case round%4 == 1 && w == 0:
					// a confirmation of an earlier report races with the new reports
					var list []*shopguard.Report
					if list, err = db.ReportsFor(ctx, phone); err == nil {
						_, err = node.Decide(ctx, shopguard.Decision{ReportID: list[0].ID, Action: shopguard.ActionConfirm, Reason: "screenshots match", ModeratorID: mod.ID})
					}
				default:
					err = node.Submit(ctx, r, intel.Reporter{IP: ip(fmt.Sprintf("10.%d.%d.1", round, w))})
				}
				errs <- err
			})
		}
		close(start)
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		wantFresh(t, db, phone)
	}
	wantFresh(t, db, phone, nodes...)
	for i, w := range work {
		if w.inputs.Load() != 0 || w.scored.Load() != 0 {
			t.Fatalf("node %d read inputs %d times and scored %d identifiers; want none, every write scored itself", i, w.inputs.Load(), w.scored.Load())
		}
	}
}

// Changes written without scoring (by a node that does not score) are scored once, by the
// first of the nodes following them; the others read what it stored.
func TestUnscoredChangesAreScoredOnce(t *testing.T) {
	db, nodes, work := pgNodes(t, 2)
	ctx := context.Background()
	var ids []shopguard.Identifier
	for i := range 20 {
		r := newReport(fmt.Sprintf("138000090%02d", i))
		r.Identifiers[0].Value = fmt.Sprintf("+86138000090%02d", i)
		r.Trust, r.Source = shopguard.TrustAnonymous, fmt.Sprintf("net-%d", i)
		if err := db.CreateReport(ctx, r); err != nil { // db never ScoreWith
			t.Fatal(err)
		}
		ids = append(ids, r.Identifiers[0])
	}
	var wg sync.WaitGroup
	for _, n := range nodes {
		wg.Go(func() {
			if err := n.Sync(ctx); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if got := work[0].scored.Load() + work[1].scored.Load(); got != int32(len(ids)) {
		t.Fatalf("the nodes scored %d identifiers between them (%d, %d); want each of the %d once", got, work[0].scored.Load(), work[1].scored.Load(), len(ids))
	}
	for _, id := range ids {
		wantFresh(t, db, id, nodes...)
	}
	if applied, _ := db.AppliedChange(ctx); applied == 0 {
		t.Fatal("AppliedChange is 0 after every change was scored")
	}
}
