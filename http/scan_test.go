package http_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
)

func TestScanAPI(t *testing.T) {
	ts := newTestServer(t, nil)
	body := `{"id":"c1","lang":"en","messages":[
		{"from":"them","text":"您好，我是店铺客服，您买的面霜检测不合格，我们给您三倍赔偿。"},
		{"from":"me","text":"怎么领？"},
		{"from":"them","text":"请下载会议软件，开启屏幕共享，再把验证码发给我。"}]}`
	st, _, out := ts.do(t, "POST", "/api/v1/scan", body, nil)
	if st != 200 {
		t.Fatalf("scan: %d %s", st, out)
	}
	var res struct {
		ID    string   `json:"id"`
		Risk  string   `json:"risk"`
		Score int      `json:"score"`
		Types []string `json:"types"`
		Stage string   `json:"stage"`
		Cues  []struct {
			ID      string `json:"id"`
			Message int    `json:"message"`
			Start   int    `json:"start"`
			End     int    `json:"end"`
			Text    string `json:"text"`
		} `json:"cues"`
		Signals []struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"signals"`
		Advice []string `json:"advice"`
	}
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatal(err)
	}
	if res.ID != "c1" || res.Risk != "high" || !slices.Contains(res.Types, "fake_customer_service") || res.Stage != "request" {
		t.Errorf("verdict: %+v", res)
	}
	found := false
	for _, c := range res.Cues {
		if c.ID == "screen_share" && c.Message == 2 && c.Text == "屏幕共享" {
			found = true
		}
	}
	if !found {
		t.Errorf("screen sharing not found in message 2: %+v", res.Cues)
	}
	if len(res.Signals) == 0 || res.Signals[0].Message == "" || strings.ContainsAny(res.Signals[0].Message, "的是") {
		t.Errorf("signals not explained in English: %+v", res.Signals)
	}
	if len(res.Advice) == 0 {
		t.Error("no advice")
	}

	st, _, out = ts.do(t, "POST", "/api/v1/scan", `{"messages":[{"from":"bot","text":"x"}]}`, nil)
	if e := errorOf(t, out); st != 400 || e.Field != "messages[0].from" {
		t.Errorf("bad sender: %d %s", st, out)
	}
	st, _, out = ts.do(t, "POST", "/api/v1/scan", `{"text":"hello","colour":"red"}`, nil)
	if e := errorOf(t, out); st != 400 || e.Field != "colour" {
		t.Errorf("unknown field: %d %s", st, out)
	}
	st, _, out = ts.do(t, "POST", "/api/v1/scan", `{"text":"您的快递已到驿站，请凭取件码取件。"}`, nil)
	if st != 200 || !strings.Contains(string(out), `"risk":"low"`) {
		t.Errorf("calm message: %d %s", st, out)
	}
}

// TestScanAnswerSummarisesRepeats checks that the answer to a link written 20,000 times
// stays small: it lists the link's first places and counts the rest.
func TestScanAnswerSummarisesRepeats(t *testing.T) {
	ts := newTestServer(t, nil)
	const copies = 20000
	body, err := json.Marshal(map[string]string{"text": strings.Repeat("a.co ", copies)})
	if err != nil {
		t.Fatal(err)
	}
	st, _, out := ts.do(t, "POST", "/api/v1/scan", string(body), nil)
	if st != 200 {
		t.Fatalf("scan: %d %.300s", st, out)
	}
	var res struct {
		Cues        []json.RawMessage `json:"cues"`
		CuesOmitted int               `json:"cues_omitted"`
		URLs        []json.RawMessage `json:"urls"`
		URLsOmitted int               `json:"urls_omitted"`
	}
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatal(err)
	}
	if len(res.URLs) == 0 || len(res.URLs)+res.URLsOmitted != copies || len(res.Cues) == 0 || res.CuesOmitted == 0 {
		t.Errorf("%d links listed and %d omitted, %d cues and %d omitted, for %d copies", len(res.URLs), res.URLsOmitted, len(res.Cues), res.CuesOmitted, copies)
	}
	if len(out) > 64<<10 {
		t.Errorf("the answer for %d copies of a link is %d bytes", copies, len(out))
	}
}

func TestCheckChatPage(t *testing.T) {
	ts := newTestServer(t, nil)
	st, _, body := ts.do(t, "GET", "/check/chat", "", map[string]string{"Accept-Language": "en"})
	if st != 200 || !strings.Contains(string(body), `name="text"`) {
		t.Fatalf("form: %d", st)
	}
	form := url.Values{"text": {"亲，平台扣点太高，你加我微信，直接微信转账给我便宜两百。<script>"}}
	st, _, body = ts.do(t, "POST", "/check/chat", form.Encode(), map[string]string{
		"Content-Type": "application/x-www-form-urlencoded", "Accept-Language": "en"})
	page := string(body)
	if st != 200 {
		t.Fatalf("check: %d\n%s", st, page)
	}
	for _, want := range []string{`data-risk="high"`, `<mark data-cues="off_platform_contact">`, "Moves off the platform", "&lt;script&gt;", `href="/learn/off_platform_payment"`, `id="stage"`} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	st, _, _ = ts.do(t, "POST", "/check/chat", "text=+", map[string]string{"Content-Type": "application/x-www-form-urlencoded"})
	if st != 400 {
		t.Errorf("empty text: %d, want 400", st)
	}
}

// TestCheckChatPageBoundsLinks checks that the chat page lists the first places of a link
// written thousands of times and says how many more there are, and says how many links of a
// text of more than 1,000 different ones were not checked.
func TestCheckChatPageBoundsLinks(t *testing.T) {
	ts := newTestServer(t, nil)
	var many strings.Builder
	for i := range 1200 {
		fmt.Fprintf(&many, "x%d.top/p ", i)
	}
	for _, c := range []struct{ text, want string }{
		{strings.Repeat("a.co ", 5000), "Not listed: 4900 more occurrences of links."},
		{many.String(), "Not checked: 200 occurrences of links."},
	} {
		form := url.Values{"text": {c.text}}
		st, _, body := ts.do(t, "POST", "/check/chat", form.Encode(), map[string]string{
			"Content-Type": "application/x-www-form-urlencoded", "Accept-Language": "en"})
		page := string(body)
		if st != 200 || !strings.Contains(page, c.want) {
			t.Errorf("%.20s…: %d, page lacks %q", c.text, st, c.want)
		}
		if n := strings.Count(page, `href="/check/link?url=`); n > 1000 {
			t.Errorf("%.20s…: %d links listed", c.text, n)
		}
	}
}

func TestCheckChatReadsWhoSpeaks(t *testing.T) {
	ts := newTestServer(t, nil)
	form := url.Values{"text": {"我：可以把钱转到你的个人账户吗？验证码要发给你吗？\n客服：不用的亲，请在订单页付款，任何人要验证码都不要给。"}}
	st, _, body := ts.do(t, "POST", "/check/chat", form.Encode(), map[string]string{
		"Content-Type": "application/x-www-form-urlencoded", "Accept-Language": "en"})
	page := string(body)
	if st != 200 || !strings.Contains(page, `data-risk="none"`) || !strings.Contains(page, `data-from="me"`) || !strings.Contains(page, `data-from="them"`) {
		t.Errorf("the shopper's own questions were held against the seller, or the speakers were lost: %d\n%s", st, page)
	}
}
