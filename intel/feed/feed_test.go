package feed

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/detect/link"
	"github.com/shopguard/shopguard/knowledge"
	"github.com/shopguard/shopguard/sqlite"
	"github.com/shopguard/shopguard/sqlstore"
)

func mustParseFile(t *testing.T, file string, opt Options) ([]Entry, Stats) {
	t.Helper()
	f, err := os.Open("testdata/" + file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	es, st, err := Parse(f, opt)
	if err != nil {
		t.Fatalf("Parse %s: %v", file, err)
	}
	return es, st
}

func hosts(es []Entry) string {
	var h []string
	for _, e := range es {
		d := "u"
		if e.Domain {
			d = "d"
		}
		h = append(h, d+":"+e.Host)
	}
	return strings.Join(h, " ")
}

func TestParseFormats(t *testing.T) {
	for _, tc := range []struct {
		file    string
		opt     Options
		want    string
		skipped int
	}{
		{"list.txt", Options{Format: FormatList}, "d:taobao-refund.example.com u:evil-pay.example.net", 1},
		{"hosts.txt", Options{Format: FormatHosts}, "d:tuikuan-kefu.example.org d:phish.example.net", 2},
		{"phishtank.csv", Options{Format: FormatPhishTankCSV}, "u:paypa1-secure.example.com u:amaz0n-billing.example.net", 0},
		{"phishtank.json", Options{Format: FormatPhishTankJSON}, "u:paypa1-secure.example.com d:jd-kefu.example.top", 1},
		{"openphish.txt", Options{Format: FormatOpenPhish}, "u:openphish-one.example.com u:198.51.100.7", 0},
		{"plain.csv", Options{Format: FormatCSV, Column: "domain"}, "d:csv-one.example.com d:csv-two.example.org", 0},
		{"plain.csv", Options{Format: FormatCSV, Column: "2"}, "d:csv-one.example.com d:csv-two.example.org", 1}, // the header line is skipped
	} {
		t.Run(tc.file+"/"+tc.opt.Format, func(t *testing.T) {
			es, st := mustParseFile(t, tc.file, tc.opt)
			if got := hosts(es); got != tc.want || st.Skipped != tc.skipped || st.Entries != len(es) {
				t.Errorf("got %q (stats %+v), want %q with %d skipped", got, st, tc.want, tc.skipped)
			}
		})
	}
}

func TestParseRefusesBadFeeds(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		opt      Options
		field    string
	}{
		{"unknown format", "a.com", Options{Format: "xml"}, "format"},
		{"csv without column", "a,b\n", Options{Format: FormatCSV}, "column"},
		{"csv missing column", "a,b\n1,2\n", Options{Format: FormatCSV, Column: "url"}, "column"},
		{"json not array", `{"url":"x"}`, Options{Format: FormatPhishTankJSON}, "feed"},
		{"json broken", `[{"url":"a.com"},`, Options{Format: FormatPhishTankJSON}, "feed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := Parse(strings.NewReader(tc.in), tc.opt)
			var e *shopguard.Error
			if !asError(err, &e) || e.Code != shopguard.EINVALID || e.Field != tc.field {
				t.Fatalf("Parse: got %v, want EINVALID on %s", err, tc.field)
			}
		})
	}
}

func asError(err error, e **shopguard.Error) bool {
	x, ok := err.(*shopguard.Error)
	*e = x
	return ok
}

func TestSetLookupAndAnalyzer(t *testing.T) {
	s := NewSet()
	es, _ := mustParseFile(t, "hosts.txt", Options{Format: FormatHosts})
	s.Replace("blocklist-a", es, time.Now())
	es, _ = mustParseFile(t, "phishtank.csv", Options{Format: FormatPhishTankCSV})
	s.Replace("phishtank", es, time.Now())
	if hits := s.LookupDomain("phish.example.net"); len(hits) != 1 || hits[0].Source != "blocklist-a" || !hits[0].Exact {
		t.Errorf("LookupDomain(phish.example.net) = %+v, want one exact hit of blocklist-a", hits)
	}
	if hits := s.LookupDomain("example.net"); len(hits) != 0 {
		t.Errorf("a parent of a listed host must not be listed, got %+v", hits)
	}
	p, err := knowledge.Default()
	if err != nil {
		t.Fatal(err)
	}
	a := link.New(p, s)
	as, err := a.AnalyzeURL("https://login.phish.example.net/x")
	if err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, sg := range as.Signals {
		if sg.Code == link.CodeFeedListed && sg.Args["feed"] == "blocklist-a" {
			found = true
		}
	}
	if !found || as.Risk != shopguard.RiskHigh {
		t.Errorf("a subdomain of a listed domain: got %s %+v, want high with link.feed_listed naming blocklist-a", as.Risk, as.Signals)
	}
	as, _ = a.AnalyzeURL("http://paypa1-secure.example.com/other")
	if as.Risk == shopguard.RiskLow || !strings.Contains(codesOf(as), link.CodeFeedListed) {
		t.Errorf("host of a listed URL: got %s %s", as.Risk, codesOf(as))
	}
	s.Remove("blocklist-a")
	if len(s.LookupDomain("phish.example.net")) != 0 || len(s.Feeds()) != 1 {
		t.Errorf("after Remove: hits %v feeds %v", s.LookupDomain("phish.example.net"), s.Feeds())
	}
}

func codesOf(a shopguard.Assessment) string {
	var c []string
	for _, s := range a.Signals {
		c = append(c, s.Code)
	}
	return strings.Join(c, " ")
}

func TestRefreshFromHTTP(t *testing.T) {
	var body atomic.Value
	body.Store("first.example.com\n")
	var requests, notModified atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		b := body.Load().(string)
		etag := `"` + b[:5] + `"`
		if r.Header.Get("If-None-Match") == etag {
			notModified.Add(1)
			w.WriteHeader(http.StatusNotModified)
			return
		}
		if b == "fail" {
			http.Error(w, "down", http.StatusBadGateway)
			return
		}
		w.Header().Set("ETag", etag)
		w.Write([]byte(b))
	}))
	defer srv.Close()
	s, db := NewSet(), openStore(t)
	r := &Refresher{Set: s, Store: db, Client: srv.Client()}
	other := &Refresher{Set: NewSet(), Store: openStoreAt(t, db.path), Client: srv.Client()}
	src := Source{Name: "local", URL: srv.URL, Options: Options{Format: FormatList}, Every: 300 * time.Millisecond}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	claimed := func() { time.Sleep(src.Every) } // the last claim expires

	if _, changed, err := r.Refresh(ctx, src); err != nil || !changed || len(s.LookupDomain("first.example.com")) != 1 {
		t.Fatalf("first refresh: changed %v err %v", changed, err)
	}
	// A second node sharing the store waits for the claim, then asks with the validators the
	// first node saved.
	if _, changed, err := other.Refresh(ctx, src); err != nil || changed || requests.Load() != 1 {
		t.Fatalf("refresh within the first node's claim: changed %v err %v, %d requests", changed, err, requests.Load())
	}
	claimed()
	if _, changed, err := other.Refresh(ctx, src); err != nil || changed || notModified.Load() != 1 {
		t.Fatalf("unchanged feed: changed %v err %v, 304s %d", changed, err, notModified.Load())
	}
	claimed()
	body.Store("fail")
	if _, _, err := r.Refresh(ctx, src); err == nil || len(s.LookupDomain("first.example.com")) != 1 {
		t.Fatalf("failed refresh: err %v; the old entries must stay", err)
	}
	// Follow picks up a change by itself.
	body.Store("second.example.com\n")
	fctx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { r.Follow(fctx, src, nil); close(done) }()
	for len(s.LookupDomain("second.example.com")) == 0 {
		select {
		case <-ctx.Done():
			t.Fatal("Follow did not refresh the feed in 5s")
		case <-time.After(5 * time.Millisecond):
		}
	}
	stop()
	<-done
	if len(s.LookupDomain("first.example.com")) != 0 {
		t.Error("the refreshed feed still holds the old entry")
	}
}

func FuzzParse(f *testing.F) {
	for _, file := range []string{"list.txt", "hosts.txt", "phishtank.csv", "phishtank.json", "openphish.txt", "plain.csv"} {
		b, err := os.ReadFile("testdata/" + file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, opt := range []Options{{Format: FormatList}, {Format: FormatHosts}, {Format: FormatCSV, Column: "url"},
			{Format: FormatCSV, Column: "2"}, {Format: FormatPhishTankJSON}} {
			es, st, err := Parse(bytes.NewReader(data), opt)
			if err != nil {
				continue
			}
			if st.Entries != len(es) || st.Entries+st.Skipped != st.Lines {
				t.Fatalf("%s: stats %+v for %d entries", opt.Format, st, len(es))
			}
			for _, e := range es {
				if e.Host == "" || strings.ToLower(e.Host) != e.Host {
					t.Fatalf("%s: entry %+v has no lower-case host", opt.Format, e)
				}
			}
		}
	})
}

// store is a real SQLite store for the feed tests, with its path so that a second handle
// (another node) can open it.
type store struct {
	*sqlstore.DB
	path string
}

func openStore(t *testing.T) store { return openStoreAt(t, filepath.Join(t.TempDir(), "shopguard.db")) }

func openStoreAt(t *testing.T, path string) store {
	t.Helper()
	db, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return store{db, path}
}

func TestSaveAndLoad(t *testing.T) {
	ctx := context.Background()
	db := openStore(t)
	es, _ := mustParseFile(t, "phishtank.csv", Options{Format: FormatPhishTankCSV})
	if err := Save(ctx, db, "phishtank", es); err != nil {
		t.Fatal(err)
	}
	if err := Save(ctx, db, "Bad Name", es); shopguard.ErrorCode(err) != shopguard.EINVALID {
		t.Errorf("Save with a bad name: got %v, want EINVALID", err)
	}
	s := NewSet()
	if err := Load(ctx, s, db); err != nil {
		t.Fatal(err)
	}
	hits := s.LookupDomain("amaz0n-billing.example.net")
	if len(hits) != 1 || hits[0].Source != "phishtank" || hits[0].Exact || hits[0].Entry != "https://amaz0n-billing.example.net/update?a=1,2" {
		t.Errorf("after a round trip: %+v", hits)
	}
	if err := Load(ctx, NewSet(), openStore(t)); err != nil {
		t.Errorf("an empty store: %v", err)
	}
}

// A feed saved through one node's store reaches a node watching through another.
func TestWatchFollowsImports(t *testing.T) {
	db := openStore(t)
	other := openStoreAt(t, db.path)
	s := NewSet()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := Watch(ctx, s, db, 10*time.Millisecond, nil); err != nil {
		t.Fatal(err)
	}
	wait := func(what string, ok func() bool) {
		t.Helper()
		for deadline := time.Now().Add(5 * time.Second); !ok(); time.Sleep(5 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("%s: not seen within 5s", what)
			}
		}
	}
	es, _, _ := Parse(strings.NewReader("first.example.com\n"), Options{Format: FormatList})
	if err := Save(ctx, other, "ops", es); err != nil {
		t.Fatal(err)
	}
	wait("a new feed", func() bool { return len(s.LookupDomain("first.example.com")) == 1 })
	es, _, _ = Parse(strings.NewReader("second.example.com\n"), Options{Format: FormatList})
	if err := Save(ctx, other, "ops", es); err != nil {
		t.Fatal(err)
	}
	wait("a replaced feed", func() bool {
		return len(s.LookupDomain("second.example.com")) == 1 && len(s.LookupDomain("first.example.com")) == 0
	})
}

// Feeds kept on disk by earlier versions move into the store once; a feed the store holds
// already is not overwritten.
func TestImportDir(t *testing.T) {
	ctx := context.Background()
	db, dir := openStore(t), t.TempDir()
	os.WriteFile(filepath.Join(dir, "old.txt"), []byte("# feed old\nparcel-fee.example.net\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "kept.txt"), []byte("stale.example.net\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "Bad Name.txt"), []byte("x.example.net\n"), 0o644)
	es, _, _ := Parse(strings.NewReader("fresh.example.net\n"), Options{Format: FormatList})
	if err := Save(ctx, db, "kept", es); err != nil {
		t.Fatal(err)
	}
	names, err := ImportDir(ctx, db, dir)
	if err != nil || len(names) != 1 || names[0] != "old" {
		t.Fatalf("ImportDir = %v, %v", names, err)
	}
	s := NewSet()
	if err := Load(ctx, s, db); err != nil {
		t.Fatal(err)
	}
	if len(s.LookupDomain("parcel-fee.example.net")) != 1 || len(s.LookupDomain("stale.example.net")) != 0 || len(s.LookupDomain("fresh.example.net")) != 1 {
		t.Fatalf("after ImportDir: %+v", s.Feeds())
	}
	if names, err := ImportDir(ctx, db, dir); err != nil || len(names) != 0 {
		t.Fatalf("a second ImportDir = %v, %v", names, err)
	}
}
