package http

import (
	"context"
	"net/http"
	"time"

	"github.com/shopguard/shopguard"
)

// AccessRow is a route's row of the authorisation table, for the matrix test.
type AccessRow struct {
	Scope      shopguard.Scope
	Page       bool
	CaseHolder bool
	Anonymous  bool
}

// AccessOf returns the row of pattern and whether it has one.
func AccessOf(pattern string) (AccessRow, bool) {
	a, ok := accessTable[pattern]
	return AccessRow{Scope: a.scope, Page: a.page, CaseHolder: a.caseHolder, Anonymous: a.anonymous}, ok
}

// ShareRatesNow turns on sharing the rate limits with the other nodes and shares them at once.
func (s *Server) ShareRatesNow(ctx context.Context) error {
	s.limits.share()
	s.disk.share()
	return s.shareRatesOnce(ctx, time.Now())
}

// PackageBuilds returns how many evidence packages the server has built.
func (s *Server) PackageBuilds() int64 { return s.packages.builds.Load() }

// FillWork takes every slot of the scan and build budgets, as a crowd of expensive requests
// would, until release is called.
func (s *Server) FillWork() (release func()) {
	var releases []func()
	for _, g := range []interface {
		Enter(context.Context) (func(), error)
		Busy() int
	}{s.scanGate, s.buildGate} {
		for {
			r, err := g.Enter(context.Background())
			if err != nil {
				break
			}
			releases = append(releases, r)
		}
	}
	return func() {
		for _, r := range releases {
			r()
		}
	}
}

// RoutePatterns returns the pattern of r's literal route ("" when it has none) and the
// pattern the mux chooses for r.
func (s *Server) RoutePatterns(r *http.Request) (literal, mux string) {
	_, mux = s.mux.Handler(r)
	if lr, ok := s.literal[r.Method+" "+r.URL.Path]; ok && r.URL.RawPath == "" {
		literal = lr.pattern
	}
	return literal, mux
}
