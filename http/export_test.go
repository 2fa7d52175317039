package http

import (
	"context"
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
