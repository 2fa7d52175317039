package http_test

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/shopguard/shopguard"
)

// verdict is what the check routes answer, reduced to what these tests look at.
type verdict struct {
	Risk    shopguard.Risk `json:"risk"`
	Score   int            `json:"score"`
	Signals []struct {
		Code    string            `json:"code"`
		Weight  int               `json:"weight"`
		Field   string            `json:"field"`
		Span    *shopguard.Span   `json:"span"`
		Args    map[string]string `json:"args"`
		Message string            `json:"message"`
	} `json:"signals"`
}

// signal returns the index of the first signal with the code, -1 when none.
func (v verdict) signal(code string) int {
	for i, s := range v.Signals {
		if s.Code == code {
			return i
		}
	}
	return -1
}

func postVerdict(t *testing.T, ts *testServer, path, body string) verdict {
	t.Helper()
	st, _, out := ts.do(t, "POST", path, body, nil)
	var v verdict
	if st != 200 || json.Unmarshal(out, &v) != nil {
		t.Fatalf("POST %s: %d %s", path, st, out)
	}
	return v
}

// submit posts a form to a page of the test server.
func (ts *testServer) submit(t *testing.T, path string, form url.Values) (int, string) {
	t.Helper()
	return postForm(t, ts.Client(), ts.URL+path+"?lang=en", "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
}

// A moderator's confirmation of a report reaches every check: a chat that holds the number,
// a seller who gives it, a link to the domain.
func TestConfirmedReportRaisesTheChecks(t *testing.T) {
	ts := newIntelServer(t)
	const (
		chat    = `{"lang":"en","messages":[{"from":"them","text":"您好，台灯已经发货，有问题打我电话 138-1234-5678"},{"from":"me","text":"好的"}]}`
		seller  = `{"price":"199","on_platform":true,"payment":"escrow","contacts":[{"kind":"mobile","value":"13812345678"}]}`
		linkReq = `{"url":"https://sunny-gadgets.com/deal","lang":"en"}`
	)
	sellerForm := url.Values{"price": {"199"}, "on_platform": {"on"}, "payment": {"escrow"}, "contact_phone": {"138 1234 5678"}}
	// Before: every check is calm.
	for path, body := range map[string]string{"/api/v1/scan": chat, "/api/v1/check/listing": seller, "/api/v1/check/url": linkReq} {
		if v := postVerdict(t, ts, path, body); v.Risk != shopguard.RiskLow {
			t.Fatalf("before the report, %s = %+v", path, v)
		}
	}

	report := `{"scam_type":"deposit_scam","identifiers":[{"kind":"phone","value":"138 1234 5678"},{"kind":"domain","value":"sunny-gadgets.com"}],"narrative":"took a deposit for a lamp and vanished"}`
	st, _, out := ts.do(t, "POST", "/api/v1/reports", report, nil)
	var created struct{ ID int64 }
	if st != 201 || json.Unmarshal(out, &created) != nil {
		t.Fatalf("report: %d %s", st, out)
	}
	// Pending, a single anonymous report stays calm on the link check (only confirmed
	// domains are reports there).
	if v := postVerdict(t, ts, "/api/v1/check/url", linkReq); v.Risk != shopguard.RiskLow {
		t.Fatalf("pending report raised the link: %+v", v)
	}
	mod := ts.mustKey(t, "mod", shopguard.RoleModerator, shopguard.ScopeCheck, shopguard.ScopeModerate)
	if st, _, out := ts.do(t, "POST", "/api/v1/reports/"+itoa(created.ID)+"/decision", `{"action":"confirm","reason":"receipts match"}`, bearer(mod)); st != 200 {
		t.Fatalf("confirm: %d %s", st, out)
	}

	v := postVerdict(t, ts, "/api/v1/scan", chat)
	i := v.signal("intel.confirmed_identifier")
	if v.Risk != shopguard.RiskHigh || i < 0 || v.Signals[i].Span == nil || v.Signals[i].Span.Message != 0 || !strings.Contains(v.Signals[i].Message, "138****5678") {
		t.Fatalf("chat after confirmation: %+v", v)
	}
	v = postVerdict(t, ts, "/api/v1/check/listing?lang=en", seller)
	if i := v.signal("intel.confirmed_identifier"); v.Risk != shopguard.RiskHigh || i < 0 || v.Signals[i].Field != "contacts[0].value" {
		t.Fatalf("seller after confirmation: %+v", v)
	}
	v = postVerdict(t, ts, "/api/v1/check/url", linkReq)
	if i := v.signal("link.reported"); v.Risk != shopguard.RiskHigh || i < 0 || v.Signals[i].Args["feed"] != "community" {
		t.Fatalf("link after confirmation: %+v", v)
	}
	// The chat page and the seller form show it too.
	st, page := ts.submit(t, "/check/chat", url.Values{"text": {"店铺网址 sunny-gadgets.com/deal 欢迎光临"}})
	if st != 200 || !strings.Contains(page, `data-risk="high"`) || !strings.Contains(page, `data-code="link.reported"`) || !strings.Contains(page, `href="/check/link?url=sunny-gadgets.com%2fdeal"`) {
		t.Fatalf("chat page: %d\n%s", st, page)
	}
	st, page = ts.submit(t, "/check/seller", sellerForm)
	if st != 200 || !strings.Contains(page, `data-risk="high"`) || !strings.Contains(page, `data-code="intel.confirmed_identifier"`) || !strings.Contains(page, `value="138 1234 5678"`) {
		t.Fatalf("seller page: %d\n%s", st, page)
	}
	// A value that is no number is named on the form.
	st, page = ts.submit(t, "/check/seller", url.Values{"price": {"199"}, "contact_qq": {"12ab"}})
	if st != 400 || !strings.Contains(page, `id="contact_qq" name="contact_qq" autocomplete="off" value="12ab" aria-invalid="true"`) {
		t.Fatalf("bad QQ on the form: %d\n%s", st, page)
	}
	// What the shopper typed is not logged.
	if logs := ts.logs.String(); strings.Contains(logs, "13812345678") || strings.Contains(logs, "1234 5678") || strings.Contains(logs, "1234-5678") {
		t.Fatalf("logs hold the number:\n%s", logs)
	}
}

// The links in a chat are judged by the link check: a look-alike raises a calm chat, an
// official link does not.
func TestScanJudgesTheLinks(t *testing.T) {
	ts := newTestServer(t, nil)
	v := postVerdict(t, ts, "/api/v1/scan", `{"lang":"en","text":"您好，退款进度可以在这里查看 taobao-tuikuan.com 有问题再联系"}`)
	i := v.signal("link.brand_combo")
	if v.Risk == shopguard.RiskLow || i < 0 || v.Signals[i].Span == nil || v.Signals[i].Span.Start != 15 || v.Signals[i].Message == "" {
		t.Fatalf("look-alike in a chat: %+v", v)
	}
	if v := postVerdict(t, ts, "/api/v1/scan", `{"text":"您好，退款进度可以在这里查看 https://www.taobao.com/refund 有问题再联系"}`); v.Risk != shopguard.RiskLow {
		t.Fatalf("official link in a chat: %+v", v)
	}
}
