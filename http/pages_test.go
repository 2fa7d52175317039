package http_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/shopguard/shopguard"
)

// shownPage is one page of the web UI as a person met it.
type shownPage struct {
	route, url, lang string // the route pattern it answers, the address, the language asked for
	status           int
	header           http.Header
	body             string
}

// visitor is a browser-like client: its cookies (a session, a case's key, a share link) and
// what it asks for.
type visitor struct {
	name string
	c    *http.Client
}

// get fetches a page as v in lang, following redirects.
func (v visitor) get(t *testing.T, u, lang string) (int, http.Header, string) {
	return v.send(t, "GET", u, "", "", lang)
}

// send asks for a page as v in lang.
func (v visitor) send(t *testing.T, method, u, ctype, body, lang string) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest(method, u, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept", "text/html")
	req.Header.Set("Accept-Language", lang)
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	resp, err := v.c.Do(req.WithContext(context.Background()))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, string(b)
}

var (
	reporterLink = regexp.MustCompile(`/reporter/(\d+)/sgl_[A-Za-z0-9_-]{43}`)
	appealLink   = regexp.MustCompile(`/appeal/(\d+)/sgl_[A-Za-z0-9_-]{43}`)
	shareLink    = regexp.MustCompile(`https?://[^<"]+\?share=[A-Za-z0-9_-]+`)
)

// everyPage fills a server with what its pages show (reports asked about and answered and
// decided, appeals, a case with evidence shared with a reader) and visits every page of the
// web UI and its error pages in both languages, as the person who sees each. It fails the
// test if a GET route of the web UI is missing from the visit.
func everyPage(t *testing.T) []shownPage {
	t.Helper()
	ts := newIntelServer(t)
	ctx := context.Background()
	mod, err := ts.auth.CreateUser(ctx, "mia", shopguard.RoleModerator, "moderator password")
	if err != nil {
		t.Fatal(err)
	}
	admin, err := ts.auth.CreateUser(ctx, "ada", shopguard.RoleAdmin, "admin password")
	if err != nil {
		t.Fatal(err)
	}
	plain, err := ts.auth.CreateUser(ctx, "uma", shopguard.RoleUser, "user password")
	if err != nil {
		t.Fatal(err)
	}
	signedIn := func(name string, u *shopguard.User) visitor {
		c := newJarClient(t, ts)
		base, _ := url.Parse(ts.URL)
		c.Jar.SetCookies(base, []*http.Cookie{{Name: "sg_session", Value: newSession(t, ts, u), Path: "/"}})
		return visitor{name, c}
	}
	anon, user := visitor{"visitor", newJarClient(t, ts)}, signedIn("user", plain)
	moderator, administrator := signedIn("moderator", mod), signedIn("admin", admin)
	holder, reader := visitor{"case holder", newJarClient(t, ts)}, visitor{"reader", newJarClient(t, ts)}
	form := "application/x-www-form-urlencoded"

	// Two anonymous reports: the moderator asks about the first, its reporter answers; the
	// second is confirmed, so a lookup shows a finding.
	report := func(phone string) (string, string) {
		ctype, body := reportFormBody(t, map[string]string{"scam_type": "deposit_scam", "kind0": "phone", "value0": phone,
			"narrative": "卖家让我先付定金，然后拉黑了我。"}, "", nil)
		st, _, page := anon.send(t, "POST", ts.URL+"/report", ctype, body.String(), "zh-CN")
		m := reporterLink.FindStringSubmatch(page)
		if st != http.StatusCreated || m == nil {
			t.Fatalf("report: %d, no private link in %s", st, page[strings.Index(page, "<main"):])
		}
		return m[0], m[1]
	}
	reporterPath, first := report("138 1234 5678")
	_, second := report("139 8765 4321")
	decide := func(id, action string) {
		if st, _, page := moderator.send(t, "POST", ts.URL+"/moderation/reports/"+id, form,
			url.Values{"action": {action}, "reason": {"请补充付款截图"}}.Encode(), "zh-CN"); st != 200 {
			t.Fatalf("moderation %s: %d %.300s", action, st, page)
		}
	}
	decide(first, "ask_info")
	if st, _, page := anon.send(t, "POST", ts.URL+reporterPath, form, url.Values{"text": {"是在闲鱼上。"}}.Encode(), "zh-CN"); st != 200 {
		t.Fatalf("reporter answer: %d %.300s", st, page)
	}
	decide(second, "confirm")
	if err := ts.srv.Intel.Sync(ctx); err != nil {
		t.Fatal(err)
	}

	// An appeal on a domain, with its private page.
	st, _, page := anon.send(t, "POST", ts.URL+"/appeal", form, url.Values{"kind": {"domain"}, "value": {"honest-shop.com"},
		"reason": {"这是我们自己的店。"}, "method": {"dns_txt"}}.Encode(), "zh-CN")
	appealPath := appealLink.FindString(page)
	if st != http.StatusCreated || appealPath == "" {
		t.Fatalf("appeal: %d %.300s", st, page)
	}

	// A case with a file, shared with a reader.
	caseID := newWebCase(t, ts, holder.c, "买手机付了定金，对方拉黑了我。")
	if st, _, page := uploadForm(t, ts, holder.c, caseID, "聊天截图.png", testPNG, "zh-CN"); st != http.StatusSeeOther {
		t.Fatalf("upload: %d %.300s", st, page)
	}
	_, _, page = holder.send(t, "POST", ts.URL+"/cases/"+caseID+"/share", form, "", "zh-CN")
	share := shareLink.FindString(html.UnescapeString(page))
	if share == "" {
		t.Fatalf("no share link on the case page: %.300s", page)
	}
	if st, _, _ := reader.get(t, share, "zh-CN"); st != 200 {
		t.Fatalf("share link: %d", st)
	}

	type visit struct {
		route, path, method, body string
		who                       visitor
		status                    int
	}
	chat := url.Values{"text": {"亲，我是平台客服，请下载会议软件开启屏幕共享，把验证码发给我。"}}.Encode()
	visits := []visit{
		{"GET /{$}", "/", "", "", anon, 200},
		{"GET /learn", "/learn", "", "", anon, 200},
		{"GET /learn/{id}", "/learn/deposit_scam", "", "", anon, 200},
		{"GET /check/link", "/check/link", "", "", anon, 200},
		{"GET /check/link", "/check/link?url=https://quiet-corner-books.example/item/7", "", "", anon, 200},
		{"GET /check/link", "/check/link?url=http://taobao-secure-login.top/pay", "", "", anon, 200},
		{"GET /check/chat", "/check/chat", "", "", anon, 200},
		{"POST /check", "/check", "POST", url.Values{"q": {"亲，我是平台客服，请开启屏幕共享。"}}.Encode(), anon, 200},
		{"POST /check", "/check", "POST", url.Values{"q": {"138 1234 5678"}}.Encode(), anon, 200},
		{"POST /check", "/check", "POST", url.Values{"q": {"taobao-secure-login.top/pay"}}.Encode(), anon, 200},
		{"POST /check/chat", "/check/chat", "POST", chat, anon, 200},
		{"GET /check/seller", "/check/seller", "", "", anon, 200},
		{"POST /check/seller", "/check/seller", "POST", url.Values{"price": {"1999"}, "payment": {"bank_transfer"}}.Encode(), anon, 200},
		{"GET /check/site", "/check/site", "", "", anon, 200},
		{"GET /assess", "/assess", "", "", anon, 200},
		{"POST /assess", "/assess", "POST", url.Values{"url": {"http://taobao-secure-login.top/pay"}, "text": {"请先付定金"}}.Encode(), anon, 200},
		{"GET /report", "/report", "", "", anon, 200},
		{"GET /lookup", "/lookup", "", "", anon, 200},
		{"GET /lookup", "/lookup?kind=phone&value=13987654321", "", "", anon, 200},
		{"GET /lookup", "/lookup?kind=phone&value=13812345678", "", "", anon, 200},
		{"GET /lookup", "/lookup?kind=phone&value=13500001111", "", "", anon, 200},
		{"GET /appeal", "/appeal", "", "", anon, 200},
		{"GET /appeal/{id}/{token}", appealPath, "", "", anon, 200},
		{"GET /reporter", "/reporter", "", "", moderator, 200},
		{"GET /reporter/{id}/{token}", reporterPath, "", "", anon, 200},
		{"GET /moderation", "/moderation", "", "", moderator, 200},
		{"GET /moderation", "/moderation?done=confirm&id=" + second, "", "", moderator, 200},
		{"GET /login", "/login", "", "", anon, 200},
		{"GET /admin", "/admin", "", "", administrator, 200},
		{"GET /cases/new", "/cases/new", "", "", anon, 200},
		{"GET /cases/open", "/cases/open", "", "", anon, 200},
		{"GET /cases", "/cases", "", "", holder, 200},
		{"GET /cases", "/cases", "", "", anon, 200},
		{"GET /cases/{id}", "/cases/" + caseID, "", "", holder, 200},
		{"GET /cases/{id}", "/cases/" + caseID, "", "", reader, 200},
		{"GET /cases/{id}/created", "/cases/" + caseID + "/created", "", "", holder, 200},
		{"GET /cases/{id}/delete", "/cases/" + caseID + "/delete", "", "", holder, 200},
		{"GET /api-reference", "/api-reference", "", "", anon, 200},
		// Error pages.
		{"", "/no/such/page", "", "", anon, 404},
		{"", "/learn/no_such_type", "", "", anon, 404},
		{"", "/cases/0123456789abcdef", "", "", anon, 404},
		{"", "/moderation", "", "", holder, 200}, // the sign-in page it leads to
		{"", "/moderation", "", "", user, 403},
		{"", "/check/link?url=%20not%20a%20link", "", "", anon, 400},
		{"", "/lookup?kind=phone&value=hello", "", "", anon, 400},
		{"", "/cases", "POST", url.Values{"what": {"买手机被骗"}, "amount": {"三百"}}.Encode(), anon, 400},
		{"", "/check/seller", "POST", url.Values{"price": {"便宜"}, "payment": {"escrow"}}.Encode(), anon, 400},
		{"", "/appeal", "POST", url.Values{"kind": {"phone"}, "value": {"12"}, "reason": {"是我的号码"}}.Encode(), anon, 400},
		{"", "/login", "POST", url.Values{"name": {"mia"}, "password": {"wrong password"}}.Encode(), anon, 401},
		{"", "/check/chat", "POST", url.Values{"text": {""}}.Encode(), anon, 400},
		{"", "/check", "POST", url.Values{"q": {" "}}.Encode(), anon, 400},
		{"", "/check/link", "POST", "", anon, 405},
	}
	var out []shownPage
	seen := map[string]bool{}
	for _, lang := range shopguard.Langs {
		for _, v := range visits {
			var st int
			var hdr http.Header
			var body string
			if v.method == "POST" {
				st, hdr, body = v.who.send(t, "POST", ts.URL+v.path, form, v.body, string(lang))
			} else {
				st, hdr, body = v.who.get(t, ts.URL+v.path, string(lang))
			}
			if st != v.status {
				t.Errorf("%s %s as %s in %s: %d, want %d\n%.300s", v.method, v.path, v.who.name, lang, st, v.status, body)
			}
			seen[v.route] = true
			out = append(out, shownPage{v.route, v.path + " as " + v.who.name, string(lang), st, hdr, body})
		}
	}
	for _, r := range ts.srv.Routes() {
		if method, p, _ := strings.Cut(r, " "); method == "GET" && !seen[r] && !strings.HasPrefix(p, "/api/") && !notAPage[p] {
			t.Errorf("the page %s is not visited by everyPage", r)
		}
	}
	return out
}

// notAPage are the GET routes of the web server that answer something else than a page.
var notAPage = map[string]bool{"/healthz": true, "/readyz": true, "/metrics": true, "/robots.txt": true,
	"/favicon.ico": true, "/lang/{lang}": true, "/moderation/reports/{id}/evidence/{sha}": true, "/static/": true}

// No page of the web UI, and no error page, shows text of the other language outside quoted
// user input.
func TestEveryPageSpeaksOneLanguage(t *testing.T) {
	for _, p := range everyPage(t) {
		assertOneLanguage(t, p.url+" in "+p.lang, p.body)
	}
}

// Every page is served under the strict content security policy and runs no inline script:
// no script element with a body, no event handler attribute, no javascript: address.
func TestEveryPageStrictCSPNoInlineScript(t *testing.T) {
	const csp = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
	for _, p := range everyPage(t) {
		if got := p.header.Get("Content-Security-Policy"); got != csp {
			t.Errorf("%s in %s: Content-Security-Policy %q", p.url, p.lang, got)
		}
		if bad := inlineScript(t, p.body); len(bad) > 0 {
			t.Errorf("%s in %s: inline script %q", p.url, p.lang, bad)
		}
	}
}

// inlineScript lists what in a page runs script the policy would have to allow inline.
func inlineScript(t *testing.T, page string) []string {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	var bad []string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			if n.Data == "script" && n.FirstChild != nil {
				bad = append(bad, "<script>"+n.FirstChild.Data)
			}
			for _, a := range n.Attr {
				if strings.HasPrefix(a.Key, "on") || strings.HasPrefix(strings.ToLower(strings.TrimSpace(a.Val)), "javascript:") {
					bad = append(bad, n.Data+" "+a.Key+"="+a.Val)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return bad
}
