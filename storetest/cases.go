package storetest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shopguard/shopguard"
)

// caseID returns a well-formed case id made from n (0 to 25).
func caseID(n int) string { return "testcasexxxxxxx" + string(rune('a'+n)) }

// mustCase stores a key-held case with the id and returns it.
func mustCase(tb testing.TB, s shopguard.CaseStore, id string, owner int64) *shopguard.Case {
	tb.Helper()
	at := time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)
	c := &shopguard.Case{ID: id, OwnerID: owner, KeyHash: []byte("hash-of-key-" + id), Lang: shopguard.LangZH,
		Triage: shopguard.Triage{Culprit: shopguard.CulpritSeller, Payment: shopguard.PaymentEscrow, AmountFen: 12345,
			What: "收到假货", Evidence: []shopguard.EvidenceKind{shopguard.EvidenceChat}},
		CreatedAt: at, UpdatedAt: at}
	if err := s.CreateCase(context.Background(), c); err != nil {
		tb.Fatalf("CreateCase(%s): %v", id, err)
	}
	return c
}

// entry returns evidence entry seq of a case for a file, chained after prev's hash. The
// hashes are stand-ins: the store keeps the chain as given and checks only its order.
func entry(caseID string, seq int, sha, prevHash string) *shopguard.EvidenceEntry {
	return &shopguard.EvidenceEntry{CaseID: caseID, Seq: seq, SHA256: sha, Name: fmt.Sprintf("截图%d.png", seq), Type: "image/png",
		Size: int64(100 * seq), Note: "note", ReceivedAt: time.Date(2026, 11, 21, 10, 0, seq, 0, time.UTC),
		PrevHash: prevHash, Hash: strings.Repeat(fmt.Sprint(seq%10), 64)}
}

func testCases(t *testing.T, s shopguard.Store) {
	ctx := context.Background()
	alice := MustUser(t, s, "alice", shopguard.RoleUser)
	a := mustCase(t, s, caseID(1), 0)
	mustCase(t, s, caseID(2), alice.ID)
	mustCase(t, s, caseID(3), alice.ID)
	wantCode(t, s.CreateCase(ctx, &shopguard.Case{ID: a.ID, KeyHash: []byte("x"), Lang: shopguard.LangEN}), shopguard.ECONFLICT, "duplicate case id")
	wantCode(t, s.CreateCase(ctx, &shopguard.Case{ID: "nope", KeyHash: []byte("x"), Lang: shopguard.LangEN}), shopguard.EINVALID, "bad case id")
	wantCode(t, s.CreateCase(ctx, &shopguard.Case{ID: caseID(4), Lang: shopguard.LangEN}), shopguard.EINVALID, "case without owner")

	got, err := s.CaseByID(ctx, a.ID)
	if err != nil || string(got.KeyHash) != string(a.KeyHash) || got.Triage.AmountFen != 12345 || got.Triage.What != "收到假货" ||
		len(got.Triage.Evidence) != 1 || got.Lang != shopguard.LangZH || got.OwnerID != 0 || !got.CreatedAt.Equal(a.CreatedAt) {
		t.Fatalf("CaseByID = %+v, %v; want %+v", got, err, a)
	}
	_, err = s.CaseByID(ctx, caseID(9))
	wantCode(t, err, shopguard.ENOTFOUND, "CaseByID(missing)")

	list, err := s.ListCases(ctx, alice.ID)
	if err != nil || len(list) != 2 {
		t.Fatalf("ListCases = %v, %v; want alice's two cases", list, err)
	}

	if err := s.SetCaseShare(ctx, a.ID, []byte("share-hash")); err != nil {
		t.Fatalf("SetCaseShare: %v", err)
	}
	if got, _ := s.CaseByID(ctx, a.ID); string(got.ShareHash) != "share-hash" {
		t.Fatalf("share hash read back as %q", got.ShareHash)
	}
	if err := s.SetCaseShare(ctx, a.ID, nil); err != nil {
		t.Fatalf("SetCaseShare(nil): %v", err)
	}
	if got, _ := s.CaseByID(ctx, a.ID); len(got.ShareHash) != 0 {
		t.Fatalf("share not revoked: %q", got.ShareHash)
	}
	wantCode(t, s.SetCaseShare(ctx, caseID(9), nil), shopguard.ENOTFOUND, "SetCaseShare(missing)")

	tr := a.Triage
	tr.Payment, tr.PaidOn = shopguard.PaymentTransfer, "2026-11-19"
	at := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
	if err := s.UpdateTriage(ctx, a.ID, tr, at); err != nil {
		t.Fatalf("UpdateTriage: %v", err)
	}
	got, _ = s.CaseByID(ctx, a.ID)
	if got.Triage.Payment != shopguard.PaymentTransfer || got.Triage.PaidOn != "2026-11-19" || !got.UpdatedAt.Equal(at) {
		t.Fatalf("after UpdateTriage: %+v", got)
	}
	wantCode(t, s.UpdateTriage(ctx, caseID(9), tr, at), shopguard.ENOTFOUND, "UpdateTriage(missing)")
	tr.Culprit = "martian"
	wantCode(t, s.UpdateTriage(ctx, a.ID, tr, at), shopguard.EINVALID, "UpdateTriage(bad culprit)")
}

func testEvidence(t *testing.T, s shopguard.Store) {
	ctx := context.Background()
	a, b := mustCase(t, s, caseID(1), 0), mustCase(t, s, caseID(2), 0)
	shared, own := strings.Repeat("a", 64), strings.Repeat("b", 64)
	e1 := entry(a.ID, 1, shared, "")
	if err := s.AppendEvidence(ctx, e1); err != nil {
		t.Fatalf("AppendEvidence 1: %v", err)
	}
	wantCode(t, s.AppendEvidence(ctx, entry(a.ID, 1, own, "")), shopguard.ECONFLICT, "second entry 1")
	wantCode(t, s.AppendEvidence(ctx, entry(a.ID, 2, own, strings.Repeat("f", 64))), shopguard.ECONFLICT, "entry 2 after the wrong hash")
	wantCode(t, s.AppendEvidence(ctx, entry(a.ID, 3, own, e1.Hash)), shopguard.ECONFLICT, "entry 3 with 2 missing")
	wantCode(t, s.AppendEvidence(ctx, entry(caseID(9), 1, own, "")), shopguard.ENOTFOUND, "evidence of a missing case")
	e2 := entry(a.ID, 2, own, e1.Hash)
	if err := s.AppendEvidence(ctx, e2); err != nil {
		t.Fatalf("AppendEvidence 2: %v", err)
	}
	if err := s.AppendEvidence(ctx, entry(b.ID, 1, shared, "")); err != nil {
		t.Fatalf("AppendEvidence to b: %v", err)
	}
	log, err := s.ListEvidence(ctx, a.ID)
	if err != nil || len(log) != 2 {
		t.Fatalf("ListEvidence = %v, %v", log, err)
	}
	if g := log[1]; g.Seq != 2 || g.SHA256 != own || g.PrevHash != e1.Hash || g.Hash != e2.Hash || g.Name != e2.Name ||
		g.Size != 200 || g.Type != "image/png" || g.Note != "note" || !g.ReceivedAt.Equal(e2.ReceivedAt) {
		t.Fatalf("entry 2 read back as %+v, stored %+v", g, e2)
	}
	if n, err := s.EvidenceRefs(ctx, shared); err != nil || n != 2 {
		t.Fatalf("EvidenceRefs(shared) = %d, %v; want 2", n, err)
	}
	for prefix, want := range map[string][]string{"a": {shared}, "aa": {shared}, "bb": {own}, "ab": nil, "c": nil} {
		if got, err := s.FilesInUse(ctx, prefix); err != nil || !slices.Equal(got, want) {
			t.Fatalf("FilesInUse(%q) = %v, %v; want %v", prefix, got, err, want)
		}
	}

	if err := s.SetChannelStatus(ctx, &shopguard.ChannelStatus{CaseID: a.ID, Channel: "platform", State: shopguard.StateNotStarted}); err != nil {
		t.Fatal(err)
	}
	orphans, err := s.DeleteCase(ctx, a.ID)
	if err != nil {
		t.Fatalf("DeleteCase: %v", err)
	}
	if len(orphans) != 1 || orphans[0] != own {
		t.Fatalf("DeleteCase orphans = %v; want only the file no other case uses (%s)", orphans, own)
	}
	if log, _ := s.ListEvidence(ctx, a.ID); len(log) != 0 {
		t.Fatalf("evidence left after DeleteCase: %v", log)
	}
	if st, _ := s.ListChannelStatus(ctx, a.ID); len(st) != 0 {
		t.Fatalf("statuses left after DeleteCase: %v", st)
	}
	_, err = s.CaseByID(ctx, a.ID)
	wantCode(t, err, shopguard.ENOTFOUND, "CaseByID after DeleteCase")
	_, err = s.DeleteCase(ctx, a.ID)
	wantCode(t, err, shopguard.ENOTFOUND, "second DeleteCase")
	if n, _ := s.EvidenceRefs(ctx, shared); n != 1 {
		t.Fatalf("EvidenceRefs(shared) after deleting one case = %d; want 1", n)
	}
}

// testEvidenceSharedWithReports checks that a file counts as used while a case or a community
// report carries it: the blob store holds both, by SHA-256.
func testEvidenceSharedWithReports(t *testing.T, s shopguard.Store) {
	ctx := context.Background()
	shared, later := strings.Repeat("c", 64), strings.Repeat("d", 64)
	a := mustCase(t, s, caseID(1), 0)
	if err := s.AppendEvidence(ctx, entry(a.ID, 1, shared, "")); err != nil {
		t.Fatalf("AppendEvidence: %v", err)
	}
	mod := MustUser(t, s, "moderator", shopguard.RoleModerator)
	reporter := MustUser(t, s, "reporter", shopguard.RoleUser)
	r := &shopguard.Report{ScamType: "deposit_scam", Identifiers: []shopguard.Identifier{testPhone}, Narrative: "the chat is attached",
		ReporterID: reporter.ID, Trust: shopguard.TrustAccount, Evidence: []shopguard.Evidence{{SHA256: shared, Name: "chat.png", MediaType: "image/png", Size: 200}}}
	if err := s.CreateReport(ctx, r); err != nil {
		t.Fatalf("CreateReport: %v", err)
	}
	if n, err := s.EvidenceRefs(ctx, shared); err != nil || n != 2 {
		t.Fatalf("EvidenceRefs(shared by a case and a report) = %d, %v; want 2", n, err)
	}
	orphans, err := s.DeleteCase(ctx, a.ID)
	if err != nil || len(orphans) != 0 {
		t.Fatalf("DeleteCase = %v, %v; want no orphans: a report still carries the file", orphans, err)
	}
	if n, _ := s.EvidenceRefs(ctx, shared); n != 1 {
		t.Fatalf("EvidenceRefs(shared) after deleting the case = %d; want 1 (the report)", n)
	}

	// a file added when a moderator asked for more counts too
	if _, err := s.DecideReport(ctx, shopguard.Decision{ReportID: r.ID, ModeratorID: mod.ID, Action: shopguard.ActionAskInfo, Reason: "which chat?"}, time.Now()); err != nil {
		t.Fatalf("DecideReport(needs_info): %v", err)
	}
	if _, err := s.AddReportInfo(ctx, r.ID, reporter.ID, "this one", []shopguard.Evidence{{SHA256: later, Name: "more.png", MediaType: "image/png", Size: 3}}, time.Now()); err != nil {
		t.Fatalf("AddReportInfo: %v", err)
	}
	b := mustCase(t, s, caseID(2), 0)
	if err := s.AppendEvidence(ctx, entry(b.ID, 1, later, "")); err != nil {
		t.Fatalf("AppendEvidence: %v", err)
	}
	if orphans, err := s.DeleteCase(ctx, b.ID); err != nil || len(orphans) != 0 {
		t.Fatalf("DeleteCase = %v, %v; want no orphans: the report's added file is the same", orphans, err)
	}

	// the reference goes with the report
	if _, err := s.DecideReport(ctx, shopguard.Decision{ReportID: r.ID, ModeratorID: mod.ID, Action: shopguard.ActionDelete, Reason: "withdrawn"}, time.Now()); err != nil {
		t.Fatalf("DecideReport(delete): %v", err)
	}
	for _, sum := range []string{shared, later} {
		if n, err := s.EvidenceRefs(ctx, sum); err != nil || n != 0 {
			t.Fatalf("EvidenceRefs after deleting the report = %d, %v; want 0", n, err)
		}
	}
}

func testChannelStatus(t *testing.T, s shopguard.Store) {
	ctx := context.Background()
	a, b := mustCase(t, s, caseID(1), 0), mustCase(t, s, caseID(2), 0)
	set := func(cs *shopguard.ChannelStatus) {
		t.Helper()
		if err := s.SetChannelStatus(ctx, cs); err != nil {
			t.Fatalf("SetChannelStatus(%+v): %v", cs, err)
		}
	}
	set(&shopguard.ChannelStatus{CaseID: a.ID, Channel: "platform", State: shopguard.StateSubmitted, Reference: "TS-1", FollowUp: "2026-11-25"})
	set(&shopguard.ChannelStatus{CaseID: a.ID, Channel: "consumer_association_12315", State: shopguard.StateSubmitted, Reference: "1231500", FollowUp: "2026-12-05"})
	set(&shopguard.ChannelStatus{CaseID: a.ID, Channel: "merchant", State: shopguard.StateClosed, Reference: "none", FollowUp: "2026-11-01"})
	set(&shopguard.ChannelStatus{CaseID: b.ID, Channel: "police", State: shopguard.StateAnswered, FollowUp: "2026-11-24", Notes: "回执已领"})
	wantCode(t, s.SetChannelStatus(ctx, &shopguard.ChannelStatus{CaseID: a.ID, Channel: "police", State: shopguard.StateSubmitted}), shopguard.EINVALID, "submitted without a reference")
	wantCode(t, s.SetChannelStatus(ctx, &shopguard.ChannelStatus{CaseID: a.ID, Channel: "police", State: "lost"}), shopguard.EINVALID, "unknown state")
	wantCode(t, s.SetChannelStatus(ctx, &shopguard.ChannelStatus{CaseID: caseID(9), Channel: "police", State: shopguard.StateNotStarted}), shopguard.ENOTFOUND, "status of a missing case")

	// Replacing keeps one row per channel.
	set(&shopguard.ChannelStatus{CaseID: a.ID, Channel: "platform", State: shopguard.StateAnswered, Reference: "TS-1", Notes: "平台已回复", FollowUp: "2026-11-26"})
	st, err := s.ListChannelStatus(ctx, a.ID)
	if err != nil || len(st) != 3 {
		t.Fatalf("ListChannelStatus = %v, %v", st, err)
	}
	if st[2].Channel != "platform" || st[2].State != shopguard.StateAnswered || st[2].Notes != "平台已回复" || st[2].UpdatedAt.IsZero() {
		t.Fatalf("platform status = %+v", st[2])
	}

	due, err := s.DueFollowUps(ctx, []string{a.ID, b.ID}, "2026-11-30")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range due {
		got = append(got, d.Channel+"@"+d.FollowUp)
	}
	if strings.Join(got, " ") != "police@2026-11-24 platform@2026-11-26" {
		t.Fatalf("DueFollowUps = %v; want police then platform (closed and later ones left out)", got)
	}
	if due, _ := s.DueFollowUps(ctx, []string{b.ID}, "2026-11-30"); len(due) != 1 {
		t.Fatalf("DueFollowUps(b) = %v; want only b's", due)
	}
	if due, err := s.DueFollowUps(ctx, nil, "2026-11-30"); err != nil || len(due) != 0 {
		t.Fatalf("DueFollowUps(no cases) = %v, %v", due, err)
	}
	_, err = s.DueFollowUps(ctx, []string{a.ID}, "30.11.2026")
	wantCode(t, err, shopguard.EINVALID, "DueFollowUps(bad day)")
}

func testCaseReport(t *testing.T, s shopguard.Store) {
	ctx := context.Background()
	mod := MustUser(t, s, "mod", shopguard.RoleModerator)
	a, b := mustCase(t, s, caseID(1), 0), mustCase(t, s, caseID(2), 0)
	reported, kept := strings.Repeat("a", 64), strings.Repeat("c", 64)
	if err := s.AppendEvidence(ctx, entry(a.ID, 1, reported, "")); err != nil {
		t.Fatal(err)
	}
	if err := s.AppendEvidence(ctx, entry(a.ID, 2, kept, strings.Repeat("1", 64))); err != nil {
		t.Fatal(err)
	}
	newReport := func() *shopguard.Report {
		return &shopguard.Report{ScamType: "deposit_scam", Identifiers: []shopguard.Identifier{testPhone}, Narrative: "收到假货",
			Amount: "123.45", Currency: "CNY", Trust: shopguard.TrustAnonymous,
			Evidence: []shopguard.Evidence{{SHA256: reported, Name: "截图1.png", MediaType: "image/png", Size: 100}}}
	}
	before, err := s.ChangesSince(ctx, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}

	r := newReport()
	if err := s.ReportCase(ctx, a.ID, r); err != nil {
		t.Fatalf("ReportCase: %v", err)
	}
	if r.ID == 0 || r.Status != shopguard.ReportPending {
		t.Fatalf("ReportCase did not set the id and status: %+v", r)
	}
	if got, err := s.CaseByID(ctx, a.ID); err != nil || got.ReportID != r.ID {
		t.Fatalf("CaseByID after ReportCase: report id %v, %v; want %d", got, err, r.ID)
	}
	if got, err := s.ReportByID(ctx, r.ID); err != nil || got.Narrative != "收到假货" || len(got.Identifiers) != 1 || got.Identifiers[0] != testPhone {
		t.Fatalf("ReportByID(%d) = %+v, %v", r.ID, got, err)
	}
	after, err := s.ChangesSince(ctx, 0, 1000)
	if err != nil || len(after) != len(before)+1 || after[len(after)-1].Identifier != testPhone {
		t.Fatalf("changes after ReportCase = %v, %v; want the phone appended", after, err)
	}

	again := newReport()
	wantCode(t, s.ReportCase(ctx, a.ID, again), shopguard.ECONFLICT, "second ReportCase")
	wantCode(t, s.ReportCase(ctx, caseID(9), newReport()), shopguard.ENOTFOUND, "ReportCase(missing case)")
	all, err := s.ListReports(ctx, shopguard.ReportFilter{})
	if err != nil || len(all) != 1 || again.ID != 0 {
		t.Fatalf("reports after refused ReportCase = %d, %v (refused id %d); want only the first", len(all), err, again.ID)
	}
	if changes, _ := s.ChangesSince(ctx, 0, 1000); len(changes) != len(after) {
		t.Fatalf("a refused ReportCase appended %d changes", len(changes)-len(after))
	}

	// The report keeps its file when the case goes.
	orphans, err := s.DeleteCase(ctx, a.ID)
	if err != nil || len(orphans) != 1 || orphans[0] != kept {
		t.Fatalf("DeleteCase orphans = %v, %v; want only %s (the report's file stays)", orphans, err, kept)
	}

	// A report a moderator deletes no longer holds its case.
	rb := newReport()
	if err := s.ReportCase(ctx, b.ID, rb); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DecideReport(ctx, shopguard.Decision{ReportID: rb.ID, Action: shopguard.ActionDelete, Reason: "test", ModeratorID: mod.ID}, time.Now()); err != nil {
		t.Fatal(err)
	}
	if got, err := s.CaseByID(ctx, b.ID); err != nil || got.ReportID != 0 {
		t.Fatalf("case after its report was deleted: %+v, %v; want no report id", got, err)
	}
}
