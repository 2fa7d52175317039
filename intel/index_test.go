package intel_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/detect/ident"
	"github.com/shopguard/shopguard/intel"
)

func rep(kind shopguard.Kind, value string, score, reports int, confirmed bool) *shopguard.Reputation {
	return &shopguard.Reputation{
		Identifier: shopguard.Identifier{Kind: kind, Value: value}, Score: score, Reports: reports, Reporters: reports,
		Confirmed: confirmed, ScamTypes: []string{"deposit_scam"}, FirstSeen: day0, LastSeen: day0,
	}
}

func TestIndexLookup(t *testing.T) {
	x := intel.NewIndex()
	b := intel.NewBuilder(2)
	b.Add(rep(shopguard.KindPhone, "+8613812345678", 70, 3, true))
	b.Add(rep(shopguard.KindQQ, "12345678", 40, 2, false))
	b.Build(x)
	now := day0.Add(time.Hour)

	in, err := x.Lookup(shopguard.KindPhone, "138 1234 5678", now)
	if err != nil {
		t.Fatal(err)
	}
	if in.Risk != shopguard.RiskHigh || in.Reports != 3 || !in.Confirmed || in.Display != "138****5678" || len(in.ScamTypes) != 1 || in.FirstSeen == nil {
		t.Fatalf("Lookup(phone) = %+v", in)
	}
	in, _ = x.Lookup(shopguard.KindQQ, "１２３４５６７８", now)
	if in.Risk != shopguard.RiskMedium || in.Reports != 2 {
		t.Fatalf("Lookup(qq) = %+v", in)
	}
	in, err = x.Lookup(shopguard.KindPhone, "13900000000", now)
	if err != nil || in.Risk != shopguard.RiskLow || in.Reports != 0 || in.FirstSeen != nil || in.ScamTypes == nil {
		t.Fatalf("unknown phone: %+v, %v", in, err)
	}
	if _, err := x.Lookup(shopguard.KindPhone, "12", now); shopguard.ErrorCode(err) != shopguard.EINVALID {
		t.Fatalf("bad phone: %v", err)
	}
	// same value, other kind: not found
	if in, _ := x.Lookup(shopguard.KindQQ, "13812345678", now); in.Reports != 0 {
		t.Fatalf("qq 13812345678 found the phone: %+v", in)
	}
	// decay: a year later the medium QQ is low
	if in, _ := x.Lookup(shopguard.KindQQ, "12345678", day0.AddDate(1, 0, 0)); in.Risk != shopguard.RiskLow {
		t.Fatalf("a year later: %+v", in)
	}
}

func TestIndexUpdatesAndCompaction(t *testing.T) {
	x := intel.NewIndex()
	x.MaxOverlay = 10
	now := day0.Add(time.Hour)
	for i := range 35 {
		x.Put(rep(shopguard.KindPhone, fmt.Sprintf("+861380000%04d", i), 50, 1, false))
	}
	if x.Len() != 35 {
		t.Fatalf("Len = %d, want 35", x.Len())
	}
	for i := range 35 {
		in, _ := x.Lookup(shopguard.KindPhone, fmt.Sprintf("1380000%04d", i), now)
		if in.Reports != 1 {
			t.Fatalf("phone %d lost after compaction: %+v", i, in)
		}
	}
	// a change replaces, an empty reputation removes
	x.Put(rep(shopguard.KindPhone, "+8613800000001", 90, 5, true))
	x.Put(&shopguard.Reputation{Identifier: shopguard.Identifier{Kind: shopguard.KindPhone, Value: "+8613800000002"}})
	if in, _ := x.Lookup(shopguard.KindPhone, "13800000001", now); in.Reports != 5 || !in.Confirmed {
		t.Fatalf("replaced: %+v", in)
	}
	if in, _ := x.Lookup(shopguard.KindPhone, "13800000002", now); in.Reports != 0 {
		t.Fatalf("removed: %+v", in)
	}
	// new scam types reach the answer
	r := rep(shopguard.KindPhone, "+8613800000003", 50, 1, false)
	r.ScamTypes = []string{"phishing", "fake_shop"}
	x.Put(r)
	if in, _ := x.Lookup(shopguard.KindPhone, "13800000003", now); len(in.ScamTypes) != 2 || in.ScamTypes[0] != "phishing" {
		t.Fatalf("scam types: %+v", in.ScamTypes)
	}
}

func TestIndexBucket(t *testing.T) {
	x := intel.NewIndex()
	b := intel.NewBuilder(100)
	for i := range 100 {
		b.Add(rep(shopguard.KindPhone, fmt.Sprintf("+861390000%04d", i), 70, 3, true))
	}
	b.Build(x)
	x.Put(rep(shopguard.KindPhone, "+8613812345678", 40, 1, false))
	now := day0.Add(time.Hour)
	for _, v := range []string{"+8613900000042", "+8613812345678"} {
		h := ident.HashHex(shopguard.KindPhone, v)
		p, err := intel.ParsePrefix(h[:5])
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, m := range x.Bucket(shopguard.KindPhone, p, now, true) {
			if m.Hash[:5] != h[:5] {
				t.Fatalf("bucket %s holds %s", h[:5], m.Hash)
			}
			found = found || m.Hash == h
		}
		if !found {
			t.Fatalf("hash of %s not in its bucket", v)
		}
		if got := x.Bucket(shopguard.KindQQ, p, now, true); len(got) != 0 {
			t.Fatalf("qq bucket holds phones: %v", got)
		}
	}
	for _, bad := range []string{"abc", "abcdeF0", "xyz12"} {
		if _, err := intel.ParsePrefix(bad); shopguard.ErrorCode(err) != shopguard.EINVALID {
			t.Fatalf("ParsePrefix(%q) = %v", bad, err)
		}
	}
}

func TestIndexConcurrent(t *testing.T) {
	x := intel.NewIndex()
	x.MaxOverlay = 50
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := range 500 {
			x.Put(rep(shopguard.KindPhone, fmt.Sprintf("+861380000%04d", i), 50, 1, false))
		}
	}()
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 2000 {
				if _, err := x.Lookup(shopguard.KindPhone, fmt.Sprintf("1380000%04d", i%500), day0); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	for i := range 500 {
		if in, _ := x.Lookup(shopguard.KindPhone, fmt.Sprintf("1380000%04d", i), day0); in.Reports != 1 {
			t.Fatalf("phone %d missing", i)
		}
	}
}

// Risk, the link check's question about every domain, allocates nothing of its own for a
// domain known or unknown: its key stays on the stack. The one allocation left is
// golang.org/x/net/publicsuffix's (its failed IP parse of the name).
func TestRiskAllocs(t *testing.T) {
	x := intel.NewIndex()
	b := intel.NewBuilder(2)
	b.Add(rep(shopguard.KindDomain, "taobao-refund-center.top", 70, 3, true))
	b.Build(x)
	now := day0.Add(time.Hour)
	for _, d := range []string{"taobao-refund-center.top", "www.example.org"} {
		if n := testing.AllocsPerRun(100, func() { x.Risk(shopguard.KindDomain, d, now) }); n > 1 {
			t.Errorf("Risk(%s): %.0f allocations", d, n)
		}
	}
	if r, ok, err := x.Risk(shopguard.KindDomain, "taobao-refund-center.top", now); r != shopguard.RiskHigh || !ok || err != nil {
		t.Errorf("Risk = %s %v %v", r, ok, err)
	}
}
