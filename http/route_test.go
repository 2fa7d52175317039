package http_test

import (
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

// A request that a literal route takes is one the mux would give the same route: every
// route's path, its wildcards filled in, with its method and with the others.
func TestLiteralRoutesAreTheMuxs(t *testing.T) {
	ts := newTestServer(t, nil)
	wild := regexp.MustCompile(`\{[^}]*\}`)
	literals := 0
	for _, pattern := range ts.srv.Routes() {
		_, path, _ := strings.Cut(pattern, " ")
		path = strings.ReplaceAll(wild.ReplaceAllString(path, "x1"), "x1$", "")
		for _, m := range []string{"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS"} {
			for _, p := range []string{path, path + "/", strings.TrimSuffix(path, "/")} {
				if p == "" {
					continue
				}
				lit, mux := ts.srv.RoutePatterns(httptest.NewRequest(m, p, nil))
				if lit != "" {
					literals++
					if lit != mux {
						t.Errorf("%s %s: literal route %q, the mux's %q", m, p, lit, mux)
					}
				}
			}
		}
	}
	if literals < 50 {
		t.Errorf("%d requests went to a literal route", literals)
	}
	// An escaped slash is the mux's to judge: not the route of the unescaped path.
	if lit, _ := ts.srv.RoutePatterns(httptest.NewRequest("POST", "/api/v1/check%2Furl", nil)); lit != "" {
		t.Errorf("escaped path: literal route %q", lit)
	}
	st, _, _ := ts.do(t, "POST", "/api/v1/check%2Furl", `{"url":"example.com"}`, nil)
	if st != 404 {
		t.Errorf("POST /api/v1/check%%2Furl = %d, want 404", st)
	}
	st, _, body := ts.do(t, "POST", "/api/v1/check/url", `{"url":"example.com"}`, nil)
	if st != 200 {
		t.Errorf("POST /api/v1/check/url = %d %s", st, body)
	}
}
