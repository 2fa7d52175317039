package intel_test

import (
	"testing"
	"time"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/intel"
)

var (
	phone = shopguard.Identifier{Kind: shopguard.KindPhone, Value: "+8613812345678"}
	day0  = time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
)

// report makes a counting report by a reporter (0: anonymous) from a network.
func report(id, reporter int64, source string, trust shopguard.Trust, status shopguard.ReportStatus) *shopguard.Report {
	return &shopguard.Report{
		ID: id, Status: status, ScamType: "deposit_scam", Identifiers: []shopguard.Identifier{phone},
		Amount: "300.00", Currency: "CNY", ReporterID: reporter, Source: source, Trust: trust,
		CreatedAt: day0.Add(time.Duration(id) * time.Minute),
	}
}

func riskOf(r *shopguard.Reputation) shopguard.Risk { return shopguard.RiskOf(r.Score) }

func TestOneReporterFiftyReportsStaysSuspicious(t *testing.T) {
	var reports []*shopguard.Report
	for i := range 50 {
		reports = append(reports, report(int64(i+1), 7, "net-a", shopguard.TrustTrusted, shopguard.ReportPending))
	}
	rep := intel.Score(intel.Inputs{Identifier: phone, Reports: reports})
	if rep.Reports != 50 || rep.Reporters != 1 {
		t.Fatalf("reports/reporters = %d/%d, want 50/1", rep.Reports, rep.Reporters)
	}
	if riskOf(rep) == shopguard.RiskHigh {
		t.Fatalf("one reporter with 50 reports reached high (score %d)", rep.Score)
	}
	if rep.LostMinor["CNY"] != 30000 {
		t.Fatalf("money lost = %v, want one reporter's 300.00 counted once", rep.LostMinor)
	}
}

func TestOneReporterManyNetworksIsOneUnit(t *testing.T) {
	var reports []*shopguard.Report
	for i, net := range []string{"n1", "n2", "n3", "n4", "n5"} {
		reports = append(reports, report(int64(i+1), 7, net, shopguard.TrustTrusted, shopguard.ReportPending))
	}
	if rep := intel.Score(intel.Inputs{Identifier: phone, Reports: reports}); riskOf(rep) == shopguard.RiskHigh {
		t.Fatalf("one account hopping networks reached high (score %d)", rep.Score)
	}
}

func TestBurstFromOneNetworkStaysSuspicious(t *testing.T) {
	var reports []*shopguard.Report
	for i := range 40 {
		reports = append(reports, report(int64(i+1), int64(100+i), "one-net", shopguard.TrustAccount, shopguard.ReportPending))
	}
	rep := intel.Score(intel.Inputs{Identifier: phone, Reports: reports})
	if rep.Reporters != 40 {
		t.Fatalf("reporters = %d, want 40 accounts", rep.Reporters)
	}
	if riskOf(rep) == shopguard.RiskHigh {
		t.Fatalf("40 accounts behind one network reached high (score %d)", rep.Score)
	}
}

func TestIndependentSignedInReportersReachHigh(t *testing.T) {
	reports := []*shopguard.Report{
		report(1, 1, "n1", shopguard.TrustAccount, shopguard.ReportPending),
		report(2, 2, "n2", shopguard.TrustAccount, shopguard.ReportPending),
	}
	rep := intel.Score(intel.Inputs{Identifier: phone, Reports: reports})
	if riskOf(rep) != shopguard.RiskMedium {
		t.Fatalf("two reporters: risk %s (score %d), want medium", riskOf(rep), rep.Score)
	}
	reports = append(reports, report(3, 3, "n3", shopguard.TrustAccount, shopguard.ReportPending))
	rep = intel.Score(intel.Inputs{Identifier: phone, Reports: reports})
	if riskOf(rep) != shopguard.RiskHigh || rep.Reporters != 3 {
		t.Fatalf("three independent reporters: risk %s (score %d), want high", riskOf(rep), rep.Score)
	}
}

func TestAnonymousWeighsLittle(t *testing.T) {
	rep := intel.Score(intel.Inputs{Identifier: phone, Reports: []*shopguard.Report{report(1, 0, "n1", shopguard.TrustAnonymous, shopguard.ReportPending)}})
	if riskOf(rep) != shopguard.RiskLow || rep.Reports != 1 {
		t.Fatalf("one anonymous report: risk %s (score %d), want low but counted", riskOf(rep), rep.Score)
	}
	var many []*shopguard.Report
	for i, net := range []string{"n1", "n2", "n3", "n4", "n5", "n6"} {
		many = append(many, report(int64(i+1), 0, net, shopguard.TrustAnonymous, shopguard.ReportPending))
	}
	if rep := intel.Score(intel.Inputs{Identifier: phone, Reports: many}); riskOf(rep) == shopguard.RiskHigh {
		t.Fatalf("anonymous reports alone reached high (score %d)", rep.Score)
	}
}

func TestConfirmationLiftsToHigh(t *testing.T) {
	rep := intel.Score(intel.Inputs{Identifier: phone, Reports: []*shopguard.Report{report(1, 1, "n1", shopguard.TrustAccount, shopguard.ReportConfirmed)}})
	if !rep.Confirmed || riskOf(rep) != shopguard.RiskHigh {
		t.Fatalf("confirmed report: confirmed=%v risk %s, want high", rep.Confirmed, riskOf(rep))
	}
}

func TestOnlyCountingStatusesWeigh(t *testing.T) {
	reports := []*shopguard.Report{
		report(1, 1, "n1", shopguard.TrustAccount, shopguard.ReportRejected),
		report(2, 2, "n2", shopguard.TrustAccount, shopguard.ReportMerged),
		report(3, 3, "n3", shopguard.TrustAccount, shopguard.ReportNeedsInfo),
	}
	rep := intel.Score(intel.Inputs{Identifier: phone, Reports: reports})
	if rep.Reports != 0 || rep.Score != 0 || !rep.Empty() {
		t.Fatalf("only non-counting reports: %+v, want empty", rep)
	}
	if rep.ByStatus[shopguard.ReportRejected] != 1 || rep.ByStatus[shopguard.ReportMerged] != 1 {
		t.Fatalf("by status = %v", rep.ByStatus)
	}
}

func TestNotScamFeedbackLowers(t *testing.T) {
	reports := []*shopguard.Report{
		report(1, 1, "n1", shopguard.TrustAccount, shopguard.ReportPending),
		report(2, 2, "n2", shopguard.TrustAccount, shopguard.ReportPending),
	}
	before := intel.Score(intel.Inputs{Identifier: phone, Reports: reports})
	fb := []*shopguard.Feedback{{UserID: 9, Source: "n9"}, {UserID: 10, Source: "n9"}, {UserID: 11, Source: "n10"}}
	after := intel.Score(intel.Inputs{Identifier: phone, Reports: reports, Feedback: fb})
	if after.NotScam != 2 || after.Score != before.Score-20 {
		t.Fatalf("feedback from two networks: not_scam=%d score %d -> %d, want 2 voices and -20", after.NotScam, before.Score, after.Score)
	}
}

func TestUpheldAppealDelists(t *testing.T) {
	decided := day0.Add(24 * time.Hour)
	appeals := []*shopguard.Appeal{{Status: shopguard.AppealUpheld, DecidedAt: &decided}}
	reports := []*shopguard.Report{report(1, 1, "n1", shopguard.TrustAccount, shopguard.ReportConfirmed)}
	rep := intel.Score(intel.Inputs{Identifier: phone, Reports: reports, Appeals: appeals})
	if !rep.Delisted || rep.Score != 0 || rep.Confirmed {
		t.Fatalf("after an upheld appeal: %+v, want delisted with score 0", rep)
	}
	later := report(2, 2, "n2", shopguard.TrustAccount, shopguard.ReportConfirmed)
	later.CreatedAt = decided.Add(time.Hour)
	rep = intel.Score(intel.Inputs{Identifier: phone, Reports: append(reports, later), Appeals: appeals})
	if rep.Delisted || rep.Reports != 1 || !rep.Confirmed {
		t.Fatalf("a new confirmed report after the appeal: %+v, want listed again", rep)
	}
}

func TestDecay(t *testing.T) {
	if got := intel.Decay(80, day0, false, day0.Add(intel.HalfLife)); got != 40 {
		t.Fatalf("after one half-life: %d, want 40", got)
	}
	if got := intel.Decay(80, day0, true, day0.Add(intel.HalfLife)); got <= 40 {
		t.Fatalf("confirmed decays slower: %d", got)
	}
	if got := intel.Decay(80, day0, false, day0.Add(-time.Hour)); got != 80 {
		t.Fatalf("no decay before last seen: %d", got)
	}
}
