package intel_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/intel"
	"github.com/shopguard/shopguard/sqlstore"
)

// variedReputation returns the i-th of a set of reputations that covers what a summary keeps:
// scores out of range, counts beyond 16 bits, flags, imported ones, sets of scam types, unset
// and old dates.
func variedReputation(i int) *shopguard.Reputation {
	r := &shopguard.Reputation{Identifier: synthetic(i), Score: (i * 7) % 130, Reports: 1 + i%9, Reporters: 1 + i%4,
		Confirmed: i%5 == 0, Delisted: i%13 == 0, NotScam: i % 3,
		FirstSeen: day0.Add(-time.Duration(i) * time.Hour), LastSeen: day0.Add(time.Duration(i%200) * 24 * time.Hour)}
	switch i % 6 {
	case 0:
		r.ScamTypes = []string{}
	case 1, 2:
		r.ScamTypes = []string{"deposit_scam"}
	case 3:
		r.ScamTypes = []string{"fake_refund", "phishing"}
	case 4:
		r.Source = "feed-a"
		r.ScamTypes = []string{"phishing"}
	case 5:
		r.ScamTypes = []string{"phishing", "fake_refund"}
		r.FirstSeen, r.LastSeen = time.Time{}, time.Time{}
	}
	switch i {
	case 1:
		r.Reports, r.Reporters = 70_000, 66_000
	case 2:
		r.FirstSeen = time.Date(1999, 12, 31, 0, 0, 0, 0, time.UTC)
	}
	return r
}

// TestStartFromDatabaseMatchesMemory checks that the index a node builds from the stored
// reputations (EachReputationRow) answers exactly as one built from the same reputations in
// memory.
func TestStartFromDatabaseMatchesMemory(t *testing.T) {
	const n = 3000
	engines(t, func(t *testing.T, open func() *sqlstore.DB) {
		db := open()
		ctx := context.Background()
		mem := intel.NewBuilder(n)
		for i := range n {
			r := variedReputation(i)
			if err := db.PutReputation(ctx, r); err != nil {
				t.Fatal(err)
			}
			mem.Add(r)
		}
		want := intel.NewIndex()
		mem.Build(want)
		s := &intel.Service{Store: db, Index: intel.NewIndex()}
		if err := s.Start(ctx); err != nil {
			t.Fatal(err)
		}
		now := day0.Add(90 * 24 * time.Hour)
		all := func(x *intel.Index) map[shopguard.Identifier]shopguard.Indicator {
			m := map[shopguard.Identifier]shopguard.Indicator{}
			x.Each(now, func(id shopguard.Identifier, in shopguard.Indicator) bool { m[id] = in; return true })
			return m
		}
		got, exp := all(s.Index), all(want)
		if len(got) != n || len(exp) != n {
			t.Fatalf("from the database %d indicators, from memory %d, want %d", len(got), len(exp), n)
		}
		for id, w := range exp {
			if g := got[id]; !reflect.DeepEqual(g, w) {
				t.Fatalf("%s: from the database %+v, from memory %+v", id, g, w)
			}
		}
		for i := range n {
			id := synthetic(i)
			g, err := s.Index.Lookup(id.Kind, id.Value, now)
			w, _ := want.Lookup(id.Kind, id.Value, now)
			if err != nil || !reflect.DeepEqual(g, w) {
				t.Fatalf("Lookup %s: from the database %+v, %v; from memory %+v", id, g, err, w)
			}
		}
	})
}
