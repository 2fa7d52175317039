package intel_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/intel"
	"github.com/shopguard/shopguard/postgres"
	"github.com/shopguard/shopguard/sqlite"
	"github.com/shopguard/shopguard/sqlstore"
	"github.com/shopguard/shopguard/storetest"
)

// engines runs a test on a fresh SQLite file and, when configured, a fresh PostgreSQL schema.
func engines(t *testing.T, fn func(t *testing.T, open func() *sqlstore.DB)) {
	t.Run("sqlite", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "shopguard.db")
		fn(t, func() *sqlstore.DB {
			db, err := sqlite.Open(context.Background(), path)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			return db
		})
	})
	t.Run("postgres", func(t *testing.T) {
		dsn := storetest.PostgresDSN(t)
		fn(t, func() *sqlstore.DB {
			db, err := postgres.Open(context.Background(), dsn)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			return db
		})
	})
}

func newService(t testing.TB, db *sqlstore.DB) *intel.Service {
	t.Helper()
	secret, err := db.Secret(context.Background(), "sources")
	if err != nil {
		t.Fatal(err)
	}
	s := &intel.Service{Store: db, Index: intel.NewIndex(), Secret: secret}
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s
}

func newReport(value string) *shopguard.Report {
	return &shopguard.Report{ScamType: "deposit_scam", Identifiers: []shopguard.Identifier{{Kind: shopguard.KindPhone, Value: value}},
		Platform: "xianyu", Amount: "300.00", Currency: "CNY", OccurredOn: "2026-11-01", Narrative: "asked for a deposit, then blocked me"}
}

func ip(s string) netip.Addr { return netip.MustParseAddr(s) }

func TestServiceAbuse(t *testing.T) {
	engines(t, func(t *testing.T, open func() *sqlstore.DB) {
		ctx := context.Background()
		db := open()
		s := newService(t, db)
		user := storetest.MustUser(t, db, "eager", shopguard.RoleUser)

		// one reporter filing 50 reports on one number: the rate limit stops them, and with the
		// limit lifted the number still stays at "suspicious"
		s.Limits.ReportsPerHour = 1000
		s.Limits.ReportsPerHourSource = 1000
		for i := range 50 {
			if err := s.Submit(ctx, newReport("138 1234 5678"), intel.Reporter{UserID: user.ID, Role: shopguard.RoleUser, IP: ip("203.0.113.7")}); err != nil {
				t.Fatalf("report %d: %v", i, err)
			}
		}
		in, _ := s.Lookup(shopguard.KindPhone, "13812345678")
		if in.Reports != 50 || in.Reporters != 1 || in.Risk == shopguard.RiskHigh {
			t.Fatalf("after 50 reports by one reporter: %+v, want 50 reports by 1 reporter below high", in)
		}
		s.Limits = intel.Limits{}
		err := s.Submit(ctx, newReport("13912345678"), intel.Reporter{UserID: user.ID, Role: shopguard.RoleUser, IP: ip("198.51.100.1")})
		if shopguard.ErrorCode(err) != shopguard.ERATELIMIT {
			t.Fatalf("report over the hourly limit of an account: %v, want rate_limited", err)
		}

		// a burst from one network: anonymous reports from 203.0.113.x stop at the limit and
		// never lift the number above suspicious
		limited := 0
		for i := range 40 {
			err := s.Submit(ctx, newReport("13700000001"), intel.Reporter{IP: ip("203.0.113." + itoa(10+i))})
			if shopguard.ErrorCode(err) == shopguard.ERATELIMIT {
				limited++
			} else if err != nil {
				t.Fatal(err)
			}
		}
		in, _ = s.Lookup(shopguard.KindPhone, "13700000001")
		if limited == 0 || in.Risk == shopguard.RiskHigh {
			t.Fatalf("burst from one network: %d refused, %+v", limited, in)
		}

		// independent signed-in reporters on three networks do reach high
		for i, net := range []string{"192.0.2.1", "198.51.100.2", "2001:db8:1::1"} {
			u := storetest.MustUser(t, db, "victim"+itoa(i), shopguard.RoleUser)
			if err := s.Submit(ctx, newReport("+86 136 0000 0002"), intel.Reporter{UserID: u.ID, Role: shopguard.RoleUser, IP: ip(net)}); err != nil {
				t.Fatal(err)
			}
		}
		if in, _ := s.Lookup(shopguard.KindPhone, "13600000002"); in.Risk != shopguard.RiskHigh || in.Reporters != 3 {
			t.Fatalf("three independent reporters: %+v", in)
		}
	})
}

func itoa(i int) string { return strconv.Itoa(i) }

func TestServiceModerationAndNodes(t *testing.T) {
	engines(t, func(t *testing.T, open func() *sqlstore.DB) {
		ctx := context.Background()
		a := newService(t, open())
		b := newService(t, open()) // a second node on the same database
		mod := storetest.MustUser(t, a.Store.(*sqlstore.DB), "mod", shopguard.RoleModerator)

		r := newReport("138-0000-0003")
		if err := a.Submit(ctx, r, intel.Reporter{IP: ip("192.0.2.9")}); err != nil {
			t.Fatal(err)
		}
		if r.ID == 0 || r.Status != shopguard.ReportPending || r.Identifiers[0].Value != "+8613800000003" {
			t.Fatalf("submitted: %+v", r)
		}
		if in, _ := a.Lookup(shopguard.KindPhone, "13800000003"); in.Reports != 1 || in.Risk != shopguard.RiskLow {
			t.Fatalf("one anonymous report on node a: %+v", in)
		}
		if in, _ := b.Lookup(shopguard.KindPhone, "13800000003"); in.Reports != 0 {
			t.Fatalf("node b knew before syncing: %+v", in)
		}
		if err := b.Sync(ctx); err != nil {
			t.Fatal(err)
		}
		if in, _ := b.Lookup(shopguard.KindPhone, "13800000003"); in.Reports != 1 {
			t.Fatalf("node b after sync: %+v", in)
		}
		if _, err := a.Decide(ctx, shopguard.Decision{ReportID: r.ID, Action: shopguard.ActionConfirm, Reason: "screenshots match", ModeratorID: mod.ID}); err != nil {
			t.Fatal(err)
		}
		b.Sync(ctx)
		if in, _ := b.Lookup(shopguard.KindPhone, "13800000003"); !in.Confirmed || in.Risk != shopguard.RiskHigh {
			t.Fatalf("confirmed, seen on node b: %+v", in)
		}
		// deleting the report removes its weight everywhere
		if _, err := a.Decide(ctx, shopguard.Decision{ReportID: r.ID, Action: shopguard.ActionDelete, Reason: "reporter withdrew it", ModeratorID: mod.ID}); err != nil {
			t.Fatal(err)
		}
		b.Sync(ctx)
		for _, n := range []*intel.Service{a, b} {
			if in, _ := n.Lookup(shopguard.KindPhone, "13800000003"); in.Reports != 0 || in.Risk != shopguard.RiskLow {
				t.Fatalf("after delete: %+v", in)
			}
		}
		// a node started later builds its index from the database
		if err := a.Submit(ctx, newReport("13800000004"), intel.Reporter{IP: ip("192.0.2.9")}); err != nil {
			t.Fatal(err)
		}
		if in, _ := newService(t, open()).Lookup(shopguard.KindPhone, "13800000004"); in.Reports != 1 {
			t.Fatalf("fresh node: %+v", in)
		}
		// bad input names the field
		bad := newReport("12")
		if err := a.Submit(ctx, bad, intel.Reporter{}); shopguard.ErrorField(err) != "identifiers[0].value" {
			t.Fatalf("bad phone: %v (field %q)", err, shopguard.ErrorField(err))
		}
		future := newReport("13800000005")
		future.OccurredOn = "2999-01-01"
		if err := a.Submit(ctx, future, intel.Reporter{}); shopguard.ErrorField(err) != "occurred_on" {
			t.Fatalf("future date: %v", err)
		}
	})
}

func TestReportSurvivesRestart(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "shopguard.db")
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	s := newService(t, db)
	r := newReport("13800000006")
	if err := s.Submit(ctx, r, intel.Reporter{}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db, err = sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if got, err := db.ReportByID(ctx, r.ID); err != nil || got.Narrative != r.Narrative {
		t.Fatalf("report after reopen: %+v, %v", got, err)
	}
	if in, _ := newService(t, db).Lookup(shopguard.KindPhone, "13800000006"); in.Reports != 1 {
		t.Fatalf("index after reopen: %+v", in)
	}
}

// proofServer is a real HTTPS server on loopback that answers for any domain, serving the
// token it holds at the well-known path; the prover's client dials it whatever the host.
func proofServer(t *testing.T, token *atomic.Value) *intel.Prover {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != intel.ChallengePath {
			http.NotFound(w, r)
			return
		}
		w.Write([]byte(token.Load().(string) + "\n"))
	}))
	t.Cleanup(srv.Close)
	c := srv.Client()
	tr := c.Transport.(*http.Transport).Clone()
	tr.TLSClientConfig = &tls.Config{InsecureSkipVerify: true}
	tr.DialContext = func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, srv.Listener.Addr().String())
	}
	return &intel.Prover{Client: &http.Client{Transport: tr, Timeout: 5 * time.Second}}
}

func TestAppeals(t *testing.T) {
	engines(t, func(t *testing.T, open func() *sqlstore.DB) {
		ctx := context.Background()
		db := open()
		s := newService(t, db)
		var published atomic.Value
		published.Store("not-the-token")
		s.Prover = proofServer(t, &published)
		mod := storetest.MustUser(t, db, "mod", shopguard.RoleModerator)
		r := &shopguard.Report{ScamType: "fake_shop", Identifiers: []shopguard.Identifier{{Kind: shopguard.KindDomain, Value: "honest-shop.com"}}, Narrative: "never shipped"}
		if err := s.Submit(ctx, r, intel.Reporter{}); err != nil {
			t.Fatal(err)
		}
		s.Decide(ctx, shopguard.Decision{ReportID: r.ID, Action: shopguard.ActionConfirm, Reason: "looked right", ModeratorID: mod.ID})
		if in, _ := s.Lookup(shopguard.KindDomain, "honest-shop.com"); in.Risk != shopguard.RiskHigh {
			t.Fatalf("listed: %+v", in)
		}

		a := &shopguard.Appeal{Identifier: shopguard.Identifier{Kind: shopguard.KindDomain, Value: "WWW.Honest-Shop.com"}, Reason: "we are a real shop", Contact: "owner@honest-shop.com", Method: shopguard.ProofWellKnown}
		if err := s.FileAppeal(ctx, a); err != nil {
			t.Fatal(err)
		}
		if a.Status != shopguard.AppealAwaitingProof || !strings.HasPrefix(a.Token, "sg-") || a.Identifier.Value != "honest-shop.com" {
			t.Fatalf("filed: %+v", a)
		}
		// someone who does not control the domain cannot publish the token
		if _, err := s.ProveAppeal(ctx, a.ID); shopguard.ErrorCode(err) != shopguard.EFORBIDDEN {
			t.Fatalf("proof with the wrong token: %v, want forbidden", err)
		}
		if _, err := s.DecideAppeal(ctx, a.ID, true, mod.ID, "looks fine"); shopguard.ErrorCode(err) != shopguard.ECONFLICT {
			t.Fatalf("upholding an unproven domain appeal: %v, want conflict", err)
		}
		// DNS proof for a name nobody publishes fails closed
		dnsA := &shopguard.Appeal{Identifier: shopguard.Identifier{Kind: shopguard.KindDomain, Value: "honest-shop.com"}, Reason: "ours", Method: shopguard.ProofDNS}
		s.FileAppeal(ctx, dnsA)
		s.Prover.Resolver = &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return nil, &net.OpError{Op: "dial", Err: net.UnknownNetworkError("no DNS in tests")}
		}}
		_, err := s.ProveAppeal(ctx, dnsA.ID)
		if shopguard.ErrorCode(err) != shopguard.EFORBIDDEN {
			t.Fatalf("DNS proof without a record: %v", err)
		}
		// The message goes to anonymous appellants: it names no address of the server's network
		// (its DNS resolver).
		if msg := shopguard.ErrorMessage(err); regexp.MustCompile(`\d+\.\d+\.\d+\.\d+|\[?::1\]?|:53\b| on `).MatchString(msg) {
			t.Errorf("a failed DNS proof tells the appellant about the server's network: %q", msg)
		}

		published.Store(a.Token)
		a, err = s.ProveAppeal(ctx, a.ID)
		if err != nil || !a.Verified || a.Status != shopguard.AppealReview {
			t.Fatalf("proof with the token: %+v, %v", a, err)
		}
		if _, err := s.DecideAppeal(ctx, a.ID, true, mod.ID, ""); shopguard.ErrorField(err) != "reason" {
			t.Fatalf("decision without a reason: %v", err)
		}
		if _, err := s.DecideAppeal(ctx, a.ID, true, mod.ID, "the shop's records check out"); err != nil {
			t.Fatal(err)
		}
		in, _ := s.Lookup(shopguard.KindDomain, "honest-shop.com")
		if !in.Delisted || in.Risk != shopguard.RiskLow {
			t.Fatalf("after the appeal was upheld: %+v", in)
		}
		log, _ := db.AuditLog(ctx, "appeal:"+itoa(int(a.ID)), 10)
		if len(log) != 2 || log[0].Action != "appeal.uphold" || log[0].ActorID != mod.ID || log[1].Action != "appeal.verify" {
			t.Fatalf("audit log: %+v", log)
		}

		// other kinds go to review directly, and "not a scam" feedback lowers the score
		p := &shopguard.Appeal{Identifier: shopguard.Identifier{Kind: shopguard.KindPhone, Value: "13800000009"}, Reason: "my shop's number"}
		if err := s.FileAppeal(ctx, p); err != nil || p.Status != shopguard.AppealReview || p.Token != "" {
			t.Fatalf("phone appeal: %+v, %v", p, err)
		}
		if _, err := s.ProveAppeal(ctx, p.ID); shopguard.ErrorCode(err) != shopguard.ECONFLICT {
			t.Fatalf("proving a phone appeal: %v", err)
		}
	})
}

func TestTrustAndRetention(t *testing.T) {
	engines(t, func(t *testing.T, open func() *sqlstore.DB) {
		ctx := context.Background()
		db := open()
		s := newService(t, db)
		now := time.Now().UTC()
		s.Now = func() time.Time { return now }
		u := storetest.MustUser(t, db, "veteran", shopguard.RoleUser)
		mod := storetest.MustUser(t, db, "mod", shopguard.RoleModerator)
		who := intel.Reporter{UserID: u.ID, Role: shopguard.RoleUser, IP: ip("192.0.2.1")}
		for i := range shopguard.TrustedAfter + 1 {
			r := newReport("1380000010" + itoa(i))
			if err := s.Submit(ctx, r, who); err != nil {
				t.Fatal(err)
			}
			want := shopguard.TrustAccount
			if i == shopguard.TrustedAfter {
				want = shopguard.TrustTrusted
			}
			if r.Trust != want {
				t.Fatalf("report %d: trust %d, want %d", i, r.Trust, want)
			}
			s.Decide(ctx, shopguard.Decision{ReportID: r.ID, Action: shopguard.ActionConfirm, Reason: "checked", ModeratorID: mod.ID})
		}
		s.Limits.Retention = 24 * time.Hour
		if n, err := s.Purge(ctx); err != nil || n != 0 {
			t.Fatalf("purge of fresh reports: %d, %v", n, err)
		}
		now = now.Add(48 * time.Hour)
		if n, err := s.Purge(ctx); err != nil || n != int64(shopguard.TrustedAfter+1) {
			t.Fatalf("purge after the retention: %d, %v", n, err)
		}
		if in, _ := s.Lookup(shopguard.KindPhone, "13800000100"); in.Reports != 0 || in.Risk != shopguard.RiskLow {
			t.Fatalf("after purge: %+v", in)
		}
	})
}

func TestIndexCache(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "shopguard.db")
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	cache := filepath.Join(t.TempDir(), "index.cache")
	s := newService(t, db)
	s.CachePath = cache
	if err := s.Submit(ctx, newReport("13800000201"), intel.Reporter{}); err != nil {
		t.Fatal(err)
	}
	if err := s.Sync(ctx); err != nil { // the write shows at once; the cursor passes it as the node follows
		t.Fatal(err)
	}
	if err := s.SaveCache(); err != nil {
		t.Fatal(err)
	}
	// a change after the cache was written is replayed from the change sequence
	if err := s.Submit(ctx, newReport("13800000202"), intel.Reporter{}); err != nil {
		t.Fatal(err)
	}
	// the database no longer holds the first reputation: a restart that finds it has read the cache
	if _, err := db.Write.ExecContext(ctx, `DELETE FROM reputations WHERE value = '+8613800000201'`); err != nil {
		t.Fatal(err)
	}
	again := &intel.Service{Store: db, Index: intel.NewIndex(), CachePath: cache}
	if err := again.Start(ctx); err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{"13800000201", "13800000202"} {
		if in, _ := again.Lookup(shopguard.KindPhone, v); in.Reports != 1 {
			t.Fatalf("after a restart from the cache, %s: %+v", v, in)
		}
	}
	// a cache older than the pruned changes is not used: the reputations are read instead
	if err := again.SaveCache(); err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{"13800000203", "13800000204"} {
		if err := s.Submit(ctx, newReport(v), intel.Reporter{}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.PruneChanges(ctx, time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	stale := &intel.Service{Store: db, Index: intel.NewIndex(), CachePath: cache}
	if err := stale.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if in, _ := stale.Lookup(shopguard.KindPhone, "13800000201"); in.Reports != 0 {
		t.Fatalf("a stale cache was used: %+v", in)
	}
	if in, _ := stale.Lookup(shopguard.KindPhone, "13800000203"); in.Reports != 1 {
		t.Fatalf("after a stale cache: %+v", in)
	}
	// a damaged cache is refused and the database answers
	data, _ := os.ReadFile(cache)
	data[len(data)/2] ^= 0xff
	os.WriteFile(cache, data, 0o600)
	var loaded atomic.Int64
	third := &intel.Service{Store: db, Index: intel.NewIndex(), CachePath: cache, Loaded: func() { loaded.Add(1) }}
	if err := third.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if n, want := loaded.Load(), int64(third.Index.Len()); n != want || n == 0 {
		t.Errorf("Loaded was called %d times reading %d reputations", n, want)
	}
	if in, _ := third.Lookup(shopguard.KindPhone, "13800000202"); in.Reports != 1 {
		t.Fatalf("after a damaged cache: %+v", in)
	}
	if _, err := intel.NewIndex().LoadCache(bytes.NewReader(data)); shopguard.ErrorCode(err) != shopguard.EINVALID {
		t.Fatalf("damaged cache: %v", err)
	}
}

// The default prover never connects to the server's own network, whatever the domain
// resolves to.
func TestProverRefusesPrivateAddresses(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("sg-token")) }))
	defer srv.Close()
	p := &intel.Prover{}
	err := p.Check(context.Background(), shopguard.ProofWellKnown, srv.Listener.Addr().String(), "sg-token")
	if err == nil || !strings.Contains(err.Error(), "not a public address") {
		t.Fatalf("a proof fetched from a loopback address: %v", err)
	}
}
