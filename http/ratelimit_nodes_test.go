package http_test

import (
	"context"
	"testing"
	"time"

	"github.com/shopguard/shopguard"
	shttp "github.com/shopguard/shopguard/http"
	"github.com/shopguard/shopguard/postgres"
	"github.com/shopguard/shopguard/storetest"
)

// An account's rate limit holds across two nodes sharing one PostgreSQL database: what it
// took on node A is taken from its bucket on node B once the nodes have shared their counts,
// so spreading requests over the nodes buys no more of them.
func TestRateLimitHoldsAcrossNodes(t *testing.T) {
	store, err := postgres.Open(context.Background(), storetest.PostgresDSN(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	// One request every 100 s: a bucket of one that will not refill during the test.
	tune := func(c *shttp.Config) { c.RateKey = 0.01 }
	a, b := newTestServerOn(t, store, tune), newTestServerOn(t, store, tune)
	key := a.mustKey(t, "busy-user", shopguard.RoleUser, shopguard.ScopeCheck)
	hdr := map[string]string{"Authorization": "Bearer " + key}
	ctx := context.Background()
	for _, n := range []*testServer{a, b} { // both nodes start sharing before the burst
		if err := n.srv.ShareRatesNow(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if st, _, body := a.do(t, "GET", "/api/v1/knowledge", "", hdr); st != 200 {
		t.Fatalf("first request on node A = %d %s", st, body)
	}
	if st, _, _ := a.do(t, "GET", "/api/v1/knowledge", "", hdr); st != 429 {
		t.Fatalf("second request on node A = %d, want 429", st)
	}
	for _, n := range []*testServer{a, b} {
		if err := n.srv.ShareRatesNow(ctx); err != nil {
			t.Fatal(err)
		}
	}
	st, h, _ := b.do(t, "GET", "/api/v1/knowledge", "", hdr)
	if st != 429 || h.Get("Retry-After") == "" {
		t.Fatalf("node B after the account spent its burst on node A = %d (Retry-After %q), want 429", st, h.Get("Retry-After"))
	}
	// Anonymous callers are limited per node: their addresses are not written to the database.
	if st, _, _ := b.do(t, "GET", "/api/v1/knowledge", "", nil); st != 200 {
		t.Fatalf("anonymous request on node B = %d", st)
	}
}

// expiries is a store that records the expiry each ShareRates call passes.
type expiries struct {
	shopguard.Store
	got []time.Time
}

func (s *expiries) ShareRates(ctx context.Context, node string, used map[string]int64, since, expired time.Time) ([]shopguard.RateUsage, error) {
	s.got = append(s.got, expired)
	return s.Store.ShareRates(ctx, node, used, since, expired)
}

// A node forgets old running totals once a minute, not in every round of sharing (four a
// second): a round in which it counted nothing then only reads.
func TestShareRatesForgetsOncePerMinute(t *testing.T) {
	db := tempSQLite(t)
	store := &expiries{Store: db}
	n := newTestServerOn(t, store, nil)
	for range 3 {
		if err := n.srv.ShareRatesNow(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if len(store.got) != 3 || store.got[0].IsZero() || !store.got[1].IsZero() || !store.got[2].IsZero() {
		t.Fatalf("expiries passed in three rounds within a minute: %v; want one, in the first", store.got)
	}
}
