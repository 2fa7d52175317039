package http_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	shttp "github.com/shopguard/shopguard/http"
)

// A GET on a POST-only route is 405 with Allow, as JSON for the API and as a page for
// browsers; a path with no route at all stays 404.
func TestMethodNotAllowed(t *testing.T) {
	ts := newTestServer(t, nil)
	st, hdr, body := ts.do(t, "GET", "/api/v1/check/url", "", nil)
	if st != 405 || hdr.Get("Allow") != "POST" || errorOf(t, body).Code != shttp.EMETHOD {
		t.Errorf("GET /api/v1/check/url = %d Allow %q %s", st, hdr.Get("Allow"), body)
	}
	st, hdr, _ = ts.do(t, "POST", "/api/v1/cases/c_x/plan", "{}", nil)
	if st != 405 || hdr.Get("Allow") != "GET, HEAD" {
		t.Errorf("POST on a GET route = %d Allow %q", st, hdr.Get("Allow"))
	}
	st, hdr, body = ts.do(t, "GET", "/cases/c_x/unshare", "", map[string]string{"Accept": "text/html"})
	if st != 405 || hdr.Get("Allow") != "POST" || !strings.Contains(hdr.Get("Content-Type"), "text/html") || !strings.Contains(string(body), "<html") {
		t.Errorf("GET on a form's POST route = %d Allow %q %s", st, hdr.Get("Allow"), hdr.Get("Content-Type"))
	}
	if st, hdr, _ := ts.do(t, "GET", "/api/v1/nothing-here", "", nil); st != 404 || hdr.Get("Allow") != "" {
		t.Errorf("unknown path = %d Allow %q", st, hdr.Get("Allow"))
	}
}

func TestRobotsAndFavicon(t *testing.T) {
	ts := newTestServer(t, nil)
	st, hdr, body := ts.do(t, "GET", "/robots.txt", "", nil)
	if st != 200 || !strings.HasPrefix(hdr.Get("Content-Type"), "text/plain") || !strings.Contains(string(body), "Disallow: /cases/") || !strings.Contains(string(body), "Disallow: /api/") {
		t.Errorf("robots.txt = %d %s %s", st, hdr.Get("Content-Type"), body)
	}
	st, hdr, body = ts.do(t, "GET", "/favicon.ico", "", nil)
	if st != 200 || hdr.Get("Content-Type") != "image/x-icon" || len(body) < 22 || string(body[:4]) != "\x00\x00\x01\x00" {
		t.Errorf("favicon.ico = %d %s %d bytes", st, hdr.Get("Content-Type"), len(body))
	}
	_, _, page := ts.do(t, "GET", "/learn", "", map[string]string{"Accept": "text/html"})
	if !strings.Contains(string(page), `rel="icon" href="/favicon.ico"`) {
		t.Error("pages do not name the icon")
	}
}

// With a metrics key, /metrics answers only to that bearer token.
func TestMetricsBehindKey(t *testing.T) {
	const key = "metrics-secret-0123456789"
	ts := newTestServer(t, func(c *shttp.Config) { c.MetricsKey = key })
	// In this order: the refused requests are counted before the one that reads the counts.
	for _, c := range []struct {
		tok  string
		want int
	}{{"", 401}, {"wrong-secret-0123456789", 401}, {key, 200}} {
		tok, want := c.tok, c.want
		hdr := map[string]string{}
		if tok != "" {
			hdr["Authorization"] = "Bearer " + tok
		}
		st, _, body := ts.do(t, "GET", "/metrics", "", hdr)
		if st != want || (want == 200) != strings.Contains(string(body), "shopguard_http_requests_total") {
			t.Errorf("/metrics with %q = %d, want %d: %.200s", tok, st, want, body)
		}
	}
}

// With a metrics address, /metrics is served there and not on the main address.
func TestMetricsOnSeparateAddress(t *testing.T) {
	ts := newTestServer(t, nil)
	srv := ts.srv
	srv.Config.Addr, srv.Config.MetricsAddr = "127.0.0.1:0", "127.0.0.1:0"
	if err := srv.Open(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Close(ctx)
	})
	get := func(url string) (int, string) {
		resp, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if st, _ := get(srv.URL() + "/healthz"); st != 200 {
		t.Fatalf("healthz = %d", st)
	}
	if st, _ := get(srv.URL() + "/metrics"); st != 404 {
		t.Errorf("/metrics on the main address = %d, want 404", st)
	}
	if srv.MetricsURL() == "" || srv.MetricsURL() == srv.URL() {
		t.Fatalf("metrics URL %q", srv.MetricsURL())
	}
	if st, body := get(srv.MetricsURL() + "/metrics"); st != 200 || !strings.Contains(body, `route="GET /healthz"`) {
		t.Errorf("/metrics on the metrics address = %d %.300s", st, body)
	}
	if st, _ := get(srv.MetricsURL() + "/healthz"); st != 404 {
		t.Errorf("the metrics address serves other routes: %d", st)
	}
}
