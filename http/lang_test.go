package http_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"unicode"

	"golang.org/x/net/html"

	"github.com/shopguard/shopguard"
	shttp "github.com/shopguard/shopguard/http"
)

// Words a Chinese page may show in Latin letters: the product's name, formats, codes,
// brands that are written so in Chinese too.
var latinInChinese = map[string]bool{"shopguard": true, "QQ": true, "PDF": true, "PNG": true, "JPEG": true, "GIF": true,
	"SHA": true, "CNY": true, "USD": true, "App": true, "APP": true, "TXT": true, "DNS": true, "ID": true, "KB": true, "MB": true,
	"GB": true, "MiB": true, "ZIP": true, "ICP": true, "Markdown": true, "API": true, "IP": true, "URL": true, "MP4": true,
	"UTC": true, "JSON": true, "HTTPS": true, "https": true, "eBay": true, "Shopee": true, "Temu": true,
	"WebP": true, "MOV": true, "WebM": true, "3GP": true, "HTML": true, "Cookie": true, "PayPal": true, "Visa": true, "Wi-Fi": true}

// agencies abroad are named in Chinese text as they name themselves.
var agencies = regexp.MustCompile(`Action Fraud|Scamwatch|ReportCyber|ECC-Net`)

// linkLike matches addresses, file names and a site's paths of two segments or more (a private
// link, /reporter/12/sgl_…), which read the same in every language.
var linkLike = regexp.MustCompile(`(?:https?://)?[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+(?::\d+)?(?:/\S*)?|\.[a-z]{2,}\b|(?:^|\s)/[^\s/]+/\S*`)

// rawCode matches an identifier of the code (a scam type, a stage, a payment) shown as it is
// written in the code instead of in words.
var rawCode = regexp.MustCompile(`\b[a-z]+(?:_[a-z]+)+\b`)

// quotedInput matches words quoted from what the user gave, between curly quotes.
var quotedInput = regexp.MustCompile(`“[^“”]*”`)

// foreignText returns the bits of a page's visible text that are not in the page's language:
// Latin words on a Chinese page, Chinese characters on an English one. Quoted user input is
// exempt, marked in the page with data-user, inside code, kbd or samp, or in a form control;
// so is text in an element whose lang attribute names another language (the switcher).
func foreignText(t *testing.T, page string) []string {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	var lang string
	var found []string
	var shown strings.Builder // the page's text as read, quoted input as a gap
	var walk func(n *html.Node, skip bool)
	walk = func(n *html.Node, skip bool) {
		if n.Type == html.ElementNode {
			switch n.Data {
			case "script", "style", "code", "kbd", "samp", "textarea", "title":
				skip = true
			}
			for _, a := range n.Attr {
				switch {
				case a.Key == "lang" && n.Data == "html":
					lang = a.Val
				case a.Key == "lang" && a.Val != lang, a.Key == "data-user":
					skip = true
				}
			}
		}
		if n.Type == html.TextNode && !skip {
			found = append(found, foreignIn(lang, n.Data)...)
			shown.WriteString(n.Data)
		} else if n.Type == html.TextNode {
			shown.WriteString("\x00")
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, skip)
		}
	}
	walk(doc, false)
	if lang == string(shopguard.LangZH) {
		for _, line := range strings.Split(quotedInput.ReplaceAllString(shown.String(), "\x00"), "\n") {
			if !han.MatchString(line) {
				continue
			}
			for _, m := range latinPunct.FindAllString(line, -1) {
				found = append(found, "punctuation "+m+" in "+strings.TrimSpace(line))
			}
		}
	}
	return found
}

var (
	han = regexp.MustCompile(`\p{Han}`)
	// latinPunct is Latin punctuation where Chinese text wants its own: a comma, colon,
	// semicolon, mark or bracket beside a Chinese character, a full stop that ends a sentence.
	latinPunct = regexp.MustCompile(`\p{Han} ?[,:;!?()]|[,:;!?()] ?\p{Han}|\.(?:\s|$)`)
)

var latinWord = regexp.MustCompile(`[A-Za-z][A-Za-z'’-]*[A-Za-z]`)

func foreignIn(lang, s string) []string {
	var out []string
	s = linkLike.ReplaceAllString(quotedInput.ReplaceAllString(s, " "), " ")
	for _, c := range rawCode.FindAllString(s, -1) {
		out = append(out, "code "+c)
	}
	switch lang {
	case string(shopguard.LangZH):
		s = agencies.ReplaceAllString(s, " ")
		for _, w := range latinWord.FindAllString(s, -1) {
			if !latinInChinese[w] {
				out = append(out, w)
			}
		}
	case string(shopguard.LangEN):
		for _, r := range s {
			if unicode.Is(unicode.Han, r) || (r >= 0x3000 && r <= 0x303f) || (r >= 0xff00 && r <= 0xffef) {
				out = append(out, strings.TrimSpace(s))
				break
			}
		}
	}
	return out
}

// TestForeignTextSkipsAddresses: a private link's path reads the same in every language,
// whatever its random token looks like ("sgl_jkm-…" once read as a code's identifier), while
// an identifier shown as a word is still caught.
func TestForeignTextSkipsAddresses(t *testing.T) {
	for lang, text := range map[string]string{"zh-CN": "请保存这个链接 /reporter/12/sgl_jkm-Ab3", "en": "Keep this link: /reporter/12/sgl_jkm-Ab3"} {
		if f := foreignIn(lang, text); len(f) > 0 {
			t.Errorf("%s: %q flagged in %q", lang, f, text)
		}
		if f := foreignIn(lang, text+" deposit_scam"); len(f) == 0 {
			t.Errorf("%s: a code's identifier shown as a word was not caught", lang)
		}
	}
}

// assertOneLanguage fails the test if the page shows text of the other language.
func assertOneLanguage(t *testing.T, what, page string) {
	t.Helper()
	if f := foreignText(t, page); len(f) > 0 {
		t.Errorf("%s: text not in the page's language: %q", what, f)
	}
}

// errorText is the text of the page's first element with role=alert.
func errorText(t *testing.T, page string) string {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	var out string
	var walk func(n *html.Node, in bool)
	walk = func(n *html.Node, in bool) {
		if n.Type == html.ElementNode {
			for _, a := range n.Attr {
				if a.Key == "role" && a.Val == "alert" && out == "" {
					in = true
				}
			}
		}
		if in && n.Type == html.TextNode {
			out += n.Data
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, in)
		}
	}
	walk(doc, false)
	return strings.TrimSpace(out)
}

// Every error a person meets on a page is in the page's language and names the field as the
// form labels it: form checks, 404, 429, the case questionnaire, lookups and link errors.
func TestErrorsSpeakThePagesLanguage(t *testing.T) {
	ts := newTestServer(t, nil)
	limited := newTestServer(t, func(c *shttp.Config) { c.RateAnon = 1 })
	form := "application/x-www-form-urlencoded"
	type errCase struct {
		name, method, path, body string
		status                   int
		// want is what the error must say, per language: the form's label of the field.
		want map[shopguard.Lang]string
	}
	cases := []errCase{
		{"404", "GET", "/no/such/page", "", 404, map[shopguard.Lang]string{shopguard.LangZH: "找不到", shopguard.LangEN: "nothing here"}},
		{"case amount", "POST", "/cases", url.Values{"what": {"买手机被骗"}, "amount": {"三百"}}.Encode(), 400,
			map[shopguard.Lang]string{shopguard.LangZH: "金额（元）", shopguard.LangEN: "How much, in yuan?"}},
		{"lookup value", "GET", "/lookup?kind=phone&value=hello", "", 400,
			map[shopguard.Lang]string{shopguard.LangZH: "号码或账号", shopguard.LangEN: "Number or account"}},
		{"link", "GET", "/check/link?url=%20not%20a%20link", "", 400,
			map[shopguard.Lang]string{shopguard.LangZH: "链接或域名", shopguard.LangEN: "Link or domain"}},
		{"report without identifiers", "POST", "/report", url.Values{"scam_type": {"fake_shop"}, "narrative": {"没发货"}}.Encode(), 400,
			map[shopguard.Lang]string{shopguard.LangZH: "对方用过的号码和账号", shopguard.LangEN: "The scammer's numbers and accounts"}},
		{"report identifier", "POST", "/report", url.Values{"scam_type": {"fake_shop"}, "narrative": {"没发货"}, "kind0": {"phone"}, "value0": {"12"}}.Encode(), 400,
			map[shopguard.Lang]string{shopguard.LangZH: "号码或账号（第 1 行）", shopguard.LangEN: "Number or account (row 1)"}},
		{"seller price", "POST", "/check/seller", url.Values{"price": {"便宜"}, "payment": {"escrow"}}.Encode(), 400,
			map[shopguard.Lang]string{shopguard.LangZH: "卖家报价（元）", shopguard.LangEN: "The seller's price"}},
		{"appeal value", "POST", "/appeal", url.Values{"kind": {"phone"}, "value": {"12"}, "reason": {"是我的号码"}}.Encode(), 400,
			map[shopguard.Lang]string{shopguard.LangZH: "号码或账号", shopguard.LangEN: "Number or account"}},
		{"site address", "POST", "/check/site", url.Values{"url": {" "}, "html": {"<html></html>"}}.Encode(), 400,
			map[shopguard.Lang]string{shopguard.LangZH: "网店地址", shopguard.LangEN: "The shop's address"}},
		{"site unreadable", "POST", "/check/site", url.Values{"url": {"https://shop.example.com"}}.Encode(), 503,
			map[shopguard.Lang]string{shopguard.LangZH: "读不到这家网店的页面", shopguard.LangEN: "could not be read"}},
		{"wizard price", "POST", "/assess", url.Values{"go": {"check"}, "step": {"2"}, "item_title": {"手机"}, "price": {"便宜"}, "currency": {"CNY"}}.Encode(), 400,
			map[shopguard.Lang]string{shopguard.LangZH: "价格", shopguard.LangEN: "The price"}},
	}
	for _, lang := range shopguard.Langs {
		for _, tc := range cases {
			req, _ := http.NewRequest(tc.method, ts.URL+tc.path, strings.NewReader(tc.body))
			req.Header.Set("Accept", "text/html")
			req.Header.Set("Accept-Language", string(lang))
			if tc.body != "" {
				req.Header.Set("Content-Type", form)
			}
			st, page := readPage(t, req)
			msg := errorText(t, page)
			if st != tc.status || !strings.Contains(msg, tc.want[lang]) {
				t.Errorf("%s in %s: %d %q, want %d naming %q", tc.name, lang, st, msg, tc.status, tc.want[lang])
			}
			assertOneLanguage(t, tc.name+" in "+string(lang), page)
		}
		// 429: a browser that asks too often gets a page in its language.
		var st int
		var page string
		for range 10 {
			req, _ := http.NewRequest("GET", limited.URL+"/learn", nil)
			req.Header.Set("Accept", "text/html")
			req.Header.Set("Accept-Language", string(lang))
			if st, page = readPage(t, req); st == 429 {
				break
			}
		}
		if want := map[shopguard.Lang]string{shopguard.LangZH: "太频繁", shopguard.LangEN: "Too many requests"}[lang]; st != 429 || !strings.Contains(errorText(t, page), want) {
			t.Errorf("429 in %s: %d %q", lang, st, errorText(t, page))
		}
		assertOneLanguage(t, "429 in "+string(lang), page)
	}
}

func readPage(t *testing.T, req *http.Request) (int, string) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req.WithContext(context.Background()))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// Every validation error of the API is in the language the caller chose (Accept-Language)
// and names the field as the form asking the same question labels it; without a chosen
// language the API answers in English, as its reference documents.
func TestAPIErrorsSpeakTheCallersLanguage(t *testing.T) {
	ts := newTestServer(t, nil)
	cases := []struct {
		name, method, path, body, field string
		want                            map[shopguard.Lang]string
	}{
		{"listing price", "POST", "/api/v1/check/listing", `{"price":"便宜"}`, "price",
			map[shopguard.Lang]string{shopguard.LangZH: "卖家报价（元）", shopguard.LangEN: "The seller's price"}},
		{"empty link", "POST", "/api/v1/check/url", `{"url":" "}`, "url",
			map[shopguard.Lang]string{shopguard.LangZH: "链接或域名", shopguard.LangEN: "Link or domain"}},
		{"report without identifiers", "POST", "/api/v1/reports", `{"scam_type":"fake_shop","narrative":"没发货"}`, "identifiers",
			map[shopguard.Lang]string{shopguard.LangZH: "对方用过的号码和账号", shopguard.LangEN: "The scammer's numbers and accounts"}},
		{"report identifier", "POST", "/api/v1/reports", `{"scam_type":"fake_shop","narrative":"没发货","identifiers":[{"kind":"phone","value":"12"}]}`, "identifiers[0].value",
			map[shopguard.Lang]string{shopguard.LangZH: "号码或账号（第 1 行）", shopguard.LangEN: "Number or account (row 1)"}},
		{"appeal value", "POST", "/api/v1/appeals", `{"kind":"phone","value":"12","reason":"是我的号码","method":"review"}`, "identifier.value",
			map[shopguard.Lang]string{shopguard.LangZH: "号码或账号", shopguard.LangEN: "Number or account"}},
		{"case amount", "POST", "/api/v1/cases", `{"lang":"zh-CN","triage":{"what":"买手机被骗","amount":"三百"}}`, "amount",
			map[shopguard.Lang]string{shopguard.LangZH: "金额（元）", shopguard.LangEN: "How much, in yuan?"}},
		{"scan without text", "POST", "/api/v1/scan", `{"messages":[{"from":"them","text":"hi"}],"lang":"xx"}`, "lang",
			map[shopguard.Lang]string{shopguard.LangZH: "「lang」", shopguard.LangEN: "lang"}},
		{"malformed JSON", "POST", "/api/v1/scan", `{"text":`, "",
			map[shopguard.Lang]string{shopguard.LangZH: "请求内容无法识别", shopguard.LangEN: "JSON"}},
	}
	han := regexp.MustCompile(`\p{Han}`)
	// Words of English, beyond the examples and names a Chinese text keeps (links, JSON).
	latinWord := regexp.MustCompile(`https?://\S+|JSON|([A-Za-z]{4,})`)
	for _, lang := range shopguard.Langs {
		for _, tc := range cases {
			st, _, body := ts.do(t, tc.method, tc.path, tc.body, map[string]string{"Accept-Language": string(lang)})
			e := errorOf(t, body)
			if st != 400 || e.Field != tc.field || !strings.Contains(e.Message, tc.want[lang]) {
				t.Errorf("%s in %s: %d field %q %q, want 400 field %q naming %q", tc.name, lang, st, e.Field, e.Message, tc.field, tc.want[lang])
			}
			// A Chinese message is Chinese: no English words beyond the field path it names.
			if lang == shopguard.LangZH && (!han.MatchString(e.Message) || englishWords(latinWord, strings.ReplaceAll(e.Message, tc.field, ""))) {
				t.Errorf("%s in Chinese: %q", tc.name, e.Message)
			}
			if lang == shopguard.LangEN && han.MatchString(strings.ReplaceAll(e.Message, "三百", "")) {
				t.Errorf("%s in English: %q", tc.name, e.Message)
			}
		}
	}
	// No language chosen: the core's English message, as before.
	if st, _, body := ts.do(t, "POST", "/api/v1/check/url", `{"url":" "}`, nil); st != 400 || errorOf(t, body).Message != "give the link to check" {
		t.Errorf("no language chosen: %d %s", st, body)
	}
}

// englishWords reports whether s holds a word the pattern captures in its group.
func englishWords(pattern *regexp.Regexp, s string) bool {
	for _, m := range pattern.FindAllStringSubmatch(s, -1) {
		if m[1] != "" {
			return true
		}
	}
	return false
}
