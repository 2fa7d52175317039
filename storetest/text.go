package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/shopguard/shopguard"
)

// hostileTexts are strings no engine can keep alike: PostgreSQL refuses a NUL byte and bytes
// that are not UTF-8 in text, SQLite would keep them. Both must refuse them with EINVALID.
var hostileTexts = map[string]string{
	"NUL":            "before\x00after",
	"invalid UTF-8":  "before\xff\xfeafter",
	"cut-off UTF-8":  "收到假\xe8\xb4",
	"lone surrogate": "a\xed\xa0\x80b",
}

// testHostileText: every write that takes text refuses these with EINVALID naming the field,
// on both engines alike, and stores nothing; a look-up by such a name finds nothing.
func testHostileText(t *testing.T, s shopguard.Store) {
	ctx := context.Background()
	now := time.Now().UTC()
	u := &shopguard.User{Name: "reporter", Role: shopguard.RoleUser, PasswordHash: "$argon2id$x"}
	if err := s.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	c := mustCase(t, s, caseID(1), 0)
	for what, bad := range hostileTexts {
		writes := map[string]func() error{
			"user name": func() error {
				return s.CreateUser(ctx, &shopguard.User{Name: bad, Role: shopguard.RoleUser, PasswordHash: "$argon2id$x"})
			},
			"key name": func() error {
				return s.CreateAPIKey(ctx, &shopguard.APIKey{UserID: u.ID, Name: bad, Prefix: "sg_hostile", SecretHash: []byte("x"), Scopes: []shopguard.Scope{shopguard.ScopeCheck}})
			},
			"report narrative": func() error {
				return s.CreateReport(ctx, &shopguard.Report{ScamType: "deposit_scam", Identifiers: []shopguard.Identifier{testPhone}, Narrative: bad})
			},
			"appeal reason": func() error {
				return s.CreateAppeal(ctx, &shopguard.Appeal{Identifier: testPhone, Reason: bad, Method: shopguard.ProofReview, Status: shopguard.AppealReview})
			},
			"feedback comment": func() error {
				return s.AddFeedback(ctx, &shopguard.Feedback{Identifier: testPhone, UserID: u.ID, Comment: bad})
			},
			"channel notes": func() error {
				return s.SetChannelStatus(ctx, &shopguard.ChannelStatus{CaseID: c.ID, Channel: "platform", State: shopguard.StateSubmitted, Notes: bad, UpdatedAt: now})
			},
			"evidence note": func() error {
				return s.AppendEvidence(ctx, &shopguard.EvidenceEntry{CaseID: c.ID, Seq: 1, SHA256: "0000000000000000000000000000000000000000000000000000000000000000", Name: "a.png", Type: "image/png", Size: 1, ReceivedAt: now, Note: bad})
			},
		}
		for name, write := range writes {
			err := write()
			if shopguard.ErrorCode(err) != shopguard.EINVALID || shopguard.ErrorField(err) == "" {
				t.Errorf("%s with %s: %v, want EINVALID naming the field", name, what, err)
			}
		}
		if _, err := s.UserByName(ctx, bad); shopguard.ErrorCode(err) != shopguard.ENOTFOUND {
			t.Errorf("UserByName with %s: %v, want ENOTFOUND", what, err)
		}
	}
	if rs, err := s.ListReports(ctx, shopguard.ReportFilter{}); err != nil || len(rs) != 0 {
		t.Errorf("reports kept after refusals: %d %v", len(rs), err)
	}
	if ev, err := s.ListEvidence(ctx, c.ID); err != nil || len(ev) != 0 {
		t.Errorf("evidence kept after refusals: %d %v", len(ev), err)
	}
}
