package http_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/auth"
	"github.com/shopguard/shopguard/blob"
	shttp "github.com/shopguard/shopguard/http"
	"github.com/shopguard/shopguard/internal/testenv"
	"github.com/shopguard/shopguard/knowledge"
	"github.com/shopguard/shopguard/sqlite"
	"github.com/shopguard/shopguard/sqlstore"
)

// testServer is a real server on a loopback port over a fresh SQLite file.
type testServer struct {
	*httptest.Server
	srv  *shttp.Server
	auth *auth.Service
	logs *testenv.Buffer
	// blobDir holds the evidence files of cases and reports.
	blobDir string
}

func newTestServer(t testing.TB, tune func(*shttp.Config)) *testServer {
	t.Helper()
	return newTestServerOn(t, tempSQLite(t), tune)
}

// tempSQLite opens a SQLite store in a temporary directory, closed when the test ends.
func tempSQLite(t testing.TB) *sqlstore.DB {
	t.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "shopguard.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// newTestServerOn is newTestServer over a store the caller opened.
func newTestServerOn(t testing.TB, store shopguard.Store, tune func(*shttp.Config)) *testServer {
	t.Helper()
	pack, err := knowledge.Default()
	if err != nil {
		t.Fatal(err)
	}
	cfg := shttp.DefaultConfig()
	cfg.RateAnon, cfg.RateKey = 0, 0
	if tune != nil {
		tune(&cfg)
	}
	logs := &testenv.Buffer{}
	t.Cleanup(func() { testenv.NoPersonalData(t, logs.String()) }) // whatever the test did
	srv, err := shttp.NewServer(cfg, store, pack, slog.New(slog.NewTextHandler(logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	blobDir := filepath.Join(t.TempDir(), "blobs")
	if srv.Blobs, err = blob.NewDir(blobDir); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close(context.Background()) }) // after the listener's: removes the package cache
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return &testServer{Server: ts, srv: srv, auth: auth.NewService(store), logs: logs, blobDir: blobDir}
}

// do sends a request and returns the status, headers and body.
func (ts *testServer) do(t *testing.T, method, path string, body string, hdr map[string]string) (int, http.Header, []byte) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, ts.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, b
}

// mustKey makes a user with the role and an API key with the scopes.
func (ts *testServer) mustKey(t *testing.T, name string, role shopguard.Role, scopes ...shopguard.Scope) string {
	t.Helper()
	ctx := context.Background()
	u, err := ts.auth.CreateUser(ctx, name, role, "password for "+name)
	if err != nil {
		t.Fatal(err)
	}
	key, _, err := ts.auth.CreateAPIKey(ctx, u, name+" key", scopes)
	if err != nil {
		t.Fatal(err)
	}
	return key
}

func errorOf(t *testing.T, body []byte) shttp.ErrorDetail {
	t.Helper()
	var e shttp.ErrorBody
	if err := json.Unmarshal(body, &e); err != nil || e.Error.Code == "" {
		t.Fatalf("not an error body: %s", body)
	}
	return e.Error
}

func TestHealthAndReady(t *testing.T) {
	ts := newTestServer(t, nil)
	for _, p := range []string{"/healthz", "/readyz"} {
		if st, _, body := ts.do(t, "GET", p, "", nil); st != 200 {
			t.Errorf("%s = %d %s", p, st, body)
		}
	}
	st, _, body := ts.do(t, "GET", "/metrics", "", nil)
	if st != 200 || !strings.Contains(string(body), `shopguard_http_requests_total{method="GET",route="GET /healthz",status="200"} 1`) {
		t.Errorf("/metrics = %d, want the healthz request counted:\n%.2000s", st, body)
	}
}

func TestScamTypesAPI(t *testing.T) {
	ts := newTestServer(t, nil)
	st, _, body := ts.do(t, "GET", "/api/v1/knowledge/scam-types", "", nil)
	if st != 200 {
		t.Fatalf("status %d", st)
	}
	var resp struct {
		ScamTypes []knowledge.ScamType `json:"scam_types"`
	}
	if err := json.Unmarshal(body, &resp); err != nil {
		t.Fatal(err)
	}
	got := map[string]knowledge.ScamType{}
	for _, s := range resp.ScamTypes {
		got[s.ID] = s
	}
	for _, id := range []string{"fake_customer_service", "deposit_scam", "cod_switch", "off_platform_payment", "personal_info_harvest",
		"phishing", "fake_shop", "order_brushing", "fake_logistics_compensation", "loan_or_credit", "impersonate_authority",
		"impersonate_acquaintance", "fake_investment"} {
		if s, ok := got[id]; !ok || s.Name.ZH == "" || s.Name.EN == "" {
			t.Errorf("scam type %s missing or without both names: %+v", id, s.Name)
		}
	}
	st, _, body = ts.do(t, "GET", "/api/v1/knowledge/scam-types/deposit_scam", "", nil)
	if st != 200 || !strings.Contains(string(body), `"id":"deposit_scam"`) {
		t.Errorf("one type: %d %s", st, body)
	}
	st, _, body = ts.do(t, "GET", "/api/v1/knowledge/scam-types/nope", "", nil)
	if st != 404 || errorOf(t, body).Code != shopguard.ENOTFOUND {
		t.Errorf("unknown type: %d %s", st, body)
	}
}

func TestOperatorEndpointNeedsCredentials(t *testing.T) {
	ts := newTestServer(t, nil)
	admin := ts.mustKey(t, "root", shopguard.RoleAdmin, shopguard.ScopeAdmin)
	user := ts.mustKey(t, "plain", shopguard.RoleUser, shopguard.ScopeCheck)
	checkOnlyAdmin := ts.mustKey(t, "root2", shopguard.RoleAdmin, shopguard.ScopeCheck)

	st, _, body := ts.do(t, "GET", "/api/v1/admin/users", "", nil)
	if st != 401 || errorOf(t, body).Code != shopguard.EUNAUTHORIZED {
		t.Errorf("anonymous: %d %s", st, body)
	}
	for name, key := range map[string]string{"user": user, "admin key without admin scope": checkOnlyAdmin} {
		st, _, body = ts.do(t, "GET", "/api/v1/admin/users", "", map[string]string{"Authorization": "Bearer " + key})
		if st != 403 || errorOf(t, body).Code != shopguard.EFORBIDDEN {
			t.Errorf("%s: %d %s", name, st, body)
		}
	}
	st, _, body = ts.do(t, "GET", "/api/v1/admin/users", "", map[string]string{"Authorization": "Bearer " + admin})
	if st != 200 || !strings.Contains(string(body), `"name":"plain"`) || strings.Contains(string(body), "argon2") {
		t.Errorf("admin: %d %s", st, body)
	}
	st, _, body = ts.do(t, "GET", "/api/v1/admin/users", "", map[string]string{"Authorization": "Bearer sg_bogus"})
	if st != 401 {
		t.Errorf("bogus key: %d %s", st, body)
	}
	// An admin makes an account through the API; bad fields are named.
	st, _, body = ts.do(t, "POST", "/api/v1/admin/users", `{"name":"mod1","role":"moderator","password":"long enough pw"}`, map[string]string{"Authorization": "Bearer " + admin})
	if st != 201 {
		t.Errorf("create user: %d %s", st, body)
	}
	st, _, body = ts.do(t, "POST", "/api/v1/admin/users", `{"name":"mod2","role":"king","password":"long enough pw"}`, map[string]string{"Authorization": "Bearer " + admin})
	if st != 400 || errorOf(t, body).Field != "role" {
		t.Errorf("bad role: %d %s", st, body)
	}
}

func TestKeysLifecycle(t *testing.T) {
	ts := newTestServer(t, nil)
	mod := ts.mustKey(t, "mod", shopguard.RoleModerator, shopguard.ScopeCheck, shopguard.ScopeModerate, shopguard.ScopeKeys)
	auth := map[string]string{"Authorization": "Bearer " + mod}
	st, _, body := ts.do(t, "POST", "/api/v1/keys", `{"name":"bot","scopes":["admin"]}`, auth)
	if st != 403 {
		t.Errorf("moderator minting an admin key: %d %s", st, body)
	}
	st, _, body = ts.do(t, "POST", "/api/v1/keys", `{"name":"bot","scopes":["check"]}`, auth)
	var made struct {
		Key string `json:"key"`
		ID  int64  `json:"id"`
	}
	if st != 201 || json.Unmarshal(body, &made) != nil || made.Key == "" {
		t.Fatalf("create key: %d %s", st, body)
	}
	if st, _, _ := ts.do(t, "GET", "/api/v1/me", "", map[string]string{"Authorization": "Bearer " + made.Key}); st != 200 {
		t.Fatalf("new key does not work: %d", st)
	}
	if st, _, body := ts.do(t, "DELETE", "/api/v1/keys/"+itoa(made.ID), "", auth); st != 204 {
		t.Fatalf("revoke: %d %s", st, body)
	}
	if st, _, _ := ts.do(t, "GET", "/api/v1/me", "", map[string]string{"Authorization": "Bearer " + made.Key}); st != 401 {
		t.Fatalf("revoked key still works: %d", st)
	}
}

func itoa(i int64) string { b, _ := json.Marshal(i); return string(b) }

func TestBadInputIsNamed(t *testing.T) {
	ts := newTestServer(t, nil)
	cases := []struct {
		body, field string
		status      int
	}{
		{`{"name":"x","password":"y","extra":1}`, "extra", 400},
		{`{"name":5,"password":"y"}`, "name", 400},
		{`{"name":"x"`, "", 400},
		{``, "", 400},
		{`{"name":"x","password":"` + strings.Repeat("a", 2<<20) + `"}`, "", 413},
	}
	for _, c := range cases {
		st, _, body := ts.do(t, "POST", "/api/v1/auth/login", c.body, nil)
		if st != c.status || errorOf(t, body).Field != c.field {
			t.Errorf("body %.40q: got %d %s, want %d with field %q", c.body, st, body, c.status, c.field)
		}
	}
}

func TestRateLimit(t *testing.T) {
	ts := newTestServer(t, func(c *shttp.Config) { c.RateAnon = 1 })
	var last int
	var hdr http.Header
	for range 10 {
		last, hdr, _ = ts.do(t, "GET", "/api/v1/knowledge", "", nil)
		if last == 429 {
			break
		}
	}
	if last != 429 || hdr.Get("Retry-After") == "" {
		t.Fatalf("after a burst: status %d Retry-After %q, want 429 with Retry-After", last, hdr.Get("Retry-After"))
	}
	if st, _, _ := ts.do(t, "GET", "/healthz", "", nil); st != 200 {
		t.Errorf("health checks must not be limited: %d", st)
	}
}

func TestCrossOriginPostRefused(t *testing.T) {
	ts := newTestServer(t, nil)
	st, _, body := ts.do(t, "POST", "/api/v1/auth/login", `{"name":"a","password":"b"}`,
		map[string]string{"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"})
	if st != 403 {
		t.Fatalf("cross-site POST: %d %s", st, body)
	}
}

func TestHTMLErrorPageAndLanguage(t *testing.T) {
	ts := newTestServer(t, nil)
	st, hdr, body := ts.do(t, "GET", "/learn/no_such_type", "", map[string]string{"Accept": "text/html", "Accept-Language": "en-US,en;q=0.9"})
	if st != 404 || !strings.HasPrefix(hdr.Get("Content-Type"), "text/html") || !strings.Contains(string(body), "Something went wrong") {
		t.Fatalf("HTML 404: %d %s\n%s", st, hdr.Get("Content-Type"), body)
	}
	_, _, body = ts.do(t, "GET", "/learn", "", map[string]string{"Accept-Language": "zh-CN,zh;q=0.9"})
	if !strings.Contains(string(body), `<html lang="zh-CN">`) || !strings.Contains(string(body), "识别网购诈骗") {
		t.Errorf("zh page not in Chinese")
	}
	_, _, body = ts.do(t, "GET", "/learn", "", map[string]string{"Accept-Language": "en"})
	if !strings.Contains(string(body), `<html lang="en">`) || !strings.Contains(string(body), "Recognise online shopping scams") {
		t.Errorf("en page not in English")
	}
}

func TestLanguageSwitcherAndLogin(t *testing.T) {
	ts := newTestServer(t, nil)
	if _, err := ts.auth.CreateUser(context.Background(), "op", shopguard.RoleModerator, "operator password"); err != nil {
		t.Fatal(err)
	}
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	resp, err := c.Get(ts.URL + "/lang/en?next=/learn")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.Request.URL.Path != "/learn" || !strings.Contains(string(b), "Recognise online shopping scams") {
		t.Fatalf("switcher did not land on /learn in English: %s", resp.Request.URL)
	}
	if resp, _ := c.Get(ts.URL + "/lang/en?next=//evil.example/"); resp.Request.URL.Host != strings.TrimPrefix(ts.URL, "http://") {
		t.Fatalf("open redirect to %s", resp.Request.URL)
	}
	resp, err = c.Get(ts.URL + "/admin")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Request.URL.Path != "/login" {
		t.Fatalf("anonymous /admin went to %s, want /login", resp.Request.URL.Path)
	}
	resp, err = c.PostForm(ts.URL+"/login", url.Values{"name": {"op"}, "password": {"wrong password"}, "next": {"/admin"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Fatalf("bad password: %d", resp.StatusCode)
	}
	resp, err = c.PostForm(ts.URL+"/login", url.Values{"name": {"op"}, "password": {"operator password"}, "next": {"/admin"}})
	if err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Request.URL.Path != "/admin" || !strings.Contains(string(b), "My API keys") {
		t.Fatalf("after login: %d %s", resp.StatusCode, resp.Request.URL)
	}
	for _, ck := range jar.Cookies(resp.Request.URL) {
		if ck.Name == "sg_session" && ck.Value == "" {
			t.Fatal("empty session cookie")
		}
	}
}

func TestLogsHoldNoIdentifiers(t *testing.T) {
	ts := newTestServer(t, nil)
	ts.do(t, "GET", "/api/v1/knowledge/scam-types/13812345678", "", nil)
	ts.do(t, "GET", "/learn?phone=13912345678", "", nil)
	if l := ts.logs.String(); strings.Contains(l, "13812345678") || strings.Contains(l, "13912345678") || !strings.Contains(l, "route=") {
		t.Fatalf("logs leak an identifier or log nothing:\n%s", l)
	}
}

func TestOpenAPICoversRoutes(t *testing.T) {
	ts := newTestServer(t, nil)
	st, _, body := ts.do(t, "GET", "/api/v1/openapi.json", "", nil)
	if st != 200 {
		t.Fatal(st)
	}
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	for _, r := range ts.srv.Routes() {
		method, path, ok := strings.Cut(r, " ")
		if !ok || !strings.HasPrefix(path, "/api/") {
			continue
		}
		if _, ok := doc.Paths[path][strings.ToLower(method)]; !ok {
			t.Errorf("route %s has no entry in openapi.json", r)
		}
	}
}

// The guide shows every legal source with where to read it, its version and when it was last
// checked, and what to confirm where the project could not check a point.
func TestGuideShowsLegalSources(t *testing.T) {
	ts := newTestServer(t, nil)
	_, _, body := ts.do(t, "GET", "/learn", "", map[string]string{"Accept-Language": "en"})
	for _, want := range []string{`id="source-arbitration_law_27"`, `href="https://flk.npc.gov.cn/"`, "2025 revision", "Last checked: 2026-12-04", "Please confirm: The project has not yet checked the new measures"} {
		if !strings.Contains(string(body), want) {
			t.Errorf("/learn in English lacks %q", want)
		}
	}
	_, _, body = ts.do(t, "GET", "/learn", "", map[string]string{"Accept-Language": "zh-CN"})
	if !strings.Contains(string(body), "国家市场监督管理总局令第121号") || !strings.Contains(string(body), "最近核对") {
		t.Errorf("/learn in Chinese lacks the complaint measures' version or check date")
	}
}
