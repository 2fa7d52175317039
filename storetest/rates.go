package storetest

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/shopguard/shopguard"
)

func testRates(t *testing.T, s shopguard.Store) {
	ctx := context.Background()
	long := time.Now().Add(-time.Hour)
	if _, err := s.ShareRates(ctx, "node-a", map[string]int64{"req:user:1": 3, "req:user:2": 1}, long, long); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ShareRates(ctx, "node-a", map[string]int64{"req:user:1": 2}, long, long); err != nil {
		t.Fatal(err)
	}
	// Node B sees node A's running totals, not its own.
	got, err := s.ShareRates(ctx, "node-b", map[string]int64{"req:user:1": 7}, long, long)
	if err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(got, func(a, b shopguard.RateUsage) int { return int(a.Used - b.Used) })
	want := []shopguard.RateUsage{{Node: "node-a", Client: "req:user:2", Used: 1}, {Node: "node-a", Client: "req:user:1", Used: 5}}
	if !slices.Equal(got, want) {
		t.Fatalf("node B sees %+v, want %+v", got, want)
	}
	got, err = s.ShareRates(ctx, "node-a", nil, long, long)
	if err != nil || !slices.Equal(got, []shopguard.RateUsage{{Node: "node-b", Client: "req:user:1", Used: 7}}) {
		t.Fatalf("node A sees %+v, %v", got, err)
	}
	// Totals touched before since are not read again; totals untouched since expired go.
	if got, err = s.ShareRates(ctx, "node-a", nil, time.Now().Add(time.Minute), long); err != nil || len(got) != 0 {
		t.Fatalf("totals touched before since: %+v, %v", got, err)
	}
	if got, err = s.ShareRates(ctx, "node-c", nil, long, time.Time{}); err != nil || len(got) != 3 {
		t.Fatalf("without an expiry every total is kept: %+v, %v", got, err)
	}
	if _, err = s.ShareRates(ctx, "node-c", nil, long, time.Now().Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if got, err = s.ShareRates(ctx, "node-c", nil, long, long); err != nil || len(got) != 0 {
		t.Fatalf("expired totals are kept: %+v, %v", got, err)
	}
}
