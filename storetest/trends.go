package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/shopguard/shopguard"
)

func testReportFacts(t *testing.T, s shopguard.Store) {
	ctx := context.Background()
	before := time.Now().Add(-time.Second)
	r1 := MustReport(t, s, 0, testPhone)
	MustReport(t, s, 0, testQQ)
	if _, err := s.DecideReport(ctx, shopguard.Decision{ReportID: r1.ID, Action: shopguard.ActionConfirm, ModeratorID: MustUser(t, s, "mod", shopguard.RoleModerator).ID, Reason: "matches other reports"}, time.Now()); err != nil {
		t.Fatalf("DecideReport: %v", err)
	}
	facts, err := s.ReportFacts(ctx, before)
	if err != nil || len(facts) != 2 {
		t.Fatalf("ReportFacts = %v, %v; want 2", facts, err)
	}
	f := facts[0]
	if f.Status != shopguard.ReportConfirmed || f.ScamType != "deposit_scam" || f.Platform != "xianyu" || f.Amount != "300.00" || f.Currency != "CNY" || f.CreatedAt.Before(before) {
		t.Fatalf("first fact = %+v", f)
	}
	if facts, err := s.ReportFacts(ctx, time.Now().Add(time.Hour)); err != nil || len(facts) != 0 {
		t.Fatalf("facts from the future = %v, %v", facts, err)
	}
}
