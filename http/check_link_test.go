package http_test

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/detect/link"
)

func TestCheckURLAPI(t *testing.T) {
	ts := newTestServer(t, nil)
	st, _, body := ts.do(t, "POST", "/api/v1/check/url", `{"url":"https://taobao.com.refund-center.xyz/login","lang":"en"}`, nil)
	if st != 200 {
		t.Fatalf("status %d: %s", st, body)
	}
	var res link.Result
	if err := json.Unmarshal(body, &res); err != nil {
		t.Fatal(err)
	}
	if res.Risk != shopguard.RiskHigh || res.Site != "refund-center.xyz" || len(res.Signals) == 0 || len(res.Advice) == 0 {
		t.Fatalf("got %+v, want high risk on site refund-center.xyz with signals and advice", res)
	}
	var sub *shopguard.Signal
	for i, s := range res.Signals {
		if s.Code == "link.brand_in_subdomain" {
			sub = &res.Signals[i]
		}
	}
	if sub == nil || !strings.Contains(sub.Message, "refund-center.xyz") || !strings.Contains(sub.Message, "Taobao") {
		t.Errorf("brand_in_subdomain signal %+v: want an English message naming Taobao and the real site", sub)
	}

	_, _, body = ts.do(t, "POST", "/api/v1/check/url", `{"url":"item.taobao.com"}`, map[string]string{"Accept-Language": "zh-CN"})
	json.Unmarshal(body, &res)
	if res.Risk != shopguard.RiskLow || len(res.Signals) != 1 || res.Signals[0].Code != "link.official_domain" || !strings.Contains(res.Signals[0].Message, "淘宝") {
		t.Errorf("official domain: got %+v, want low with a Chinese official-domain message", res)
	}

	for _, tc := range []struct{ body, field string }{
		{`{"url":""}`, "url"},
		{`{"url":"not a link"}`, "url"},
		{`{"url":"a.com","lang":"fr"}`, "lang"},
		{`{"link":"a.com"}`, "link"},
	} {
		st, _, body := ts.do(t, "POST", "/api/v1/check/url", tc.body, nil)
		if e := errorOf(t, body); st != 400 || e.Code != shopguard.EINVALID || e.Field != tc.field {
			t.Errorf("%s: got %d %+v, want 400 EINVALID on %s", tc.body, st, e, tc.field)
		}
	}
}

func TestCheckLinkPage(t *testing.T) {
	ts := newTestServer(t, nil)
	st, _, body := ts.do(t, "GET", "/check/link?url="+url.QueryEscape("https://xn--80aa5bbq6d.com/pay"), "", map[string]string{"Accept-Language": "en"})
	page := string(body)
	if st != 200 || !strings.Contains(page, `data-risk="high"`) || !strings.Contains(page, "таоьао.com") ||
		!strings.Contains(page, "xn--80aa5bbq6d.com (shown as таоьао.com) spells Taobao") || !strings.Contains(page, `data-code="link.brand_homoglyph"`) {
		t.Fatalf("status %d; want the verdict, the decoded host and the explained signal:\n%s", st, page)
	}
	_, _, body = ts.do(t, "GET", "/check/link?url=taobao.com", "", map[string]string{"Accept-Language": "zh-CN"})
	if page := string(body); !strings.Contains(page, `data-risk="low"`) || !strings.Contains(page, "淘宝的官方域名") {
		t.Errorf("zh page for an official domain lacks its explanation:\n%s", page)
	}
	st, _, body = ts.do(t, "GET", "/check/link?url=%20not%20a%20link", "", map[string]string{"Accept-Language": "en"})
	if st != 400 || !strings.Contains(string(body), "does not look like a link") {
		t.Errorf("bad link: status %d\n%s", st, body)
	}
}
