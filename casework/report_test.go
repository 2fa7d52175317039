package casework_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/casework"
	"github.com/shopguard/shopguard/intel"
	"github.com/shopguard/shopguard/knowledge"
	"github.com/shopguard/shopguard/sqlstore"
)

func TestProposeScamType(t *testing.T) {
	pack, err := knowledge.Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		culprit shopguard.Culprit
		payment shopguard.Payment
		want    string
	}{
		{shopguard.CulpritImpostor, shopguard.PaymentTransfer, "fake_customer_service"},
		{shopguard.CulpritPlatform, shopguard.PaymentCard, "fake_shop"},
		{shopguard.CulpritSeller, shopguard.PaymentCOD, "cod_switch"},
		{shopguard.CulpritSeller, shopguard.PaymentTransfer, "off_platform_payment"},
		{shopguard.CulpritSeller, shopguard.PaymentEscrow, "counterfeit_goods"},
		{shopguard.CulpritBuyer, shopguard.PaymentTransfer, ""},
		{shopguard.CulpritUnknown, shopguard.PaymentUnknown, ""},
	} {
		got := casework.ProposeScamType(shopguard.Triage{Culprit: tc.culprit, Payment: tc.payment})
		if got != tc.want {
			t.Errorf("ProposeScamType(%s, %s) = %q; want %q", tc.culprit, tc.payment, got, tc.want)
		}
		if _, ok := pack.ScamType(got); got != "" && !ok {
			t.Errorf("ProposeScamType(%s, %s) = %q, which the knowledge pack does not know", tc.culprit, tc.payment, got)
		}
	}
}

func TestPlatformCode(t *testing.T) {
	pack, err := knowledge.Default()
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{"": "", "xianyu": "xianyu", " 闲鱼 ": "xianyu", "Taobao": "taobao", "淘宝网": "taobao",
		"goofish": "xianyu", "京东": "jd", "some forum": "other", "WeChat": "wechat"} {
		if got := casework.PlatformCode(pack, name); got != want {
			t.Errorf("PlatformCode(%q) = %q; want %q", name, got, want)
		}
	}
}

// TestReportCase files a case through a real intel service over SQLite: the report takes the
// triage, refuses a case file the report side does not accept, and a case is reported once.
func TestReportCase(t *testing.T) {
	ctx := context.Background()
	v, _ := testVault(t)
	pack, err := knowledge.Default()
	if err != nil {
		t.Fatal(err)
	}
	db := v.Cases.(*sqlstore.DB)
	svc := &intel.Service{Store: db, Index: intel.NewIndex(), Secret: []byte("test"), KnownScamType: func(id string) bool { _, ok := pack.ScamType(id); return ok }}
	x := &casework.Reporting{Cases: db, Blobs: v.Blobs, Intel: svc, Pack: pack}
	c := mustNewCase(t, v, shopguard.Triage{What: "付了定金后卖家失联", Culprit: shopguard.CulpritSeller, Payment: shopguard.PaymentTransfer,
		AmountFen: 329950, PaidOn: "2026-11-18", Platform: "闲鱼"})
	png, err := v.Add(ctx, c.ID, "chat.png", "", bytes.NewReader(append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 32)...)))
	if err != nil {
		t.Fatal(err)
	}
	mp3, err := v.Add(ctx, c.ID, "call.mp3", "", bytes.NewReader(append([]byte("ID3\x03\x00\x00\x00"), make([]byte, 32)...)))
	if err != nil {
		t.Fatal(err)
	}
	req := casework.ReportRequest{Consent: true, ScamType: "off_platform_payment",
		Identifiers: []shopguard.Identifier{{Kind: shopguard.KindPhone, Value: "138 1234 5678"}}, Evidence: []string{png.SHA256, mp3.SHA256}}

	_, err = x.Report(ctx, c, req, intel.Reporter{})
	if shopguard.ErrorField(err) != "evidence" || !strings.Contains(shopguard.ErrorMessage(err), "call.mp3") {
		t.Fatalf("Report with an audio file = %v; want an evidence error naming call.mp3", err)
	}
	req.Evidence = req.Evidence[:1]
	r, err := x.Report(ctx, c, req, intel.Reporter{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := db.ReportByID(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Narrative != "付了定金后卖家失联" || got.Platform != "xianyu" || got.Amount != "3299.50" || got.Currency != "CNY" ||
		got.OccurredOn != "2026-11-18" || got.Trust != shopguard.TrustAnonymous || got.ReporterID != 0 ||
		len(got.Identifiers) != 1 || got.Identifiers[0].Value != "+8613812345678" || len(got.Evidence) != 1 || got.Evidence[0].SHA256 != png.SHA256 {
		t.Fatalf("stored report = %+v", got)
	}
	if stored, _ := db.CaseByID(ctx, c.ID); stored.ReportID != r.ID || c.ReportID != r.ID {
		t.Fatalf("case report id = %d (in memory %d); want %d", stored.ReportID, c.ReportID, r.ID)
	}
	if in, err := svc.Lookup(shopguard.KindPhone, "13812345678"); err != nil || in.Reports != 1 {
		t.Fatalf("Lookup after the case report = %+v, %v; want one report", in, err)
	}
	stale := *c
	stale.ReportID = 0 // as read before the first report: the store still refuses
	if _, err := x.Report(ctx, &stale, req, intel.Reporter{}); shopguard.ErrorCode(err) != shopguard.ECONFLICT {
		t.Fatalf("second Report = %v; want a conflict", err)
	}
}
