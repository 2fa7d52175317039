package storetest

import (
	"bytes"
	"context"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/shopguard/shopguard"
)

var (
	testPhone = shopguard.Identifier{Kind: shopguard.KindPhone, Value: "+8613812345678"}
	testQQ    = shopguard.Identifier{Kind: shopguard.KindQQ, Value: "12345678"}
)

// MustReport stores a pending report naming the identifiers and returns it.
func MustReport(tb testing.TB, s shopguard.ReportStore, reporter int64, ids ...shopguard.Identifier) *shopguard.Report {
	tb.Helper()
	r := &shopguard.Report{ScamType: "deposit_scam", Identifiers: ids, Platform: "xianyu", Amount: "300.00", Currency: "CNY",
		OccurredOn: "2026-11-01", Narrative: "paid a deposit, the seller vanished", ReporterID: reporter, Trust: shopguard.TrustAccount, Source: "net-1",
		Evidence: []shopguard.Evidence{{SHA256: "ab", Name: "chat.png", MediaType: "image/png", Size: 10}}}
	if err := s.CreateReport(context.Background(), r); err != nil {
		tb.Fatalf("CreateReport: %v", err)
	}
	return r
}

func testReports(t *testing.T, s shopguard.Store) {
	ctx := context.Background()
	u := MustUser(t, s, "reporter", shopguard.RoleUser)
	r := MustReport(t, s, u.ID, testPhone, testQQ)
	if r.ID == 0 || r.Status != shopguard.ReportPending || r.CreatedAt.IsZero() {
		t.Fatalf("CreateReport did not set ID/Status/CreatedAt: %+v", r)
	}
	got, err := s.ReportByID(ctx, r.ID)
	if err != nil || got.Narrative != r.Narrative || got.ReporterID != u.ID || got.Amount != "300.00" || len(got.Identifiers) != 2 ||
		len(got.Evidence) != 1 || got.Evidence[0].Name != "chat.png" || got.Source != "net-1" || got.Trust != shopguard.TrustAccount || !got.CreatedAt.Equal(r.CreatedAt) {
		t.Fatalf("ReportByID = %+v, %v; want %+v", got, err, r)
	}
	_, err = s.ReportByID(ctx, r.ID+100)
	wantCode(t, err, shopguard.ENOTFOUND, "ReportByID(missing)")
	wantCode(t, s.CreateReport(ctx, &shopguard.Report{ScamType: "x y"}), shopguard.EINVALID, "bad report")

	changes, err := s.ChangesSince(ctx, 0, 100)
	if err != nil || len(changes) != 2 || changes[0].Identifier != testPhone && changes[0].Identifier != testQQ {
		t.Fatalf("changes after one report with two identifiers: %+v, %v", changes, err)
	}
	last, _ := s.LastChange(ctx)
	if last != changes[1].Seq || changes[0].Seq >= changes[1].Seq {
		t.Fatalf("LastChange = %d, changes %+v", last, changes)
	}
	if n, err := s.PruneChanges(ctx, time.Now().Add(-time.Hour)); err != nil || n != 0 {
		t.Fatalf("PruneChanges(an hour ago) = %d, %v; want nothing pruned", n, err)
	}
	if through, _ := s.PrunedThrough(ctx); through != 0 {
		t.Fatalf("PrunedThrough before any pruning = %d", through)
	}
	if n, err := s.PruneChanges(ctx, time.Now().Add(time.Hour)); err != nil || n != 1 {
		t.Fatalf("PruneChanges(in an hour) = %d, %v; want all but the last of the 2 changes pruned", n, err)
	}
	if n, err := s.PruneChanges(ctx, time.Now().Add(time.Hour)); err != nil || n != 0 {
		t.Fatalf("PruneChanges again = %d, %v; want nothing left to prune", n, err)
	}
	if left, _ := s.ChangesSince(ctx, 0, 10); len(left) != 1 || left[0].Seq != last {
		t.Fatalf("changes after pruning: %+v", left)
	}
	if through, _ := s.PrunedThrough(ctx); through != changes[0].Seq {
		t.Fatalf("PrunedThrough = %d", through)
	}

	r2 := MustReport(t, s, 0, testPhone)
	forID, err := s.ReportsFor(ctx, testPhone)
	if err != nil || len(forID) != 2 || forID[0].ID != r.ID || forID[1].ID != r2.ID {
		t.Fatalf("ReportsFor(phone) = %d reports, %v", len(forID), err)
	}
	if n, err := s.CountReportsSince(ctx, u.ID, "", time.Now().Add(-time.Hour)); err != nil || n != 1 {
		t.Fatalf("CountReportsSince(user) = %d, %v", n, err)
	}
	if n, err := s.CountReportsSince(ctx, 0, "net-1", time.Now().Add(-time.Hour)); err != nil || n != 2 {
		t.Fatalf("CountReportsSince(source) = %d, %v", n, err)
	}
	if n, _ := s.CountReportsSince(ctx, 0, "net-1", time.Now().Add(time.Hour)); n != 0 {
		t.Fatalf("CountReportsSince(future) = %d", n)
	}

	// moderation
	mod := MustUser(t, s, "mod", shopguard.RoleModerator)
	at := time.Now().UTC()
	dec, err := s.DecideReport(ctx, shopguard.Decision{ReportID: r.ID, Action: shopguard.ActionConfirm, Reason: "chat shows the deposit", ModeratorID: mod.ID}, at)
	if err != nil || dec.Status != shopguard.ReportConfirmed {
		t.Fatalf("confirm: %+v, %v", dec, err)
	}
	_, err = s.DecideReport(ctx, shopguard.Decision{ReportID: r2.ID, Action: shopguard.ActionMerge, MergeInto: 9999, Reason: "dup", ModeratorID: mod.ID}, at)
	wantCode(t, err, shopguard.ENOTFOUND, "merge into a missing report")
	_, err = s.DecideReport(ctx, shopguard.Decision{ReportID: 9999, Action: shopguard.ActionReject, Reason: "x", ModeratorID: mod.ID}, at)
	wantCode(t, err, shopguard.ENOTFOUND, "decide a missing report")
	_, err = s.DecideReport(ctx, shopguard.Decision{ReportID: r2.ID, Action: shopguard.ActionReject, ModeratorID: mod.ID}, at)
	wantCode(t, err, shopguard.EINVALID, "decision without reason")
	r3 := MustReport(t, s, 0, shopguard.Identifier{Kind: shopguard.KindWeChat, Value: "seller_vip"})
	dec, err = s.DecideReport(ctx, shopguard.Decision{ReportID: r3.ID, Action: shopguard.ActionMerge, MergeInto: r.ID, Reason: "same scam", ModeratorID: mod.ID}, at)
	if err != nil || dec.Status != shopguard.ReportMerged || dec.MergedInto != r.ID {
		t.Fatalf("merge: %+v, %v", dec, err)
	}
	if got, _ := s.ReportByID(ctx, r.ID); len(got.Identifiers) != 3 {
		t.Fatalf("the report merged into does not name the duplicate's identifier: %+v", got.Identifiers)
	}
	if _, err := s.DecideReport(ctx, shopguard.Decision{ReportID: r3.ID, Action: shopguard.ActionDelete, Reason: "cleanup", ModeratorID: mod.ID}, at); err != nil {
		t.Fatal(err)
	}
	dec, err = s.DecideReport(ctx, shopguard.Decision{ReportID: r2.ID, Action: shopguard.ActionMerge, MergeInto: r.ID, Reason: "same scam", ModeratorID: mod.ID}, at)
	if err != nil || dec.Status != shopguard.ReportMerged || dec.MergedInto != r.ID {
		t.Fatalf("merge: %+v, %v", dec, err)
	}
	// asking for more, and the reporter's answer
	ask := MustReport(t, s, u.ID, testQQ)
	if _, err := s.AddReportInfo(ctx, ask.ID, u.ID, "more", nil, at); shopguard.ErrorCode(err) != shopguard.ECONFLICT {
		t.Fatalf("info nobody asked for: %v", err)
	}
	if _, err := s.DecideReport(ctx, shopguard.Decision{ReportID: ask.ID, Action: shopguard.ActionAskInfo, Reason: "which platform?", ModeratorID: mod.ID}, at); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddReportInfo(ctx, ask.ID, mod.ID, "more", nil, at); shopguard.ErrorCode(err) != shopguard.EFORBIDDEN {
		t.Fatalf("info from someone else: %v", err)
	}
	got, err = s.AddReportInfo(ctx, ask.ID, u.ID, "it was on xianyu", []shopguard.Evidence{{SHA256: "cd", Name: "more.png", MediaType: "image/png", Size: 3}}, at)
	if err != nil || got.Status != shopguard.ReportPending || !strings.HasSuffix(got.Narrative, "it was on xianyu") || len(got.Evidence) != 2 {
		t.Fatalf("AddReportInfo = %+v, %v", got, err)
	}
	if again, _ := s.ReportByID(ctx, ask.ID); again.Narrative != got.Narrative || len(again.Evidence) != 2 || again.Status != shopguard.ReportPending {
		t.Fatalf("stored after AddReportInfo: %+v", again)
	}
	if mine, _ := s.ListReports(ctx, shopguard.ReportFilter{ReporterID: u.ID}); len(mine) != 2 {
		t.Fatalf("ListReports by reporter: %d, want 2", len(mine))
	}
	if _, err := s.DecideReport(ctx, shopguard.Decision{ReportID: ask.ID, Action: shopguard.ActionDelete, Reason: "cleanup", ModeratorID: mod.ID}, at); err != nil {
		t.Fatal(err)
	}
	if n, err := s.ConfirmedReportsBy(ctx, u.ID); err != nil || n != 1 {
		t.Fatalf("ConfirmedReportsBy = %d, %v; want 1", n, err)
	}
	pending, _ := s.ListReports(ctx, shopguard.ReportFilter{Status: shopguard.ReportPending})
	confirmed, _ := s.ListReports(ctx, shopguard.ReportFilter{Status: shopguard.ReportConfirmed})
	all, _ := s.ListReports(ctx, shopguard.ReportFilter{})
	if len(pending) != 0 || len(confirmed) != 1 || len(all) != 2 {
		t.Fatalf("ListReports: pending %d confirmed %d all %d", len(pending), len(confirmed), len(all))
	}
	if page, _ := s.ListReports(ctx, shopguard.ReportFilter{AfterID: r.ID}); len(page) != 1 || page[0].ID != r2.ID {
		t.Fatalf("ListReports after %d: %+v", r.ID, page)
	}
	if _, err := s.DecideReport(ctx, shopguard.Decision{ReportID: r2.ID, Action: shopguard.ActionDelete, Reason: "filed by mistake", ModeratorID: mod.ID}, at); err != nil {
		t.Fatalf("delete: %v", err)
	}
	_, err = s.ReportByID(ctx, r2.ID)
	wantCode(t, err, shopguard.ENOTFOUND, "deleted report")
	if rs, _ := s.ReportsFor(ctx, testPhone); len(rs) != 1 {
		t.Fatalf("ReportsFor after delete: %d", len(rs))
	}
	log, err := s.AuditLog(ctx, "", 10)
	if err != nil || len(log) != 8 || log[0].Action != "report.delete" || log[0].ActorID != mod.ID || log[0].Reason != "filed by mistake" || log[7].Action != "report.confirm" {
		t.Fatalf("audit log: %+v, %v", log, err)
	}
	if log, _ := s.AuditLog(ctx, "report:"+strconv.FormatInt(r.ID, 10), 10); len(log) != 1 {
		t.Fatalf("audit log of report %d: %+v", r.ID, log)
	}

	// feedback
	f := &shopguard.Feedback{Identifier: testQQ, UserID: u.ID, Source: "net-2", Comment: "bought from them, all fine"}
	if err := s.AddFeedback(ctx, f); err != nil || f.ID == 0 {
		t.Fatalf("AddFeedback: %v", err)
	}
	if fs, err := s.FeedbackFor(ctx, testQQ); err != nil || len(fs) != 1 || fs[0].Comment != f.Comment || fs[0].UserID != u.ID {
		t.Fatalf("FeedbackFor: %+v, %v", fs, err)
	}

	// retention
	n, files, err := s.PurgeReports(ctx, time.Now().Add(time.Hour))
	if err != nil || n != 1 || len(files) != 1 || files[0] != "ab" {
		t.Fatalf("PurgeReports = %d, files %v, %v; want 1 report carrying file ab", n, files, err)
	}
	if rs, _ := s.ReportsFor(ctx, testPhone); len(rs) != 0 {
		t.Fatalf("reports left after purge: %d", len(rs))
	}
	if fs, _ := s.FeedbackFor(ctx, testQQ); len(fs) != 0 {
		t.Fatalf("feedback left after purge: %d", len(fs))
	}
}

func testAppeals(t *testing.T, s shopguard.Store) {
	ctx := context.Background()
	dom := shopguard.Identifier{Kind: shopguard.KindDomain, Value: "honest-shop.com"}
	a := &shopguard.Appeal{Identifier: dom, Reason: "this is our shop", Contact: "owner@honest-shop.com", Method: shopguard.ProofDNS, Token: "sg-1", Status: shopguard.AppealAwaitingProof}
	if err := s.CreateAppeal(ctx, a); err != nil || a.ID == 0 {
		t.Fatalf("CreateAppeal: %v", err)
	}
	wantCode(t, s.CreateAppeal(ctx, &shopguard.Appeal{Identifier: dom, Reason: "x", Method: shopguard.ProofReview}), shopguard.EINVALID, "domain appeal by review")
	b := &shopguard.Appeal{Identifier: testPhone, Reason: "my number", Method: shopguard.ProofReview, Status: shopguard.AppealReview}
	if err := s.CreateAppeal(ctx, b); err != nil {
		t.Fatal(err)
	}
	got, err := s.AppealByID(ctx, a.ID)
	if err != nil || got.Contact != a.Contact || got.Token != "sg-1" || got.Status != shopguard.AppealAwaitingProof || got.Verified {
		t.Fatalf("AppealByID = %+v, %v", got, err)
	}
	_, err = s.AppealByID(ctx, 999)
	wantCode(t, err, shopguard.ENOTFOUND, "missing appeal")
	before, _ := s.LastChange(ctx)
	at := time.Now().UTC().Truncate(time.Microsecond)
	got.Status, got.Verified, got.DecidedAt, got.DecidedBy, got.Decision = shopguard.AppealUpheld, true, &at, 0, "proved and reviewed"
	if err := s.UpdateAppeal(ctx, got, shopguard.AuditEntry{Action: "appeal.uphold", Subject: "appeal:1", Reason: "proved", At: at}); err != nil {
		t.Fatalf("UpdateAppeal: %v", err)
	}
	again, _ := s.AppealByID(ctx, a.ID)
	if again.Status != shopguard.AppealUpheld || !again.Verified || again.DecidedAt == nil || !again.DecidedAt.Equal(at) {
		t.Fatalf("after UpdateAppeal: %+v", again)
	}
	if after, _ := s.LastChange(ctx); after <= before {
		t.Fatalf("deciding an appeal appended no change")
	}
	if list, _ := s.ListAppeals(ctx, shopguard.AppealReview, 10); len(list) != 1 || list[0].ID != b.ID {
		t.Fatalf("ListAppeals(review) = %+v", list)
	}
	if list, _ := s.AppealsFor(ctx, dom); len(list) != 1 {
		t.Fatalf("AppealsFor(domain) = %+v", list)
	}
	missing := &shopguard.Appeal{ID: 999, Identifier: dom, Status: shopguard.AppealRejected}
	wantCode(t, s.UpdateAppeal(ctx, missing, shopguard.AuditEntry{Action: "x", At: at}), shopguard.ENOTFOUND, "update a missing appeal")
}

func testReputations(t *testing.T, s shopguard.Store) {
	ctx := context.Background()
	day := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	r := &shopguard.Reputation{Identifier: testPhone, Score: 55, Reports: 3, Reporters: 2, Confirmed: true, NotScam: 1,
		ScamTypes: []string{"deposit_scam", "phishing"}, FirstSeen: day, LastSeen: day.Add(48 * time.Hour),
		ByStatus: map[shopguard.ReportStatus]int{shopguard.ReportConfirmed: 3}, LostMinor: map[string]int64{"CNY": 30000}}
	if err := s.PutReputation(ctx, r); err != nil {
		t.Fatalf("PutReputation: %v", err)
	}
	r.Score = 60
	if err := s.PutReputation(ctx, r); err != nil {
		t.Fatalf("PutReputation again: %v", err)
	}
	got, err := s.ReputationOf(ctx, testPhone)
	if err != nil || got.Score != 60 || got.Reports != 3 || !got.Confirmed || got.NotScam != 1 || len(got.ScamTypes) != 2 ||
		!got.LastSeen.Equal(r.LastSeen) || got.LostMinor["CNY"] != 30000 || got.ByStatus[shopguard.ReportConfirmed] != 3 {
		t.Fatalf("ReputationOf = %+v, %v", got, err)
	}
	s.PutReputation(ctx, &shopguard.Reputation{Identifier: testQQ, Score: 20, Reports: 1, Reporters: 1, ScamTypes: []string{}})
	n := 0
	if err := s.EachReputationRow(ctx, 1, func(int, *shopguard.ReputationRow) error { n++; return nil }); err != nil || n != 2 {
		t.Fatalf("EachReputationRow saw %d, %v", n, err)
	}
	if err := s.PutReputation(ctx, &shopguard.Reputation{Identifier: testQQ}); err != nil {
		t.Fatal(err)
	}
	_, err = s.ReputationOf(ctx, testQQ)
	wantCode(t, err, shopguard.ENOTFOUND, "an empty reputation is removed")

	before, _ := s.LastChange(ctx)
	imp := &shopguard.Reputation{Identifier: testQQ, Score: 70, Reports: 4, Confirmed: true, ScamTypes: []string{"phishing"}, FirstSeen: day, LastSeen: day, Source: "feed-a"}
	if err := s.PutImported(ctx, []*shopguard.Reputation{imp}); err != nil {
		t.Fatalf("PutImported: %v", err)
	}
	gotImp, err := s.ImportedOf(ctx, testQQ)
	if err != nil || gotImp.Score != 70 || gotImp.Source != "feed-a" || !gotImp.Confirmed || gotImp.ScamTypes[0] != "phishing" || !gotImp.FirstSeen.Equal(day) {
		t.Fatalf("ImportedOf = %+v, %v", gotImp, err)
	}
	if after, _ := s.LastChange(ctx); after != before+1 {
		t.Fatalf("import appended %d changes, want 1", after-before)
	}
	_, err = s.ImportedOf(ctx, testPhone)
	wantCode(t, err, shopguard.ENOTFOUND, "not imported")
	wantCode(t, s.PutImported(ctx, []*shopguard.Reputation{{Identifier: testPhone}}), shopguard.EINVALID, "import without source")

	a, err := s.Secret(ctx, "sources")
	b, err2 := s.Secret(ctx, "sources")
	if err != nil || err2 != nil || len(a) != 32 || !bytes.Equal(a, b) {
		t.Fatalf("Secret is not stable: %x, %x, %v, %v", a, b, err, err2)
	}
	if c, _ := s.Secret(ctx, "other"); bytes.Equal(a, c) {
		t.Fatal("two secrets are the same")
	}
}

// testReputationRows checks that EachReputationRow reads every stored reputation, each once,
// with the fields the index keeps, and stops at fn's error.
func testReputationRows(t *testing.T, s shopguard.Store) {
	ctx := context.Background()
	day := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	want := map[string]shopguard.ReputationRow{}
	for i := range 150 {
		r := &shopguard.Reputation{Identifier: shopguard.Identifier{Kind: shopguard.KindPhone, Value: "+86138" + strconv.Itoa(10000000+i)},
			Score: i % 101, Reports: i % 7, Reporters: 1 + i%5, Confirmed: i%3 == 0, Delisted: i%11 == 0, NotScam: i % 2,
			FirstSeen: day.Add(time.Duration(i) * time.Hour), LastSeen: day.Add(time.Duration(i) * 25 * time.Hour), ScamTypes: []string{}}
		switch i % 4 {
		case 1:
			r.ScamTypes = []string{"deposit_scam"}
		case 2:
			r.ScamTypes = []string{"deposit_scam", "phishing"}
		case 3:
			r.Source, r.FirstSeen, r.LastSeen = "feed-a", time.Time{}, time.Time{}
		}
		if i == 149 {
			r.Reports, r.Reporters = 70_000, 100_000 // beyond what the index counts
		}
		if err := s.PutReputation(ctx, r); err != nil {
			t.Fatalf("PutReputation: %v", err)
		}
		if r.Empty() && r.Source == "" {
			continue // removed, not stored
		}
		want[r.Identifier.String()] = shopguard.ReputationRow{Key: []byte(r.Identifier.String()), Score: r.Score, Reports: r.Reports,
			Reporters: r.Reporters, Confirmed: r.Confirmed, Delisted: r.Delisted, Imported: r.Source != "",
			ScamTypes: []byte(strings.Join(r.ScamTypes, ",")), FirstSeen: r.FirstSeen, LastSeen: r.LastSeen}
	}
	for _, parts := range []int{1, 3} {
		var mu sync.Mutex // fn runs concurrently for different parts
		seen := map[string]bool{}
		err := s.EachReputationRow(ctx, parts, func(part int, r *shopguard.ReputationRow) error {
			mu.Lock()
			defer mu.Unlock()
			k := string(r.Key)
			w, ok := want[k]
			if part < 0 || part >= parts || !ok || seen[k] {
				t.Errorf("EachReputationRow(%d parts): %q in part %d unexpected or read twice", parts, k, part)
				return nil
			}
			seen[k] = true
			if r.Score != w.Score || r.Reports != w.Reports || r.Reporters != w.Reporters || r.Confirmed != w.Confirmed ||
				r.Delisted != w.Delisted || r.Imported != w.Imported || !bytes.Equal(r.ScamTypes, w.ScamTypes) ||
				!r.FirstSeen.Equal(w.FirstSeen) || !r.LastSeen.Equal(w.LastSeen) {
				t.Errorf("EachReputationRow: %q = %+v (types %q), want %+v (types %q)", k, *r, r.ScamTypes, w, w.ScamTypes)
			}
			return nil
		})
		if err != nil || len(seen) != len(want) {
			t.Fatalf("EachReputationRow(%d parts) saw %d of %d, %v", parts, len(seen), len(want), err)
		}
	}
	stop := shopguard.Errorf(shopguard.EINVALID, "stop here")
	var calls atomic.Int32
	err := s.EachReputationRow(ctx, 3, func(int, *shopguard.ReputationRow) error { calls.Add(1); return stop })
	if err != stop || calls.Load() > 3 {
		t.Fatalf("EachReputationRow after fn failed: %d calls, %v; want at most one a part and fn's error", calls.Load(), err)
	}
}

// countingScore is a stand-in for intel.Score that says what it was given: the number of
// reports, feedback and appeals, the imported source, and the reports' scam types and
// networks, so that a test can tell the inputs were read in full.
func countingScore(in shopguard.ReputationInputs) *shopguard.Reputation {
	r := &shopguard.Reputation{Identifier: in.Identifier, Reports: len(in.Reports), NotScam: len(in.Feedback), Score: len(in.Appeals), ScamTypes: []string{}}
	for _, rep := range in.Reports {
		if rep.Status == "" || rep.CreatedAt.IsZero() || rep.Amount == "" || rep.Trust == 0 {
			r.ScamTypes = append(r.ScamTypes, "incomplete")
		}
		r.ScamTypes = append(r.ScamTypes, rep.ScamType+"@"+rep.Source)
	}
	if in.Imported != nil {
		r.Source = in.Imported.Source
	}
	return r
}

// testScoring checks that a write computes the reputations of the identifiers it changes in
// its own transaction once ScoreWith is set, marking its changes scored; that ScoreChanges
// scores what was written without, once; that AppliedChange stops before the first change not
// scored; and that ReputationsOf reads several kinds at once.
func testScoring(t *testing.T, s shopguard.Store) {
	ctx := context.Background()
	u := MustUser(t, s, "reporter", shopguard.RoleUser)
	mod := MustUser(t, s, "mod", shopguard.RoleModerator)
	reputation := func(id shopguard.Identifier) *shopguard.Reputation {
		t.Helper()
		r, err := s.ReputationOf(ctx, id)
		if err != nil {
			t.Fatalf("ReputationOf(%s): %v", id, err)
		}
		return r
	}

	// written without a scorer: not scored, until ScoreChanges
	MustReport(t, s, u.ID, testPhone, testQQ)
	changes, err := s.ChangesSince(ctx, 0, 100)
	if err != nil || len(changes) != 2 || changes[0].Scored || changes[1].Scored {
		t.Fatalf("changes written without a scorer: %+v, %v; want 2 not scored", changes, err)
	}
	if n, err := s.AppliedChange(ctx); err != nil || n != changes[0].Seq-1 {
		t.Fatalf("AppliedChange = %d, %v; want %d, before the first change not scored", n, err, changes[0].Seq-1)
	}
	_, err = s.ReputationOf(ctx, testPhone)
	wantCode(t, err, shopguard.ENOTFOUND, "reputation before scoring")
	if n, err := s.ScoreChanges(ctx, changes[0].Seq, countingScore); err != nil || n != 1 {
		t.Fatalf("ScoreChanges(through the first change) = %d, %v; want 1 identifier", n, err)
	}
	if n, _ := s.AppliedChange(ctx); n != changes[0].Seq {
		t.Fatalf("AppliedChange = %d, want %d", n, changes[0].Seq)
	}
	if n, err := s.ScoreChanges(ctx, changes[1].Seq, countingScore); err != nil || n != 1 {
		t.Fatalf("ScoreChanges(through the second) = %d, %v; want the 1 identifier left", n, err)
	}
	if n, err := s.ScoreChanges(ctx, changes[1].Seq, countingScore); err != nil || n != 0 {
		t.Fatalf("ScoreChanges again = %d, %v; want nothing left to score", n, err)
	}
	if r := reputation(testPhone); r.Reports != 1 || !slices.Equal(r.ScamTypes, []string{"deposit_scam@net-1"}) {
		t.Fatalf("scored reputation = %+v", r)
	}
	if left, _ := s.ChangesSince(ctx, 0, 100); !left[0].Scored || !left[1].Scored {
		t.Fatalf("changes after ScoreChanges: %+v; want them scored", left)
	}

	// with a scorer, every write stores the reputations it changes
	s.ScoreWith(countingScore)
	second := MustReport(t, s, 0, testPhone)
	if r := reputation(testPhone); r.Reports != 2 {
		t.Fatalf("after a second report: %+v, want 2 reports", r)
	}
	f := &shopguard.Feedback{Identifier: testPhone, UserID: u.ID, Comment: "fine"}
	if err := s.AddFeedback(ctx, f); err != nil {
		t.Fatal(err)
	}
	if r := reputation(testPhone); r.NotScam != 1 {
		t.Fatalf("after feedback: %+v", r)
	}
	if _, err := s.DecideReport(ctx, shopguard.Decision{ReportID: second.ID, Action: shopguard.ActionDelete, Reason: "test", ModeratorID: mod.ID}, time.Now()); err != nil {
		t.Fatal(err)
	}
	if r := reputation(testPhone); r.Reports != 1 {
		t.Fatalf("after deleting a report: %+v", r)
	}
	a := &shopguard.Appeal{Identifier: testQQ, Reason: "mine", Method: shopguard.ProofReview, Status: shopguard.AppealReview}
	if err := s.CreateAppeal(ctx, a); err != nil {
		t.Fatal(err)
	}
	a.Status = shopguard.AppealUpheld
	if err := s.UpdateAppeal(ctx, a, shopguard.AuditEntry{Action: "appeal.uphold", Subject: "appeal", Reason: "proved", At: time.Now()}); err != nil {
		t.Fatal(err)
	}
	if r := reputation(testQQ); r.Score != 1 || r.Reports != 1 {
		t.Fatalf("after an appeal: %+v", r)
	}
	dom := shopguard.Identifier{Kind: shopguard.KindDomain, Value: "fake-shop.example"}
	if err := s.PutImported(ctx, []*shopguard.Reputation{{Identifier: dom, Source: "feed-a", Score: 80, ScamTypes: []string{}}}); err != nil {
		t.Fatal(err)
	}
	if r := reputation(dom); r.Source != "feed-a" {
		t.Fatalf("after an import: %+v", r)
	}
	all, _ := s.ChangesSince(ctx, changes[1].Seq, 100)
	for _, c := range all {
		if !c.Scored {
			t.Fatalf("change written with a scorer not scored: %+v", c)
		}
	}
	if applied, _ := s.AppliedChange(ctx); applied != all[len(all)-1].Seq {
		t.Fatalf("AppliedChange = %d, want the last change, %d", applied, all[len(all)-1].Seq)
	}

	// the reputations of several kinds at once; an empty one is gone
	missing := shopguard.Identifier{Kind: shopguard.KindPhone, Value: "+8613900000000"}
	reps, err := s.ReputationsOf(ctx, []shopguard.Identifier{testPhone, dom, missing, testQQ})
	if err != nil || len(reps) != 3 {
		t.Fatalf("ReputationsOf = %d, %v; want 3", len(reps), err)
	}
	for _, r := range reps {
		if want := reputation(r.Identifier); r.Reports != want.Reports || r.NotScam != want.NotScam || r.Source != want.Source {
			t.Fatalf("ReputationsOf: %+v, ReputationOf: %+v", r, want)
		}
	}
	if _, _, err := s.PurgeReports(ctx, time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	_, err = s.ReputationOf(ctx, testPhone)
	wantCode(t, err, shopguard.ENOTFOUND, "reputation after every report and feedback was purged")
	if reps, _ := s.ReputationsOf(ctx, []shopguard.Identifier{testPhone}); len(reps) != 0 {
		t.Fatalf("ReputationsOf after the purge: %+v", reps)
	}
}

// testConcurrentWrites has writers file reports at once on a few shared identifiers while a
// follower reads the change sequence, and checks that the follower read every change exactly
// once and that every identifier's stored reputation counts all its reports: writes that
// commit in another order than they were written in skip no change, and two writes scoring
// one identifier at once do not lose each other's report.
func testConcurrentWrites(t *testing.T, s shopguard.Store) {
	ctx := context.Background()
	s.ScoreWith(countingScore)
	var ids []shopguard.Identifier
	for i := range 4 {
		ids = append(ids, shopguard.Identifier{Kind: shopguard.KindPhone, Value: "+86138000000" + strconv.Itoa(10+i)})
	}
	const writers, each = 8, 15
	var cursor int64
	seen := map[int64]bool{}
	got := map[shopguard.Identifier]int{}
	follow := func() error {
		changes, err := s.ChangesSince(ctx, cursor, 1000)
		if err != nil {
			return err
		}
		for _, c := range changes {
			if seen[c.Seq] || c.Seq <= cursor {
				t.Errorf("change %d read twice, or at or below the cursor %d", c.Seq, cursor)
			}
			seen[c.Seq] = true
			got[c.Identifier]++
			cursor = c.Seq
		}
		return nil
	}
	stop, followed := make(chan struct{}), make(chan error)
	go func() {
		for {
			select {
			case <-stop:
				followed <- follow()
				return
			default:
			}
			if err := follow(); err != nil {
				followed <- err
				return
			}
		}
	}()
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				r := &shopguard.Report{ScamType: "deposit_scam", Identifiers: []shopguard.Identifier{ids[(w+i)%len(ids)], ids[(w+i+1)%len(ids)]},
					Narrative: "paid a deposit, the seller vanished", Trust: shopguard.TrustAnonymous, Source: "net-" + strconv.Itoa(w)}
				if err := s.CreateReport(ctx, r); err != nil {
					t.Errorf("writer %d: CreateReport: %v", w, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(stop)
	if err := <-followed; err != nil {
		t.Fatalf("following: %v", err)
	}
	want := writers * each * 2 / len(ids)
	for _, id := range ids {
		if got[id] != want {
			t.Errorf("the follower read %d changes of %s, want %d", got[id], id.Value, want)
		}
		if r, err := s.ReputationOf(ctx, id); err != nil || r.Reports != want {
			t.Errorf("stored reputation of %s = %+v, %v; want %d reports", id.Value, r, err, want)
		}
	}
}

// testScoreInputs checks that a write gives the scorer, for each identifier it changes,
// exactly what the store's own readers return of it (ReportsFor, less what scoring does not
// read; FeedbackFor, AppealsFor, ImportedOf), with every field, when the identifiers have
// reports, feedback, an appeal and an import each and one write changes several at once.
func testScoreInputs(t *testing.T, s shopguard.Store) {
	ctx := context.Background()
	u := MustUser(t, s, "reporter", shopguard.RoleUser)
	dom := shopguard.Identifier{Kind: shopguard.KindDomain, Value: "fake-shop.example"}
	bare := shopguard.Identifier{Kind: shopguard.KindWeChat, Value: "wxid_nobody"}
	for _, r := range []*shopguard.Report{
		{ScamType: "deposit_scam", Identifiers: []shopguard.Identifier{testPhone, dom}, Narrative: "n", Amount: "12.50", Currency: "CNY",
			OccurredOn: "2026-11-02", ReporterID: u.ID, Trust: shopguard.TrustAccount, Source: "net-1"},
		{ScamType: "phishing", Identifiers: []shopguard.Identifier{testPhone}, Narrative: "n", Trust: shopguard.TrustAnonymous, Source: "net-2"},
	} {
		if err := s.CreateReport(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []*shopguard.Feedback{{Identifier: testPhone, UserID: u.ID, Comment: "fine"}, {Identifier: dom, Source: "net-3"}} {
		if err := s.AddFeedback(ctx, f); err != nil {
			t.Fatal(err)
		}
	}
	a := &shopguard.Appeal{Identifier: dom, Reason: "ours", Contact: "c", Method: shopguard.ProofDNS, Token: "sg-1", Status: shopguard.AppealAwaitingProof}
	if err := s.CreateAppeal(ctx, a); err != nil {
		t.Fatal(err)
	}
	decided := time.Now().UTC().Truncate(time.Microsecond)
	a.Status, a.Verified, a.DecidedAt, a.DecidedBy, a.Decision = shopguard.AppealRejected, true, &decided, u.ID, "no"
	if err := s.UpdateAppeal(ctx, a, shopguard.AuditEntry{Action: "appeal.reject", Subject: "appeal", Reason: "no", At: decided}); err != nil {
		t.Fatal(err)
	}
	day := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	if err := s.PutImported(ctx, []*shopguard.Reputation{{Identifier: dom, Source: "feed-a", Score: 80, Reports: 4, Reporters: 3, Confirmed: true,
		ScamTypes: []string{"fake_shop", "phishing"}, FirstSeen: day, LastSeen: day.Add(time.Hour)}}); err != nil {
		t.Fatal(err)
	}

	var mu sync.Mutex
	got := map[shopguard.Identifier]shopguard.ReputationInputs{}
	s.ScoreWith(func(in shopguard.ReputationInputs) *shopguard.Reputation {
		mu.Lock()
		defer mu.Unlock()
		got[in.Identifier] = in
		return countingScore(in)
	})
	MustReport(t, s, 0, testPhone, dom, bare)
	for _, id := range []shopguard.Identifier{testPhone, dom, bare} {
		want := shopguard.ReputationInputs{Identifier: id}
		reports, err := s.ReportsFor(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range reports { // what scoring reads of a report
			want.Reports = append(want.Reports, &shopguard.Report{ID: r.ID, Status: r.Status, ScamType: r.ScamType, Amount: r.Amount,
				Currency: r.Currency, OccurredOn: r.OccurredOn, ReporterID: r.ReporterID, Trust: r.Trust, Source: r.Source, CreatedAt: r.CreatedAt})
		}
		if want.Feedback, err = s.FeedbackFor(ctx, id); err != nil {
			t.Fatal(err)
		}
		if want.Appeals, err = s.AppealsFor(ctx, id); err != nil {
			t.Fatal(err)
		}
		if want.Imported, err = s.ImportedOf(ctx, id); shopguard.ErrorCode(err) == shopguard.ENOTFOUND {
			want.Imported = nil
		} else if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got[id], want) {
			t.Errorf("the scorer was given for %s:\n%s\nthe store's readers return:\n%s", id, dump(got[id]), dump(want))
		}
	}
	if in := got[dom]; len(in.Reports) != 2 || len(in.Feedback) != 1 || len(in.Appeals) != 1 || in.Imported == nil {
		t.Errorf("inputs of %s: %s; want 2 reports, 1 feedback, 1 appeal, 1 import", dom, dump(in))
	}
}

// dump shows inputs field by field.
func dump(in shopguard.ReputationInputs) string {
	var b strings.Builder
	for _, r := range in.Reports {
		fmt.Fprintf(&b, "report %+v\n", *r)
	}
	for _, f := range in.Feedback {
		fmt.Fprintf(&b, "feedback %+v\n", *f)
	}
	for _, a := range in.Appeals {
		fmt.Fprintf(&b, "appeal %+v\n", *a)
	}
	if in.Imported != nil {
		fmt.Fprintf(&b, "imported %+v\n", *in.Imported)
	}
	return b.String()
}
