package client_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/client"
	shttp "github.com/shopguard/shopguard/http"
	"github.com/shopguard/shopguard/knowledge"
	"github.com/shopguard/shopguard/sqlite"
)

// recorder remembers the URLs a client asked for.
type recorder struct {
	urls []string
	next http.RoundTripper
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	r.urls = append(r.urls, req.URL.String())
	return r.next.RoundTrip(req)
}

func TestCheckIdentifierIsPrivate(t *testing.T) {
	ctx := context.Background()
	store, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "shopguard.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	pack, _ := knowledge.Default()
	cfg := shttp.DefaultConfig()
	cfg.RateAnon = 0
	srv, err := shttp.NewServer(cfg, store, pack, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if err := srv.StartIntel(cctx); err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()

	rec := &recorder{next: http.DefaultTransport}
	c := client.New(ts.URL, "")
	c.HTTP = &http.Client{Transport: rec}
	id, err := c.Report(ctx, map[string]any{"scam_type": "deposit_scam", "identifiers": []map[string]string{{"kind": "wechat", "value": "Fake_Shop_01"}}, "narrative": "took a deposit"})
	if err != nil || id == 0 {
		t.Fatalf("Report: %d, %v", id, err)
	}
	m, err := c.CheckIdentifier(ctx, shopguard.KindWeChat, "fake_shop_01")
	if err != nil || !m.Known || m.Finding != shopguard.FindingUnderReview || m.Reports != 0 || m.Display != "fa*********1" {
		t.Fatalf("CheckIdentifier(known) = %+v, %v", m, err)
	}
	m, err = c.CheckIdentifier(ctx, shopguard.KindWeChat, "honest_seller_9")
	if err != nil || m.Known || m.Risk != shopguard.RiskLow || m.Finding != shopguard.FindingNone {
		t.Fatalf("CheckIdentifier(unknown) = %+v, %v", m, err)
	}
	for _, u := range rec.urls[1:] {
		if strings.Contains(u, "fake_shop") || strings.Contains(u, "honest_seller") || !strings.Contains(u, "/api/v1/lookup/wechat/") {
			t.Fatalf("the client revealed the identifier: %s", u)
		}
	}
	if _, err := c.CheckIdentifier(ctx, shopguard.KindQQ, "12"); shopguard.ErrorCode(err) != shopguard.EINVALID {
		t.Fatalf("bad value: %v", err)
	}
	if len(rec.urls) != 3 {
		t.Fatalf("a bad value was sent: %v", rec.urls)
	}
	// A QQ number's hash could be reversed by trying every number: without a key the server
	// does not answer, and the client says why.
	if _, err := c.CheckIdentifier(ctx, shopguard.KindQQ, "12345678"); shopguard.ErrorCode(err) != shopguard.EUNAUTHORIZED || !strings.Contains(err.Error(), "API key") {
		t.Fatalf("anonymous QQ lookup: %v", err)
	}
	_, err = c.Report(ctx, map[string]any{"scam_type": "deposit_scam", "identifiers": []map[string]string{{"kind": "qq", "value": "1"}}, "narrative": "x"})
	if shopguard.ErrorCode(err) != shopguard.EINVALID || shopguard.ErrorField(err) != "identifiers[0].value" {
		t.Fatalf("server error not carried: %v", err)
	}
}
