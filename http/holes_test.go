package http_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/shopguard/shopguard"
	shttp "github.com/shopguard/shopguard/http"
	"github.com/shopguard/shopguard/internal/budget"
	"github.com/shopguard/shopguard/internal/testenv"
)

// TestKeysNeedTheirOwnScope: anonymous callers get 401, not a panic; a check-only key can
// neither mint keys nor revoke its owner's other keys; a key made with the keys scope can.
func TestKeysNeedTheirOwnScope(t *testing.T) {
	ts := newTestServer(t, nil)
	for _, c := range []struct{ method, path, body string }{
		{"GET", "/api/v1/keys", ""}, {"POST", "/api/v1/keys", `{"name":"x"}`}, {"DELETE", "/api/v1/keys/1", ""},
	} {
		if st, _, body := ts.do(t, c.method, c.path, c.body, nil); st != 401 {
			t.Errorf("anonymous %s %s = %d %s, want 401", c.method, c.path, st, body)
		}
	}
	if strings.Contains(ts.logs.String(), "panic") {
		t.Errorf("a panic was logged: %s", ts.logs.String())
	}
	ctx := context.Background()
	u, err := ts.auth.CreateUser(ctx, "owner", shopguard.RoleAdmin, "owner password 1")
	if err != nil {
		t.Fatal(err)
	}
	adminKey, adminRec, _ := ts.auth.CreateAPIKey(ctx, u, "admin", []shopguard.Scope{shopguard.ScopeCheck, shopguard.ScopeAdmin, shopguard.ScopeKeys})
	checkKey, _, _ := ts.auth.CreateAPIKey(ctx, u, "checker", nil)
	if st, _, body := ts.do(t, "POST", "/api/v1/keys", `{"name":"more","scopes":["check"]}`, bearer(checkKey)); st != 403 {
		t.Errorf("check-only key mints a key: %d %s", st, body)
	}
	if st, _, body := ts.do(t, "DELETE", "/api/v1/keys/"+itoa(adminRec.ID), "", bearer(checkKey)); st != 403 {
		t.Errorf("check-only key revokes the admin key: %d %s", st, body)
	}
	if st, _, body := ts.do(t, "GET", "/api/v1/me", "", bearer(adminKey)); st != 200 {
		t.Errorf("admin key after the attempts: %d %s", st, body)
	}
	if st, _, body := ts.do(t, "POST", "/api/v1/keys", `{"name":"more","scopes":["check"]}`, bearer(adminKey)); st != 201 {
		t.Errorf("key with the keys scope mints: %d %s", st, body)
	}
}

// TestRateLimitIsPerAccount: the keys of one account share one bucket.
func TestRateLimitIsPerAccount(t *testing.T) {
	ts := newTestServer(t, func(c *shttp.Config) { c.RateKey = 1 })
	ctx := context.Background()
	u, err := ts.auth.CreateUser(ctx, "many", shopguard.RoleUser, "many keys password")
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for range 5 {
		k, _, err := ts.auth.CreateAPIKey(ctx, u, "k", nil)
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, k)
	}
	ok := 0
	for range 3 {
		for _, k := range keys {
			if st, _, _ := ts.do(t, "GET", "/api/v1/me", "", bearer(k)); st == 200 {
				ok++
			}
		}
	}
	// a burst of 3 and one a second: well under 15 however the test is scheduled
	if ok > 6 {
		t.Errorf("%d of 15 requests over 5 keys passed a limit of 1/s with a burst of 3", ok)
	}
}

// TestLocalPathRefusesWhatBrowsersRewrite: next values a browser would send off-site.
func TestLocalPathRefusesWhatBrowsersRewrite(t *testing.T) {
	ts := newTestServer(t, nil)
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for next, want := range map[string]string{
		"%2F%09%2Fevil.example":  "/",
		"%2F%0A%2Fevil.example":  "/",
		"%2F%0D%2Fevil.example":  "/",
		"%2F%5Cevil.example":     "/",
		"%5C%5Cevil.example":     "/",
		"%2F%2Fevil.example":     "/",
		"https://evil.example":   "/",
		"%2F%E3%80%80%2Fevil":    "/",
		"%2Fcases%2Fnew%3Fa%3D1": "/cases/new?a=1",
		"%2Flearn":               "/learn",
	} {
		resp, err := c.Get(ts.URL + "/lang/en?next=" + next)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got := resp.Header.Get("Location"); got != want {
			t.Errorf("next=%s redirects to %q, want %q", next, got, want)
		}
	}
}

// TestModeratorCannotFetchCaseEvidence: a file is served only through the report that
// carries it; a case's file stays the case's, whatever the moderator knows of its hash.
func TestModeratorCannotFetchCaseEvidence(t *testing.T) {
	ts := newIntelServer(t)
	id, key := createCase(t, ts, `{"triage":{}}`, nil)
	st, b := upload(t, ts, id, key, "receipt.pdf", "", testPDF)
	if st != 201 {
		t.Fatalf("upload = %d %s", st, b)
	}
	var up struct{ SHA256 string }
	json.Unmarshal(b, &up)
	ctx := context.Background()
	if _, err := ts.auth.CreateUser(ctx, "mod", shopguard.RoleModerator, "moderator password"); err != nil {
		t.Fatal(err)
	}
	tok, _, err := ts.auth.Login(ctx, "mod", "moderator password", "192.0.2.9")
	if err != nil {
		t.Fatal(err)
	}
	mod := map[string]string{"Cookie": "sg_session=" + tok}
	st, _, body := ts.do(t, "POST", "/api/v1/reports", `{"scam_type":"deposit_scam","identifiers":[{"kind":"phone","value":"13812345678"}],"narrative":"deposit"}`, nil)
	if st != 201 {
		t.Fatalf("report = %d %s", st, body)
	}
	rid := itoa(jsonID(t, body))
	for _, p := range []string{"/evidence/" + up.SHA256, "/moderation/reports/" + rid + "/evidence/" + up.SHA256} {
		if st, _, body := ts.do(t, "GET", p, "", mod); st != 404 || len(body) > 0 && strings.Contains(string(body), "%PDF") {
			t.Errorf("moderator GET %s = %d, want 404", p, st)
		}
	}
}

// TestRefusedUploadsLeaveNoFile: a report refused for its content (400), for its rate (429)
// or for the client's disk quota (429 with Retry-After) keeps none of its files.
func TestRefusedUploadsLeaveNoFile(t *testing.T) {
	ts := newTestServer(t, func(c *shttp.Config) { c.DiskQuota = 2 << 10 })
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	if err := ts.srv.StartIntel(ctx); err != nil {
		t.Fatal(err)
	}
	ts.srv.Intel.Limits.ReportsPerHourSource = 1
	report := func(scamType string, file []byte) (int, http.Header, []byte) {
		return ts.do(t, "POST", "/api/v1/reports", `{"scam_type":"`+scamType+`","identifiers":[{"kind":"phone","value":"13812345678"}],"narrative":"deposit","evidence":[{"name":"chat.pdf","content_base64":"`+base64.StdEncoding.EncodeToString(file)+`"}]}`, nil)
	}
	if st, _, body := report("no_such_scam", testPDF); st != 400 || len(testenv.BlobFiles(t, ts.blobDir)) != 0 {
		t.Fatalf("invalid report = %d %s, files kept %v", st, body, testenv.BlobFiles(t, ts.blobDir))
	}
	if st, _, body := report("deposit_scam", testPDF); st != 201 || len(testenv.BlobFiles(t, ts.blobDir)) != 1 {
		t.Fatalf("first report = %d %s, files %v", st, body, testenv.BlobFiles(t, ts.blobDir))
	}
	other := append([]byte(nil), testPDF...)
	other = append(other, "% another file\n"...)
	if st, _, body := report("deposit_scam", other); st != 429 || len(testenv.BlobFiles(t, ts.blobDir)) != 1 {
		t.Fatalf("report over the rate = %d %s, files %v", st, body, testenv.BlobFiles(t, ts.blobDir))
	}
	// the disk quota: 2 KiB an hour (files count by the KiB), shared with case uploads
	id, key := createCase(t, ts, `{"triage":{}}`, nil)
	var st int
	var b []byte
	for i := range 4 {
		st, b = upload(t, ts, id, key, "r.pdf", "", append(append([]byte(nil), testPDF...), fmt.Sprintf("%% %d\n", i)...))
		if st != 201 {
			break
		}
	}
	if st != 429 || !strings.Contains(string(b), "upload") {
		t.Fatalf("uploads past the disk quota: %d %s", st, b)
	}
	if st, h, _ := ts.do(t, "GET", "/healthz", "", nil); st != 200 || h.Get("Retry-After") != "" {
		t.Fatalf("healthz while over the quota: %d", st)
	}
}

// TestHashingBudget: with every hashing slot taken, a sign-in is turned away at once with 503
// and Retry-After, while cheap requests keep answering; repeated failures from one address
// are throttled (429, Retry-After) before any hashing, and another address is not.
func TestHashingBudget(t *testing.T) {
	ts := newTestServer(t, func(c *shttp.Config) {
		_, loop, _ := net.ParseCIDR("127.0.0.0/8")
		c.TrustedProxies = []*net.IPNet{loop}
	})
	ts.srv.Auth.Hashing = budget.NewGate("checking passwords", 1, 50*time.Millisecond)
	release, err := ts.srv.Auth.Hashing.Enter(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	st, h, body := ts.do(t, "POST", "/api/v1/auth/login", `{"name":"alice","password":"some password"}`, nil)
	if st != 503 || h.Get("Retry-After") == "" {
		t.Fatalf("login with hashing full = %d %q %s", st, h.Get("Retry-After"), body)
	}
	if st, _, _ := ts.do(t, "GET", "/api/v1/knowledge", "", nil); st != 200 {
		t.Fatalf("cheap request while hashing is full = %d", st)
	}
	release()
	from := func(addr string) map[string]string { return map[string]string{"X-Forwarded-For": addr} }
	for i := range 5 {
		if st, _, body := ts.do(t, "POST", "/api/v1/auth/login", `{"name":"alice","password":"wrong password"}`, from("192.0.2.7")); st != 401 {
			t.Fatalf("failure %d = %d %s", i+1, st, body)
		}
	}
	st, h, body = ts.do(t, "POST", "/api/v1/auth/login", `{"name":"alice","password":"wrong password"}`, from("192.0.2.7"))
	if st != 429 || h.Get("Retry-After") == "" {
		t.Fatalf("sixth failure = %d %q %s", st, h.Get("Retry-After"), body)
	}
	if st, _, body := ts.do(t, "POST", "/api/v1/auth/login", `{"name":"alice","password":"wrong password"}`, from("198.51.100.3")); st != 401 {
		t.Fatalf("another address = %d %s", st, body)
	}
}

// TestRoleChangeEndsSessions: an admin changing an account's role ends the sessions the
// account opened before, so no browser keeps acting on the old grant.
func TestRoleChangeEndsSessions(t *testing.T) {
	ts := newTestServer(t, nil)
	admin := map[string]string{"Authorization": "Bearer " + ts.mustKey(t, "root", shopguard.RoleAdmin, shopguard.ScopeAdmin)}
	ctx := context.Background()
	u, err := ts.auth.CreateUser(ctx, "volunteer", shopguard.RoleModerator, "volunteer password")
	if err != nil {
		t.Fatal(err)
	}
	tok, _, err := ts.auth.Login(ctx, "volunteer", "volunteer password", "192.0.2.10")
	if err != nil {
		t.Fatal(err)
	}
	browser := map[string]string{"Cookie": "sg_session=" + tok}
	if st, _, body := ts.do(t, "GET", "/api/v1/me", "", browser); st != 200 || !strings.Contains(string(body), `"moderator"`) {
		t.Fatalf("signed in: %d %s", st, body)
	}
	path := "/api/v1/admin/users/" + itoa(u.ID) + "/role"
	if st, _, body := ts.do(t, "PUT", path, `{"role":"user"}`, browser); st != 403 {
		t.Errorf("a moderator changing a role: %d %s, want 403", st, body)
	}
	if st, _, body := ts.do(t, "PUT", path, `{"role":"king"}`, admin); st != 400 || errorOf(t, body).Field != "role" {
		t.Errorf("unknown role: %d %s, want 400 naming role", st, body)
	}
	if st, _, body := ts.do(t, "PUT", path, `{"role":"user"}`, admin); st != 200 || !strings.Contains(string(body), `"role":"user"`) {
		t.Fatalf("role change: %d %s", st, body)
	}
	if st, _, body := ts.do(t, "GET", "/api/v1/me", "", browser); st != 401 {
		t.Errorf("the session from before the role change: %d %s, want 401", st, body)
	}
	if st, _, body := ts.do(t, "PUT", "/api/v1/admin/users/424242/role", `{"role":"user"}`, admin); st != 404 {
		t.Errorf("unknown user: %d %s, want 404", st, body)
	}
}

// TestActiveEvidenceRefused: SVG and HTML are refused as evidence with or without an XML
// prolog, on cases and on reports, and a file that is kept comes back as an attachment that
// no browser renders or sniffs.
func TestActiveEvidenceRefused(t *testing.T) {
	ts := newTestServer(t, nil)
	id, key := createCase(t, ts, `{"lang":"en"}`, nil)
	for name, data := range map[string]string{
		"no-prolog.svg": `<svg xmlns="http://www.w3.org/2000/svg" onload="fetch('/api/v1/cases')"/>`,
		"comment.svg":   "<!-- saved from the shop --><svg><script>alert(1)</script></svg>",
		"chat.txt":      "聊天记录\n<script>alert(1)</script>",
		"page.html":     "<p>退款</p><iframe src=//evil.example>",
	} {
		st, body := upload(t, ts, id, key, name, "", []byte(data))
		if st != 400 || errorOf(t, body).Field != "file" {
			t.Errorf("case upload of %s = %d %s, want 400 naming file", name, st, body)
		}
		b64 := base64.StdEncoding.EncodeToString([]byte(data))
		st, _, body = ts.do(t, "POST", "/api/v1/reports", `{"scam_type":"deposit_scam","identifiers":[{"kind":"phone","value":"13812345678"}],"narrative":"deposit","evidence":[{"name":"`+name+`","content_base64":"`+b64+`"}]}`, nil)
		if st != 400 || !strings.HasPrefix(errorOf(t, body).Field, "evidence") {
			t.Errorf("report with %s = %d %s, want 400 naming the evidence", name, st, body)
		}
	}
	if st, body := upload(t, ts, id, key, "chat.txt", "", []byte("卖家：价格 < 100 元，先付定金")); st != 201 {
		t.Fatalf("plain text with an angle bracket = %d %s", st, body)
	}
	st, h, body := ts.do(t, "GET", "/api/v1/cases/"+id+"/evidence/1", "", map[string]string{"Authorization": "Bearer " + key})
	if st != 200 || !strings.HasPrefix(h.Get("Content-Disposition"), "attachment") || h.Get("X-Content-Type-Options") != "nosniff" ||
		!strings.Contains(h.Get("Content-Security-Policy"), "sandbox") || h.Get("Content-Type") != "text/plain; charset=utf-8" || !strings.Contains(string(body), "定金") {
		t.Errorf("evidence download = %d %v", st, h)
	}
}
