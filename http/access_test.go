package http_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/auth"
	shttp "github.com/shopguard/shopguard/http"
)

// principal is one kind of caller of the matrix: headers made afresh for each call (so a
// route that signs out or revokes spends only its own credentials), given the case of the
// path (empty for routes without one) and another case.
type principal struct {
	name    string
	headers func(t *testing.T, caseKey, otherKey string) map[string]string
}

// outcome is how a call ended, as the matrix compares it.
type outcome string

const (
	allowed   outcome = "allowed"    // the route ran: any status but the ones below
	toSignIn  outcome = "401"        // 401, or a page's redirect to the sign-in page
	forbidden outcome = "403"        // 403
	noCase    outcome = "404 (case)" // a case route that does not open the case
)

// expect is what the table says principal p gets from a route with row a.
func expect(a shttp.AccessRow, p string) outcome {
	if p == "revoked key" {
		return toSignIn // refused before any route
	}
	if a.CaseHolder {
		if p == "right case key" {
			return allowed
		}
		return noCase
	}
	if a.Scope == "" {
		return allowed
	}
	role := map[string]shopguard.Role{"user": shopguard.RoleUser, "moderator": shopguard.RoleModerator, "admin": shopguard.RoleAdmin, "check-only key": shopguard.RoleAdmin}[p]
	switch {
	case role == "" && a.Anonymous:
		return allowed
	case role == "":
		return toSignIn // anonymous, an expired session, case keys
	case !role.AtLeast(shopguard.ScopeRole(a.Scope)):
		return forbidden
	case p == "check-only key" && a.Scope != shopguard.ScopeCheck:
		return forbidden
	}
	return allowed
}

// TestAccessMatrix calls every route as every kind of caller and compares each answer with
// the authorisation table; a route without a row fails it, and so does any 500.
func TestAccessMatrix(t *testing.T) {
	ts := newIntelServer(t)
	ctx := context.Background()
	store := ts.srv.Store
	users := map[string]*shopguard.User{}
	for _, r := range []shopguard.Role{shopguard.RoleUser, shopguard.RoleModerator, shopguard.RoleAdmin} {
		u, err := ts.auth.CreateUser(ctx, "matrix-"+string(r), r, "password for "+string(r))
		if err != nil {
			t.Fatal(err)
		}
		users[string(r)] = u
	}
	session := func(t *testing.T, u *shopguard.User, expires time.Time) map[string]string {
		tok := auth.NewToken()
		if err := store.CreateSession(ctx, &shopguard.Session{TokenHash: auth.HashToken(tok), UserID: u.ID, CreatedAt: expires.Add(-time.Hour), ExpiresAt: expires}); err != nil {
			t.Fatal(err)
		}
		return map[string]string{"Cookie": "sg_session=" + tok}
	}
	n := 0
	key := func(t *testing.T, revoke bool, scopes ...shopguard.Scope) map[string]string {
		// each key has an admin of its own, as an account holds at most auth.MaxKeys keys
		n++
		u := &shopguard.User{Name: fmt.Sprint("matrix-key-", n), Role: shopguard.RoleAdmin, PasswordHash: "-"}
		if err := store.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		k, rec, err := ts.auth.CreateAPIKey(ctx, u, "matrix", scopes)
		if err != nil {
			t.Fatal(err)
		}
		if revoke {
			if err := store.RevokeAPIKey(ctx, rec.ID, time.Now()); err != nil {
				t.Fatal(err)
			}
		}
		return bearer(k)
	}
	later := time.Now().Add(time.Hour)
	principals := []principal{
		{"anonymous", func(*testing.T, string, string) map[string]string { return nil }},
		{"user", func(t *testing.T, _, _ string) map[string]string { return session(t, users["user"], later) }},
		{"moderator", func(t *testing.T, _, _ string) map[string]string { return session(t, users["moderator"], later) }},
		{"admin", func(t *testing.T, _, _ string) map[string]string { return session(t, users["admin"], later) }},
		{"check-only key", func(t *testing.T, _, _ string) map[string]string {
			return key(t, false, shopguard.ScopeCheck)
		}},
		{"revoked key", func(t *testing.T, _, _ string) map[string]string {
			return key(t, true, shopguard.Scopes...)
		}},
		{"expired session", func(t *testing.T, _, _ string) map[string]string {
			return session(t, users["admin"], time.Now().Add(-time.Minute))
		}},
		{"another case's key", func(_ *testing.T, _, other string) map[string]string { return bearer(other) }},
		{"right case key", func(_ *testing.T, own, _ string) map[string]string { return bearer(own) }},
	}

	// What the paths name: a report with a file, an appeal, a case with a file per call.
	pdf := testPDF
	sum := sha256.Sum256(pdf)
	sha := hex.EncodeToString(sum[:])
	st, _, body := ts.do(t, "POST", "/api/v1/reports", `{"scam_type":"deposit_scam","identifiers":[{"kind":"phone","value":"13812345678"}],"narrative":"asked for a deposit","evidence":[{"name":"chat.pdf","content_base64":"`+base64.StdEncoding.EncodeToString(pdf)+`"}]}`, nil)
	if st != 201 {
		t.Fatalf("report = %d %s", st, body)
	}
	reportID := jsonID(t, body)
	st, _, body = ts.do(t, "POST", "/api/v1/appeals", `{"kind":"phone","value":"13812345678","reason":"mine"}`, nil)
	if st != 201 {
		t.Fatalf("appeal = %d %s", st, body)
	}
	appealID := jsonID(t, body)
	_, otherKey := createCase(t, ts, `{"triage":{}}`, nil)

	for _, route := range ts.srv.Routes() {
		row, ok := shttp.AccessOf(route)
		if !ok {
			t.Errorf("route %q has no row in the authorisation table (http/access.go accessTable)", route)
			continue
		}
		method, pattern, _ := strings.Cut(route, " ")
		if pattern == "" {
			method, pattern = "GET", route
		}
		for _, p := range principals {
			caseID, caseKey := "", ""
			if strings.Contains(pattern, "/cases/{id}") {
				caseID, caseKey = createCase(t, ts, `{"triage":{}}`, nil)
				if st, b := upload(t, ts, caseID, caseKey, "a.pdf", "", pdf); st != 201 {
					t.Fatalf("upload = %d %s", st, b)
				}
			}
			path := fillPath(pattern, caseID, reportID, appealID, sha)
			ctype, body := "application/json", ""
			switch {
			case route == "POST /api/v1/auth/login":
				body = `{"name":"matrix-user","password":"password for user"}`
			case route == "POST /login":
				ctype, body = "application/x-www-form-urlencoded", "name=matrix-user&password=password+for+user"
			case method != "GET" && method != "DELETE":
				body = "{}"
			}
			st, h, b := call(t, ts, method, path, ctype, body, p.headers(t, caseKey, otherKey))
			got := allowed
			switch {
			case st == http.StatusInternalServerError:
				t.Errorf("%s as %s: 500 %s", route, p.name, b)
				continue
			case st == http.StatusUnauthorized, st == http.StatusSeeOther && strings.HasPrefix(h.Get("Location"), "/login?next="):
				got = toSignIn
			case st == http.StatusForbidden:
				got = forbidden
			case st == http.StatusNotFound && row.CaseHolder:
				got = noCase
			}
			if want := expect(row, p.name); got != want {
				t.Errorf("%s %s as %s: got %s (%d %.200s), the table says %s", method, path, p.name, got, st, b, want)
			}
		}
	}
}

// fillPath puts values for the path's wildcards.
func fillPath(pattern, caseID string, reportID, appealID int64, sha string) string {
	id := "999999"
	switch {
	case strings.Contains(pattern, "/cases/{id}"):
		id = caseID
	case strings.Contains(pattern, "/reports/{id}"):
		id = fmt.Sprint(reportID)
	case strings.Contains(pattern, "/appeals/{id}"):
		id = fmt.Sprint(appealID)
	case strings.Contains(pattern, "/learn/{id}"), strings.Contains(pattern, "/scam-types/{id}"):
		id = "deposit_scam"
	}
	return strings.NewReplacer("{id}", id, "{kind}", "phone", "{value}", "13812345678", "{prefix}", "abcdef12",
		"{seq}", "1", "{file}", "police_report.md", "{channel}", "police", "{lang}", "en", "{sha}", sha,
		"{$}", "", "{token}", "not-the-token").Replace(pattern)
}

// jsonID reads the "id" of a JSON answer.
func jsonID(t *testing.T, body []byte) int64 {
	t.Helper()
	var v struct{ ID int64 }
	if err := json.Unmarshal(body, &v); err != nil || v.ID == 0 {
		t.Fatalf("no id in %s", body)
	}
	return v.ID
}

// call sends one request without following redirects.
func call(t *testing.T, ts *testServer, method, path, ctype, body string, hdr map[string]string) (int, http.Header, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, ts.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", ctype)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	c := *ts.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, b
}
