package intel

import (
	"testing"
	"time"

	"github.com/shopguard/shopguard"
)

func TestComputeTrends(t *testing.T) {
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC) // a Friday
	since := now.AddDate(0, 0, -21)
	day := func(d int) time.Time { return now.AddDate(0, 0, -d) }
	facts := []shopguard.ReportFact{
		{CreatedAt: day(20), Status: shopguard.ReportConfirmed, ScamType: "deposit_scam", Platform: "xianyu", Amount: "300.00", Currency: "CNY"},
		{CreatedAt: day(2), Status: shopguard.ReportPending, ScamType: "deposit_scam", Platform: "xianyu", Amount: "150.50", Currency: "CNY"},
		{CreatedAt: day(1), Status: shopguard.ReportPending, ScamType: "phishing", Amount: "20", Currency: "USD"},
		{CreatedAt: day(1), Status: shopguard.ReportRejected, ScamType: "phishing", Amount: "999", Currency: "CNY"},
		{CreatedAt: day(1), Status: shopguard.ReportMerged, ScamType: "deposit_scam", Amount: "999", Currency: "CNY"},
		{CreatedAt: day(30), Status: shopguard.ReportConfirmed, ScamType: "fake_shop"},
	}
	tr := ComputeTrends(facts, since, now)
	if tr.Reports != 3 || tr.Confirmed != 1 {
		t.Fatalf("totals %d/%d, want 3 reports, 1 confirmed", tr.Reports, tr.Confirmed)
	}
	if len(tr.Lost) != 2 || tr.Lost[0] != (Money{"CNY", "450.50"}) || tr.Lost[1] != (Money{"USD", "20.00"}) {
		t.Errorf("lost = %v", tr.Lost)
	}
	if len(tr.ScamTypes) != 2 || tr.ScamTypes[0].Key != "deposit_scam" || tr.ScamTypes[0].Reports != 2 || tr.ScamTypes[0].Confirmed != 1 {
		t.Errorf("scam types = %+v", tr.ScamTypes)
	}
	if len(tr.Platforms) != 2 || tr.Platforms[0].Key != "xianyu" || tr.Platforms[1].Key != "" {
		t.Errorf("platforms = %+v", tr.Platforms)
	}
	// Four weeks from the Monday before `since` to this week, empty ones included.
	if len(tr.Weeks) != 4 || tr.Weeks[0].Start.Weekday() != time.Monday || tr.Weeks[0].Reports != 1 || tr.Weeks[1].Reports != 0 || tr.Weeks[3].Reports != 2 {
		t.Errorf("weeks = %+v", tr.Weeks)
	}
}
