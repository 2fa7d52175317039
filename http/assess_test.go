package http_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/detect/combine"
	"github.com/shopguard/shopguard/detect/site"
	"github.com/shopguard/shopguard/fetch"
)

// fullAssessment fills every field of the contract but the live site.
const fullAssessment = `{"links":["http://taobao-tuikuan.com/refund"],"seller":{"name":"优品数码","company":"深圳优品数码科技有限公司",
"contacts":[{"kind":"qq","value":"2876543210"},{"kind":"mobile","value":"13912345678"}],"address":"广东省深圳市南山区科苑路15号"},
"bank_account":{"number":"6222021234567890128","holder":"王强"},"platform":"xianyu","item":{"title":"iPhone 15 Pro 256GB","category":"手机"},
"price":{"amount":"1999","currency":"CNY"},"payment_method":"bank_transfer","chat":"亲，平台手续费太高，加我QQ私下转账吧，先付500定金我就发货。","lang":"en"}`

func TestAssessAPI(t *testing.T) {
	ts := newTestServer(t, nil)
	st, _, body := ts.do(t, "POST", "/api/v1/assess", fullAssessment, nil)
	var a combine.Answer
	if st != 200 || json.Unmarshal(body, &a) != nil {
		t.Fatalf("assess: %d %s", st, body)
	}
	if a.Risk != "high" || len(a.Types) == 0 || len(a.Advice) == 0 {
		t.Errorf("verdict %s, types %v, advice %v", a.Risk, a.Types, a.Advice)
	}
	sources := map[string]bool{}
	for _, s := range a.Signals {
		sources[s.Source] = true
		if s.Message == "" || strings.Contains(s.Message, "{") {
			t.Errorf("signal %s not explained: %q", s.Code, s.Message)
		}
	}
	for _, want := range []string{"link", "chat", "listing"} {
		if !sources[want] {
			t.Errorf("no signal from %s: %s", want, body)
		}
	}
	if !slices.Contains(a.Unchecked, "price: no_reference") {
		t.Errorf("the answer does not say the price had no reference: %v", a.Unchecked)
	}
	// Nothing to check: the answer says so, with a signal explaining that no finding is not safety.
	st, _, body = ts.do(t, "POST", "/api/v1/assess?lang=zh-CN", `{}`, nil)
	if st != 200 || json.Unmarshal(body, &a) != nil || len(a.Checked) != 0 || len(a.Signals) != 1 || a.Signals[0].Code != combine.CodeNothingChecked || !strings.Contains(a.Signals[0].Message, "不等于安全") {
		t.Errorf("empty assessment: %d %s", st, body)
	}
	st, _, body = ts.do(t, "POST", "/api/v1/assess", `{"bank_account":{"number":"12ab"}}`, nil)
	if st != 400 || errorOf(t, body).Field != "bank_account.number" {
		t.Errorf("bad account: %d %s", st, body)
	}
	// The listing check keeps its route.
	if st, _, body := ts.do(t, "POST", "/api/v1/check/listing", `{"price":"100","payment":"crypto"}`, nil); st != 200 {
		t.Errorf("listing route: %d %s", st, body)
	}
}

// shopServer serves one fixture site of detect/site (a directory of testdata/sites) under
// any host name.
func shopServer(t *testing.T, dir string) (*httptest.Server, string) {
	return shopServerAt(t, "../detect/site/testdata/sites/"+dir)
}

// shopServerAt serves the pages of the directory dir under any host name.
func shopServerAt(t *testing.T, dir string) (*httptest.Server, string) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := r.URL.Path[strings.LastIndexByte(r.URL.Path, '/')+1:]
		if name == "" {
			name = "index.html"
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		http.ServeFile(w, r, dir+"/"+name)
	}))
	t.Cleanup(srv.Close)
	return srv, srv.URL[strings.LastIndexByte(srv.URL, ':')+1:]
}

func loopbackFetcher() *fetch.Fetcher {
	return fetch.New(fetch.Options{AllowLoopback: true, AnyPort: true, PageTimeout: 2 * time.Second,
		Resolve: func(context.Context, string) ([]netip.Addr, error) {
			return []netip.Addr{netip.MustParseAddr("127.0.0.1")}, nil
		}})
}

func TestCheckSiteAPI(t *testing.T) {
	ts := newTestServer(t, nil)
	page, _ := json.Marshal(`<html lang="zh-CN"><title>名表特卖</title><p>客服QQ：2876543210</p><p>付款方式：银行转账</p>`)
	st, _, body := ts.do(t, "POST", "/api/v1/check/site?lang=en", `{"url":"https://mingbiao-temai.com/","html":[`+string(page)+`]}`, nil)
	var r site.Result
	if st != 200 || json.Unmarshal(body, &r) != nil || r.Risk != "high" || r.Signals[0].Message == "" {
		t.Fatalf("site check of handed HTML: %d %s", st, body)
	}
	// Without pages and without a fetcher the server says it reads no sites.
	st, _, body = ts.do(t, "POST", "/api/v1/check/site", `{"url":"https://mingbiao-temai.com/"}`, nil)
	if st != 503 {
		t.Errorf("no fetcher: %d %s", st, body)
	}
	// With a fetcher, the live site is read: the fixture's contact page too.
	ts.srv.Fetcher = loopbackFetcher()
	_, port := shopServer(t, "zh-legit-digital")
	st, _, body = ts.do(t, "POST", "/api/v1/check/site", `{"url":"http://www.shumacheng.com.cn:`+port+`/"}`, nil)
	if st != 200 || json.Unmarshal(body, &r) != nil || len(r.Pages) != 2 || r.Risk != "low" || !slices.Contains(r.Checked, "icp") {
		t.Errorf("live site: %d %s", st, body)
	}
	// An assessment reads the site too, and its signals say they come from it.
	_, port = shopServer(t, "zh-fake-qq-only")
	st, _, body = ts.do(t, "POST", "/api/v1/assess", `{"site":"http://mingbiao-temai.com:`+port+`/","payment_method":"bank_transfer"}`, nil)
	var a combine.Answer
	if st != 200 || json.Unmarshal(body, &a) != nil || a.Risk != "high" || !slices.Contains(a.Checked, "site") ||
		!slices.ContainsFunc(a.Signals, func(s shopguard.Signal) bool { return s.Source == "site" && s.Code == site.CodeContactOnlyIM }) {
		t.Errorf("assessment with a live site: %d %s", st, body)
	}
}

// The site check looks the QQ numbers a shop's pages show up in the community's reports, on
// the API, the page and in an assessment: a confirmed report raises the site and names the
// number and its page; a report no moderator has confirmed counts for nothing, even one of a
// trusted reporter that makes the number a suspicion.
func TestCheckSiteAsksTheReports(t *testing.T) {
	ts := newIntelServer(t)
	var pages []string
	for _, name := range []string{"index.html", "contact.html"} {
		b, err := os.ReadFile("../detect/site/testdata/reported/" + name)
		if err != nil {
			t.Fatal(err)
		}
		pages = append(pages, string(b))
	}
	handed, _ := json.Marshal(pages)
	siteReq := `{"url":"https://qinghechaye.com/","lang":"en","html":` + string(handed) + `}`
	mod := ts.mustKey(t, "mod", shopguard.RoleModerator, shopguard.ScopeCheck, shopguard.ScopeReport, shopguard.ScopeModerate)
	file := func(qq string, key map[string]string) int64 {
		t.Helper()
		st, _, out := ts.do(t, "POST", "/api/v1/reports", `{"scam_type":"fake_shop","identifiers":[{"kind":"qq","value":"`+qq+`"}],"narrative":"never sent the tea"}`, key)
		var created struct{ ID int64 }
		if st != 201 || json.Unmarshal(out, &created) != nil {
			t.Fatalf("report %s: %d %s", qq, st, out)
		}
		return created.ID
	}
	anon := file("3456789012", nil)
	file("4567890123", bearer(mod)) // a moderator's own report weighs as a trusted reporter's
	if st, _, out := ts.do(t, "GET", "/api/v1/indicators/qq/4567890123", "", bearer(mod)); st != 200 || !bytes.Contains(out, []byte(`"risk":"medium"`)) {
		t.Fatalf("the trusted pending report is no suspicion: %d %s", st, out)
	}
	var r site.Result
	st, _, out := ts.do(t, "POST", "/api/v1/check/site", siteReq, nil)
	if st != 200 || json.Unmarshal(out, &r) != nil || r.Risk != shopguard.RiskLow || !slices.Contains(r.Checked, shopguard.CheckedCommunity) ||
		slices.ContainsFunc(r.Signals, func(s shopguard.Signal) bool { return strings.HasPrefix(s.Code, "intel.") }) {
		t.Fatalf("pending reports counted: %d %s", st, out)
	}
	if st, _, out := ts.do(t, "POST", "/api/v1/reports/"+itoa(anon)+"/decision", `{"action":"confirm","reason":"chat logs match"}`, bearer(mod)); st != 200 {
		t.Fatalf("confirm: %d %s", st, out)
	}

	v := postVerdict(t, ts, "/api/v1/check/site", siteReq)
	i := v.signal("intel.confirmed_identifier")
	if v.Risk != shopguard.RiskMedium || i < 0 || v.Signals[i].Args["evidence"] != "qq 34******12" || v.Signals[i].Args["page"] != "https://qinghechaye.com/#page2" ||
		v.signal("intel.reported_identifier") >= 0 || !strings.Contains(v.Signals[i].Message, "34******12") {
		t.Fatalf("API after the confirmation: %+v", v)
	}
	// The page shows it with its evidence.
	st, page := ts.submit(t, "/check/site", url.Values{"url": {"https://qinghechaye.com/"}, "html": {pages[1]}})
	if st != 200 || !strings.Contains(page, `data-code="intel.confirmed_identifier"`) || !strings.Contains(page, "qq 34******12") || strings.Contains(page, "45******23") {
		t.Fatalf("site page: %d\n%s", st, page)
	}
	// An assessment that reads the live site counts it once, as the community's.
	ts.srv.Fetcher = loopbackFetcher()
	_, port := shopServerAt(t, "../detect/site/testdata/reported")
	st, _, out = ts.do(t, "POST", "/api/v1/assess", `{"site":"http://qinghechaye.com:`+port+`/"}`, nil)
	var a combine.Answer
	if st != 200 || json.Unmarshal(out, &a) != nil || a.Risk != shopguard.RiskMedium || !slices.Contains(a.Checked, "reputation") ||
		len(slices.DeleteFunc(slices.Clone(a.Signals), func(s shopguard.Signal) bool { return s.Source != "reputation" || s.Field != "site" })) != 1 {
		t.Fatalf("assessment of the live site: %d %s", st, out)
	}
}

func TestAssessWizard(t *testing.T) {
	ts := newTestServer(t, nil)
	get := func(path string) string {
		resp, err := ts.Client().Get(ts.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return string(b)
	}
	post := func(form url.Values) (int, string) {
		resp, err := ts.Client().PostForm(ts.URL+"/assess?lang=zh-CN", form)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return resp.StatusCode, string(b)
	}
	if p := get("/assess?lang=en"); !strings.Contains(p, `name="platform"`) || strings.Contains(p, `name="chat"`) {
		t.Fatal("the first step does not ask where")
	}
	// Step by step: the answer of step 1 travels as a hidden field on step 2.
	_, p := post(url.Values{"step": {"0"}, "go": {"next"}, "platform": {"xianyu"}})
	if !strings.Contains(p, `name="seller_name"`) || !strings.Contains(p, `type="hidden" name="platform" value="xianyu"`) {
		t.Fatalf("step 2:\n%s", p)
	}
	// A partial answer is judged at once.
	st, p := post(url.Values{"step": {"1"}, "go": {"check"}, "platform": {"xianyu"}, "contact_qq": {"2876543210"}, "payment_method": {"bank_transfer"}, "deposit": {"on"}})
	if st != 200 || !strings.Contains(p, `data-risk="high"`) || !strings.Contains(p, `data-source="listing"`) || !strings.Contains(p, "定金") {
		t.Fatalf("verdict:\n%s", p)
	}
	// Nothing answered: the page says nothing could be checked.
	_, p = post(url.Values{"step": {"0"}, "go": {"check"}})
	if !strings.Contains(p, `id="nothing-checked"`) {
		t.Errorf("empty wizard does not say nothing was checked")
	}
	// A bad value sends the shopper back to its step, marked.
	st, p = post(url.Values{"step": {"3"}, "go": {"check"}, "bank_number": {"12ab"}})
	if st != 400 || !strings.Contains(p, `id="bank_number" name="bank_number" value="12ab" autocomplete="off" aria-invalid="true"`) {
		t.Errorf("bad account number: %d\n%s", st, p)
	}
}

func TestCheckSitePage(t *testing.T) {
	ts := newTestServer(t, nil)
	resp, err := ts.Client().PostForm(ts.URL+"/check/site?lang=en", url.Values{"url": {"https://gpudirect.store/"},
		"html": {`<title>GPU Direct</title><p>Pay with Bitcoin or USDT.</p><a href="https://t.me/gpu">Telegram</a>`}})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !bytes.Contains(b, []byte(`data-code="site.pay_crypto"`)) || !bytes.Contains(b, []byte("Found on the page")) {
		t.Errorf("site page: %d\n%s", resp.StatusCode, b)
	}
}

// BenchmarkAssessAPI measures an assessment with every field of the contract filled but the
// live site, through the HTTP API on a local server; it reports the median and 90th
// percentile latency.
func BenchmarkAssessAPI(b *testing.B) {
	ts := newTestServer(b, nil)
	client := ts.Client()
	var lat []time.Duration
	for b.Loop() {
		start := time.Now()
		resp, err := client.Post(ts.URL+"/api/v1/assess", "application/json", strings.NewReader(fullAssessment))
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			b.Fatalf("status %d", resp.StatusCode)
		}
		lat = append(lat, time.Since(start))
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*9/10].Microseconds())/1000, "p90-ms")
}
