package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/detect/combine"
	"github.com/shopguard/shopguard/detect/site"
	"github.com/shopguard/shopguard/intel"
	"github.com/shopguard/shopguard/sqlite"
)

const sites = "../../detect/site/testdata/sites/"

func TestCheckSiteHTML(t *testing.T) {
	code, out, errOut := run(t, nil, "", "check site", "--html", "--url", "https://youpinshuma.com/", "--lang", "en",
		sites+"zh-fake-company-mismatch/index.html", sites+"zh-fake-company-mismatch/about.html")
	if code != 1 || !strings.Contains(out, "[site.company_mismatch]") || !strings.Contains(out, "not checked:") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	code, out, _ = run(t, nil, "", "check site", "--html", "--json", "--url", "https://www.shumacheng.com.cn/", sites+"zh-legit-digital/index.html")
	var r site.Result
	if code != 0 || json.Unmarshal([]byte(out), &r) != nil || r.Risk != shopguard.RiskLow {
		t.Fatalf("honest shop: exit %d\n%s", code, out)
	}
	if code, _, errOut := run(t, nil, "", "check site", "--html", sites+"zh-legit-digital/index.html"); code != 2 || !strings.Contains(errOut, "--url") {
		t.Errorf("no --url: exit %d %s", code, errOut)
	}
}

func TestAssessCLI(t *testing.T) {
	dir := t.TempDir()
	csv := filepath.Join(dir, "prices.csv")
	os.WriteFile(csv, []byte("item,category,price,currency,source\niPhone 15 Pro,手机,7999,CNY,jd.com\n"), 0o600)
	req := `{"item":{"title":"iPhone 15 Pro 256GB"},"price":{"amount":"1999","currency":"CNY"},"payment_method":"bank_transfer","site":"https://apple-neibu.com/"}`
	code, out, errOut := run(t, nil, req, "assess", "--offline", "--prices", csv, "--lang", "en", "-")
	if code != 1 || !strings.Contains(out, "[price]") || !strings.Contains(out, "7999.00") || !strings.Contains(out, "site: not read") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	if code, out, _ := run(t, nil, req, "assess", "--offline", "--prices", csv, "--lang", "zh-CN", "-"); code != 1 || !strings.Contains(out, "该不该付款：") || !strings.Contains(out, "未检查: ") || strings.Contains(out, "should I pay") {
		t.Errorf("in Chinese: exit %d\n%s", code, out)
	}
	lines := `{"id":"a","platform":"taobao","payment_method":"escrow"}` + "\n" + `{"id":"b","payment_method":"crypto"}` + "\n" + `{"id":"c","payment_method":"cheque"}` + "\n"
	code, out, errOut = run(t, nil, lines, "assess", "--offline", "--jsonl")
	if code != 0 {
		t.Fatalf("jsonl: exit %d %s", code, errOut)
	}
	rows := strings.Split(strings.TrimSpace(out), "\n")
	if len(rows) != 3 {
		t.Fatalf("jsonl: %d lines\n%s", len(rows), out)
	}
	var b struct {
		ID     string `json:"id"`
		Result combine.Answer
		Error  *struct{ Field string }
	}
	json.Unmarshal([]byte(rows[1]), &b)
	if b.ID != "b" || !strings.Contains(rows[1], `"risk":"high"`) || !strings.Contains(rows[2], "payment_method") {
		t.Errorf("jsonl rows:\n%s", out)
	}
}

func TestImportPrices(t *testing.T) {
	data := t.TempDir()
	env := map[string]string{"SHOPGUARD_DATA": data}
	good := "item,category,price,currency,source\niPhone 15 Pro,手机,7999,CNY,jd.com\n,羽绒服,599,CNY,survey\n"
	if code, out, errOut := run(t, env, good, "import prices", "-"); code != 0 || !strings.Contains(out, "2 reference prices") {
		t.Fatalf("exit %d %s %s", code, out, errOut)
	}
	if code, _, errOut := run(t, env, "item,category,price,currency,source\nps5 slim,,cheap,USD,x\n", "import prices", "-"); code != 2 || !strings.Contains(errOut, "row 2, column price") {
		t.Errorf("bad row: exit %d %s", code, errOut)
	}
	db, err := sqlite.Open(context.Background(), filepath.Join(data, "shopguard.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	n := 0
	db.EachPrice(context.Background(), func(shopguard.PriceObservation) error { n++; return nil })
	if n != 2 {
		t.Errorf("%d prices stored, want 2 (the bad file adds none)", n)
	}
}

// check site looks the QQ numbers a shop's pages show up in the community's reports: a
// confirmed report raises the site and names the number and its page; a report no moderator
// has confirmed counts for nothing.
func TestCheckSiteAsksTheReports(t *testing.T) {
	ctx := context.Background()
	data := t.TempDir()
	env := map[string]string{"SHOPGUARD_DATA": data}
	// An anonymous report on the first QQ of the contact page, which a moderator confirms below.
	code, out, errOut := run(t, env, "a tea shop took the money and never sent the tea", "report", "--type", "fake_shop", "--id", "qq:3456789012", "--json")
	var filed struct{ ID int64 }
	if code != 0 || json.Unmarshal([]byte(out), &filed) != nil {
		t.Fatalf("report: %d %s %s", code, out, errOut)
	}
	// A trusted reporter's report on the second, which no moderator has looked at yet: it
	// weighs enough for a suspicion, and is still no finding for the public.
	db, err := sqlite.Open(ctx, filepath.Join(data, "shopguard.db"))
	if err != nil {
		t.Fatal(err)
	}
	mod := &shopguard.User{Name: "mod", Role: shopguard.RoleModerator, PasswordHash: "$argon2id$unused"}
	if err := db.CreateUser(ctx, mod); err != nil {
		t.Fatal(err)
	}
	svc := &intel.Service{Store: db, Index: intel.NewIndex()}
	pending := &shopguard.Report{ScamType: "fake_shop", Identifiers: []shopguard.Identifier{{Kind: shopguard.KindQQ, Value: "4567890123"}}, Narrative: "never sent the tea"}
	if err := svc.Submit(ctx, pending, intel.Reporter{UserID: mod.ID, Role: shopguard.RoleModerator}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if code, out, _ := run(t, env, "", "check", "qq", "--json", "4567890123"); !strings.Contains(out, `"finding": "under_review"`) || !strings.Contains(out, `"risk": "medium"`) {
		t.Fatalf("the pending report is not a suspicion under review in the database: %d %s", code, out)
	}
	check := func() (int, site.Result) {
		t.Helper()
		code, out, errOut := run(t, env, "", "check site", "--html", "--json", "--lang", "en", "--fail-on", "medium", "--url", "https://qinghechaye.com/",
			reported+"index.html", reported+"contact.html")
		var r site.Result
		if err := json.Unmarshal([]byte(out), &r); err != nil {
			t.Fatalf("check site: %d %s %s", code, out, errOut)
		}
		return code, r
	}
	code, r := check()
	if code != 0 || r.Risk != shopguard.RiskLow || hasCode(r.Signals, "intel.") || !slices.Contains(r.Checked, shopguard.CheckedCommunity) {
		t.Fatalf("pending reports counted: exit %d %+v", code, r.Assessment)
	}

	if db, err = sqlite.Open(ctx, filepath.Join(data, "shopguard.db")); err != nil {
		t.Fatal(err)
	}
	_, err = db.DecideReport(ctx, shopguard.Decision{ReportID: filed.ID, Action: shopguard.ActionConfirm, Reason: "chat logs match", ModeratorID: mod.ID}, time.Now())
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	code, r = check()
	var got []shopguard.Signal
	for _, s := range r.Signals {
		if strings.HasPrefix(s.Code, "intel.") {
			got = append(got, s)
		}
	}
	if code != 1 || r.Risk != shopguard.RiskMedium || len(got) != 1 || got[0].Code != "intel.confirmed_identifier" ||
		got[0].Args["evidence"] != "qq 34******12" || got[0].Args["page"] != "https://qinghechaye.com/#contact.html" || !strings.Contains(got[0].Message, "34******12") {
		t.Fatalf("after the confirmation: exit %d %+v", code, r.Assessment)
	}
}

const reported = "../../detect/site/testdata/reported/"

func hasCode(sigs []shopguard.Signal, prefix string) bool {
	return slices.ContainsFunc(sigs, func(s shopguard.Signal) bool { return strings.HasPrefix(s.Code, prefix) })
}
