package http_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	shttp "github.com/shopguard/shopguard/http"
	"github.com/shopguard/shopguard/internal/testenv"
	"github.com/shopguard/shopguard/knowledge"
)

// longChat is the body of a scan of a chat of n messages.
func longChat(n int) string {
	msgs := make([]map[string]string, n)
	for i := range msgs {
		msgs[i] = map[string]string{"from": "them", "text": "亲，先付定金才能发货，加我微信 abc123 转账到 6222020200112233445"}
	}
	b, _ := json.Marshal(map[string]any{"messages": msgs, "lang": "en"})
	return string(b)
}

// TestCancelledScanStops: a client that leaves in the middle of the scan of a long chat
// stops the scan at once, and its going is no server error.
func TestCancelledScanStops(t *testing.T) {
	ts := newTestServer(t, nil)
	ctx := testenv.CancelAfter(context.Background(), 10)
	req := httptest.NewRequest("POST", "/api/v1/scan", strings.NewReader(longChat(1000))).WithContext(ctx)
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	ts.srv.Handler().ServeHTTP(rec, req)
	// 10 looks in the scan, the one that saw the cancel, and the error page's.
	if ctx.Looks() > 12 || ctx.LooksAfterCancel() > 1 {
		t.Errorf("the scan of 1000 messages looked at the request's context %d times, %d after the cancel: it went on after the client left",
			ctx.Looks(), ctx.LooksAfterCancel())
	}
	if rec.Code != 499 {
		t.Errorf("status %d, want 499 (client gone)", rec.Code)
	}
	if strings.Contains(ts.logs.String(), "internal error") {
		t.Errorf("a client leaving was logged as an internal error:\n%s", ts.logs.String())
	}
}

// TestBudgetsTurnAwayExpensiveWork fills the budgets of scanning and of building documents:
// every expensive route answers 503 with Retry-After at once, while cheap requests keep
// answering; once the budget frees, the expensive routes answer again.
func TestBudgetsTurnAwayExpensiveWork(t *testing.T) {
	ts := newTestServer(t, func(c *shttp.Config) { c.ScanSlots, c.BuildSlots, c.WorkWait = 1, 1, 10*time.Millisecond })
	id, key := createCase(t, ts, `{"lang":"en","triage":{"what":"deposit","platform":"xianyu"}}`, nil)
	caseKey := map[string]string{"Authorization": "Bearer " + key}
	page := map[string]string{"Accept": "text/html", "Content-Type": "application/x-www-form-urlencoded"}
	expensive := []struct {
		method, path, body string
		hdr                map[string]string
	}{
		{"POST", "/api/v1/scan", longChat(3), nil},
		{"POST", "/api/v1/assess", `{"site":"https://shop.example.com","chat":"先付定金","fetch":false}`, nil},
		{"POST", "/api/v1/check/site", `{"url":"https://shop.example.com","html":["<html><body>shop</body></html>"]}`, nil},
		{"POST", "/check/chat", url.Values{"text": {"先付定金"}}.Encode(), page},
		{"POST", "/check/site", url.Values{"url": {"https://shop.example.com"}, "html": {"<html></html>"}}.Encode(), page},
		{"GET", "/api/v1/cases/" + id + "/documents/police_report.pdf", "", caseKey},
		{"GET", "/api/v1/cases/" + id + "/package.zip", "", caseKey},
	}
	release := ts.srv.FillWork()
	for _, c := range expensive {
		st, h, body := ts.do(t, c.method, c.path, c.body, c.hdr)
		if st != 503 || h.Get("Retry-After") == "" {
			t.Errorf("%s %s with the budget full = %d (Retry-After %q) %.200s, want 503 with Retry-After", c.method, c.path, st, h.Get("Retry-After"), body)
		}
	}
	for _, path := range []string{"/healthz", "/api/v1/knowledge", "/learn"} {
		if st, _, body := ts.do(t, "GET", path, "", nil); st != 200 {
			t.Errorf("cheap GET %s with the budget full = %d %.200s", path, st, body)
		}
	}
	if st, _, body := ts.do(t, "POST", "/api/v1/check/url", `{"url":"https://example.com"}`, nil); st != 200 {
		t.Errorf("a link check with the budget full = %d %.200s", st, body)
	}
	release()
	for _, c := range expensive {
		if st, _, body := ts.do(t, c.method, c.path, c.body, c.hdr); st != 200 {
			t.Errorf("%s %s once the budget is free = %d %.200s", c.method, c.path, st, body)
		}
	}
}

// TestShutdownSavesCacheWithSlowRequests stops a server whose grace period runs out while a
// request is still in flight: Close must end that request, return the deadline error, and
// still save the reputation index cache.
func TestShutdownSavesCacheWithSlowRequests(t *testing.T) {
	store := tempSQLite(t)
	pack, err := knowledge.Default()
	if err != nil {
		t.Fatal(err)
	}
	cfg := shttp.DefaultConfig()
	cfg.Addr, cfg.RateAnon, cfg.RateKey = "127.0.0.1:0", 0, 0
	srv, err := shttp.NewServer(cfg, store, pack, slog.New(slog.NewTextHandler(&testenv.Buffer{}, nil)))
	if err != nil {
		t.Fatal(err)
	}
	cache := filepath.Join(t.TempDir(), "index.cache")
	srv.Intel.CachePath = cache
	if err := srv.Open(); err != nil {
		t.Fatal(err)
	}
	os.Remove(cache) // whatever Open wrote: Close must write it

	// A slow client: its request is in the handler, which waits for a body that never comes.
	conn, err := net.Dial("tcp", strings.TrimPrefix(srv.URL(), "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /api/v1/scan HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\nExpect: 100-continue\r\n\r\n")
	rd := bufio.NewReader(conn)
	line, err := rd.ReadString('\n')
	if err != nil || !strings.Contains(line, "100 Continue") {
		t.Fatalf("the slow request did not reach its handler: %q %v", line, err)
	}
	rd.ReadString('\n') // the blank line after the interim answer
	conn.Write([]byte(`{"text":"`))

	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	err = srv.Close(ctx)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Close with a request in flight past the deadline = %v, want the deadline error", err)
	}
	if _, err := os.Stat(cache); err != nil {
		t.Errorf("the index cache was not saved at shutdown: %v", err)
	}
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	if rest, err := rd.ReadString('\n'); err == nil && !strings.HasPrefix(rest, "HTTP/1.1 5") {
		t.Errorf("the slow request's connection is still open after Close: read %q", rest)
	}
}

// TestPackageBuiltOncePerVersion: downloading the package of an unchanged case again sends
// the one already built, byte for byte; a new file makes a new package.
func TestPackageBuiltOncePerVersion(t *testing.T) {
	ts := newTestServer(t, nil)
	id, key := createCase(t, ts, `{"lang":"zh-CN","triage":{"what":"deposit","platform":"xianyu"}}`, nil)
	hdr := map[string]string{"Authorization": "Bearer " + key}
	if st, body := upload(t, ts, id, key, "chat.png", "", testPNG); st != 201 {
		t.Fatalf("upload = %d %s", st, body)
	}
	get := func() []byte {
		t.Helper()
		st, h, body := ts.do(t, "GET", "/api/v1/cases/"+id+"/package.zip", "", hdr)
		if st != 200 || h.Get("Content-Type") != "application/zip" || h.Get("Content-Length") != fmt.Sprint(len(body)) {
			t.Fatalf("package = %d %v (%d bytes)", st, h, len(body))
		}
		return body
	}
	first, again := get(), get()
	if n := ts.srv.PackageBuilds(); n != 1 || string(first) != string(again) {
		t.Fatalf("two downloads of an unchanged case built %d packages (same bytes: %v), want 1", n, string(first) == string(again))
	}
	if st, body := upload(t, ts, id, key, "receipt.pdf", "", testPDF); st != 201 {
		t.Fatalf("upload = %d %s", st, body)
	}
	if changed := get(); ts.srv.PackageBuilds() != 2 || string(changed) == string(first) {
		t.Fatalf("after a new file: %d builds, want 2 and a new package", ts.srv.PackageBuilds())
	}
	get()
	if n := ts.srv.PackageBuilds(); n != 2 {
		t.Fatalf("a third download of the changed case built again: %d builds", n)
	}
}

// TestCancelledImportStops: an import whose client leaves stops reading its records.
func TestCancelledImportStops(t *testing.T) {
	ts := newTestServer(t, nil)
	key := ts.mustKey(t, "feeder", "admin", "admin")
	var csv strings.Builder
	csv.WriteString("kind,value,score,scam_types,first_seen,last_seen\n")
	for i := range 10000 {
		fmt.Fprintf(&csv, "domain,shop%d.example,80,fake_shop,2026-11-01,2026-11-02\n", i)
	}
	ctx := testenv.CancelAfter(context.Background(), 3)
	req := httptest.NewRequest("POST", "/api/v1/indicators/import?format=csv&source=feed", strings.NewReader(csv.String())).WithContext(ctx)
	req.Header.Set("Authorization", "Bearer "+key)
	rec := httptest.NewRecorder()
	ts.srv.Handler().ServeHTTP(rec, req)
	if rec.Code != 499 || ctx.Looks() > 8 {
		t.Errorf("import cancelled after 3 looks: status %d, %d looks; want 499 and a stop at once", rec.Code, ctx.Looks())
	}
}
