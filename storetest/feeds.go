package storetest

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/shopguard/shopguard"
)

func testFeeds(t *testing.T, s shopguard.Store) {
	ctx := context.Background()
	if _, err := s.Feed(ctx, "phishtank"); shopguard.ErrorCode(err) != shopguard.ENOTFOUND {
		t.Fatalf("Feed of a feed never saved: %v", err)
	}
	f := &shopguard.Feed{Name: "phishtank", Entries: []string{"taobao-refund.top", "http://jd-kefu.xyz/login"}, ETag: `"v1"`}
	if err := s.SaveFeed(ctx, f); err != nil {
		t.Fatal(err)
	}
	if f.Version == 0 || time.Since(f.Updated) > time.Minute {
		t.Fatalf("SaveFeed set version %d, updated %v", f.Version, f.Updated)
	}
	got, err := s.Feed(ctx, "phishtank")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.Entries, f.Entries) || got.Version != f.Version || got.ETag != `"v1"` || !got.Updated.Equal(f.Updated) {
		t.Fatalf("Feed = %+v, want %+v", got, f)
	}
	first := f.Version
	f.Entries = []string{"pdd-kefu.cc"}
	if err := s.SaveFeed(ctx, f); err != nil {
		t.Fatal(err)
	}
	if f.Version <= first {
		t.Fatalf("a second save's version %d is not past the first's %d", f.Version, first)
	}
	// A claim alone does not make a feed: FeedVersions lists saved feeds only.
	if ok, etag, _, err := s.ClaimFeedRefresh(ctx, "openphish", time.Hour); err != nil || !ok || etag != "" {
		t.Fatalf("first claim of a new feed = %v %q, %v", ok, etag, err)
	}
	if v, err := s.FeedVersions(ctx); err != nil || len(v) != 1 || v["phishtank"] != f.Version {
		t.Fatalf("FeedVersions = %v, %v", v, err)
	}
	if _, err := s.Feed(ctx, "openphish"); shopguard.ErrorCode(err) != shopguard.ENOTFOUND {
		t.Fatalf("Feed of a feed only claimed: %v", err)
	}
	// Of many nodes claiming a refresh at once, one wins; the claim holds for the interval.
	var wg sync.WaitGroup
	var mu sync.Mutex
	won := 0
	for range 8 {
		wg.Go(func() {
			ok, etag, _, err := s.ClaimFeedRefresh(ctx, "phishtank", time.Hour)
			if err != nil {
				t.Error(err)
			}
			if ok {
				if etag != `"v1"` {
					t.Errorf("the claim came with ETag %q, want the saved one", etag)
				}
				mu.Lock()
				won++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if won != 1 {
		t.Fatalf("%d of 8 simultaneous claims won, want 1", won)
	}
	if ok, _, _, err := s.ClaimFeedRefresh(ctx, "phishtank", 0); err != nil || !ok {
		t.Fatalf("a claim once the interval passed = %v, %v", ok, err)
	}
	if ok, _, _, err := s.ClaimFeedRefresh(ctx, "phishtank", time.Hour); err != nil || ok {
		t.Fatalf("a claim within the interval = %v, %v", ok, err)
	}
}
