package http_test

import (
	"context"
	"encoding/json"
	"maps"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/auth"
	"github.com/shopguard/shopguard/postgres"
	"github.com/shopguard/shopguard/storetest"
)

// hostile are the values the suite puts in every text field: no answer may be a 500.
var hostile = map[string]string{
	"NUL":           "a\x00b",
	"invalid UTF-8": "a\xff\xfeb",
	"overlong":      strings.Repeat("长", 100_000),
	"control":       "a\x01\x1b[31m\x7f\u0085\u202eb",
	"mixed scripts": "аррle.com 支付宝 ١٢٣ 𝔭𝔞𝔶",
}

// jsonSamples is a valid body of each JSON route; the suite replaces each string in it, one
// at a time, with each hostile value. A JSON route without a sample is still called with
// {"x": value}.
var jsonSamples = map[string]string{
	"POST /api/v1/check/listing":                `{"price":"199.00","reference_price":"999.00","currency":"CNY","payee_name":"王","seller_name":"店","refuses":["escrow"]}`,
	"POST /api/v1/check/url":                    `{"url":"https://example.com/a","lang":"en"}`,
	"POST /api/v1/scan":                         `{"id":"1","text":"加我微信 pay a deposit","messages":[{"from":"them","text":"hi"}],"lang":"en"}`,
	"POST /api/v1/reports":                      `{"scam_type":"deposit_scam","identifiers":[{"kind":"phone","value":"13812345678"}],"platform":"xianyu","amount":"1.00","currency":"CNY","occurred_on":"2026-11-01","narrative":"n","evidence":[{"name":"a.txt","content_base64":"aGVsbG8="}]}`,
	"POST /api/v1/reports/{id}/decision":        `{"action":"confirm","reason":"r"}`,
	"POST /api/v1/reports/{id}/info":            `{"text":"t","evidence":[{"name":"a.txt","content_base64":"aGVsbG8="}]}`,
	"POST /api/v1/feedback":                     `{"kind":"phone","value":"13812345678","comment":"c"}`,
	"POST /api/v1/appeals":                      `{"kind":"phone","value":"13812345678","reason":"r","contact":"c","method":"review"}`,
	"POST /api/v1/appeals/{id}/decision":        `{"uphold":true,"reason":"r"}`,
	"POST /api/v1/auth/login":                   `{"name":"hostile-admin","password":"p"}`,
	"POST /api/v1/keys":                         `{"name":"k","scopes":["check"]}`,
	"POST /api/v1/admin/users":                  `{"name":"n","role":"user","password":"p"}`,
	"PUT /api/v1/admin/users/{id}/role":         `{"role":"moderator"}`,
	"POST /api/v1/cases":                        `{"lang":"en","triage":{"what":"w","platform":"p","site_url":"https://x.example","counterparty":"c","seller_location":"l","order_ref":"o","paid_on":"2026-11-01","noticed_on":"2026-11-02"}}`,
	"PUT /api/v1/cases/{id}/triage":             `{"what":"w","platform":"p","counterparty":"c","order_ref":"o","paid_on":"2026-11-01"}`,
	"PUT /api/v1/cases/{id}/channels/{channel}": `{"state":"submitted","reference":"r","notes":"n","follow_up":"2026-12-30"}`,
	"POST /api/v1/cases/{id}/report":            `{"consent":true,"scam_type":"deposit_scam","identifiers":[{"kind":"phone","value":"13812345678"}]}`,
}

// formFields are sent, all at once, to every form route with the hostile value.
var formFields = []string{"name", "password", "next", "text", "narrative", "reason", "comment", "kind", "value", "scam_type", "platform",
	"amount", "currency", "occurred_on", "contact", "method", "url", "price", "reference_price", "seller_name", "payee_name", "what",
	"counterparty", "order_ref", "state", "reference", "notes", "follow_up", "action", "merge_into", "token", "key", "lang", "consent", "identifiers"}

// TestHostileInputSQLite and TestHostileInputPostgres run the hostile-input suite on each
// engine.
func TestHostileInputSQLite(t *testing.T) { hostileSuite(t, newIntelServer(t)) }

func TestHostileInputPostgres(t *testing.T) {
	dsn := storetest.PostgresDSN(t)
	store, err := postgres.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	ts := newTestServerOn(t, store, nil)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	if err := ts.srv.StartIntel(ctx); err != nil {
		t.Fatal(err)
	}
	hostileSuite(t, ts)
}

// hostileSuite sends every hostile value in every path wildcard, a query, every form field and
// every string of every JSON sample of every route, as an admin holding the case's key, and
// fails on any 500.
func hostileSuite(t *testing.T, ts *testServer) {
	if testing.Short() && os.Getenv("CI") == "" {
		t.Skip("the hostile-input suite is long; it runs without -short")
	}
	ctx := context.Background()
	admin, err := ts.auth.CreateUser(ctx, "hostile-admin", shopguard.RoleAdmin, "hostile admin password")
	if err != nil {
		t.Fatal(err)
	}
	st, _, body := ts.do(t, "POST", "/api/v1/reports", `{"scam_type":"deposit_scam","identifiers":[{"kind":"phone","value":"13812345678"}],"narrative":"n"}`, nil)
	if st != 201 {
		t.Fatalf("report = %d %s", st, body)
	}
	reportID := jsonID(t, body)
	st, _, body = ts.do(t, "POST", "/api/v1/appeals", `{"kind":"phone","value":"13812345678","reason":"mine"}`, nil)
	if st != 201 {
		t.Fatalf("appeal = %d %s", st, body)
	}
	appealID := jsonID(t, body)
	session := ""
	creds := func(route, caseKey string) map[string]string {
		if session == "" || strings.Contains(route, "logout") {
			session = newSession(t, ts, admin)
		}
		h := map[string]string{"Cookie": "sg_session=" + session}
		if caseKey != "" {
			h["Authorization"] = "Bearer " + caseKey
		}
		return h
	}
	// one case serves every call but those that delete it
	sharedID, sharedKey := createCase(t, ts, `{"triage":{}}`, nil)
	fresh := func(pattern string) (string, string) {
		switch {
		case !strings.Contains(pattern, "/cases/{id}"):
			return "", ""
		case strings.HasSuffix(pattern, "/delete"), strings.HasPrefix(pattern, "DELETE") && strings.HasSuffix(pattern, "{id}"):
			return createCase(t, ts, `{"triage":{}}`, nil)
		}
		return sharedID, sharedKey
	}
	calls, fails := 0, 0
	send := func(route, method, path, ctype, body, caseKey, what string) {
		calls++
		st, _, b := call(t, ts, method, path, ctype, body, creds(route, caseKey))
		if st == 500 {
			fails++
			t.Errorf("%s with %s (%s): 500 %.200s", route, what, ctype, b)
		}
	}
	for _, route := range ts.srv.Routes() {
		method, pattern, ok := strings.Cut(route, " ")
		if !ok {
			method, pattern = "GET", route
		}
		for what, bad := range hostile {
			// path wildcards and a query
			id, key := fresh(route)
			path := fillPath(pattern, id, reportID, appealID, strings.Repeat("ab", 32))
			for _, w := range []string{"{kind}", "{value}", "{prefix}", "{file}", "{channel}", "{lang}", "{seq}", "{sha}"} {
				if strings.Contains(pattern, w) {
					p := fillPath(strings.Replace(pattern, w, url.PathEscape(bad[:min(len(bad), 4000)]), 1), id, reportID, appealID, strings.Repeat("ab", 32))
					send(route, method, p, "application/json", "", key, what+" in "+w)
				}
			}
			q := url.Values{"next": {bad}, "kind": {"phone"}, "value": {bad}, "q": {bad}, "lang": {bad}, "status": {bad}, "after": {bad}, "subject": {bad}}
			send(route, method, path+"?"+q.Encode(), "application/json", "", key, what+" in the query")
			if method == "GET" || method == "DELETE" {
				continue
			}
			// a form with every field
			form := url.Values{}
			for _, f := range formFields {
				form.Set(f, bad)
			}
			id, key = fresh(route)
			send(route, method, fillPath(pattern, id, reportID, appealID, ""), "application/x-www-form-urlencoded", form.Encode(), key, what+" in a form")
			// JSON: each string of the sample in turn
			sample, ok := jsonSamples[route]
			if !ok {
				b, _ := json.Marshal(map[string]string{"x": bad})
				id, key = fresh(route)
				send(route, method, fillPath(pattern, id, reportID, appealID, ""), "application/json", string(b), key, what+" in JSON")
				continue
			}
			var v any
			if err := json.Unmarshal([]byte(sample), &v); err != nil {
				t.Fatalf("sample of %s: %v", route, err)
			}
			for i := 0; ; i++ {
				mutated, ok := replaceString(v, i, bad)
				if !ok {
					break
				}
				b, _ := json.Marshal(mutated)
				id, key = fresh(route)
				send(route, method, fillPath(pattern, id, reportID, appealID, ""), "application/json", string(b), key, what+" in JSON string "+itoa(int64(i)))
			}
		}
	}
	t.Logf("%d hostile requests, %d answered 500", calls, fails)
	if strings.Contains(ts.logs.String(), "level=ERROR msg=panic") {
		t.Errorf("a handler panicked")
	}
}

// replaceString returns a copy of v with its i-th string (in a fixed walk order) replaced by
// s, and false when v has no i-th string.
func replaceString(v any, i int, s string) (any, bool) {
	n := 0
	var walk func(v any) any
	done := false
	walk = func(v any) any {
		switch x := v.(type) {
		case string:
			if n == i {
				done = true
				n++
				return s
			}
			n++
			return x
		case []any:
			out := make([]any, len(x))
			for j, e := range x {
				out[j] = walk(e)
			}
			return out
		case map[string]any:
			out := map[string]any{}
			for _, k := range sortedKeys(x) {
				out[k] = walk(x[k])
			}
			return out
		}
		return v
	}
	out := walk(v)
	return out, done
}

func sortedKeys(m map[string]any) []string { return slices.Sorted(maps.Keys(m)) }

// newSession signs u in (straight in the store, no password hashing) and returns the token.
func newSession(t *testing.T, ts *testServer, u *shopguard.User) string {
	t.Helper()
	tok := auth.NewToken()
	now := time.Now()
	if err := ts.srv.Store.CreateSession(context.Background(), &shopguard.Session{TokenHash: auth.HashToken(tok), UserID: u.ID, CreatedAt: now, ExpiresAt: now.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	return tok
}
