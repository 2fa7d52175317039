package http_test

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/shopguard/shopguard"
)

func pageGet(t *testing.T, c *http.Client, u, lang string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", u, nil)
	req.Header.Set("Accept", "text/html")
	req.Header.Set("Accept-Language", lang)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// reportForm builds the multipart body of the web report form.
func reportFormBody(t *testing.T, fields map[string]string, file string, content []byte) (string, *bytes.Buffer) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, v := range fields {
		w.WriteField(k, v)
	}
	if file != "" {
		fw, _ := w.CreateFormFile("evidence", file)
		fw.Write(content)
	}
	w.Close()
	return w.FormDataContentType(), &buf
}

func postForm(t *testing.T, c *http.Client, u, ctype string, body io.Reader) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", u, body)
	req.Header.Set("Content-Type", ctype)
	req.Header.Set("Accept", "text/html")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestReportLookupAndModerationPages(t *testing.T) {
	ts := newIntelServer(t)
	c := ts.Client()
	for _, lang := range []string{"zh-CN", "en"} {
		st, body := pageGet(t, c, ts.URL+"/report", lang)
		if st != 200 || !strings.Contains(body, `lang="`+lang+`"`) || !strings.Contains(body, `name="value0"`) || !strings.Contains(body, `value="deposit_scam"`) {
			t.Fatalf("/report in %s = %d", lang, st)
		}
	}
	fields := map[string]string{"scam_type": "deposit_scam", "kind0": "phone", "value0": "138 1234 567", "kind1": "qq", "value1": "",
		"platform": "xianyu", "amount": "300.00", "currency": "CNY", "occurred_on": "2026-11-01", "narrative": "paid a deposit, then blocked"}
	ctype, body := reportFormBody(t, fields, "", nil)
	st, page := postForm(t, c, ts.URL+"/report", ctype, body)
	if st != 400 || !strings.Contains(page, `id="form-error"`) || !regexp.MustCompile(`id="value0"[^>]*aria-invalid="true"`).MatchString(page) || !strings.Contains(page, "paid a deposit") {
		t.Fatalf("bad phone on the form = %d", st)
	}
	fields["value0"] = "138 1234 5678"
	ctype, body = reportFormBody(t, fields, "chat.png", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"))
	st, page = postForm(t, c, ts.URL+"/report", ctype, body)
	if st != 201 || !strings.Contains(page, `id="filed"`) {
		t.Fatalf("report form = %d %s", st, page)
	}

	st, page = pageGet(t, c, ts.URL+"/lookup?kind=phone&value="+url.QueryEscape("+86 138 1234 5678"), "en")
	// One anonymous report no moderator has seen: "under review", no count, type or green badge.
	if st != 200 || !strings.Contains(page, "138****5678") || !strings.Contains(page, `data-risk="review"`) || strings.Contains(page, "1 report") ||
		strings.Contains(page, "risk-low") || strings.Contains(page, "13812345678") {
		t.Fatalf("/lookup = %d %s", st, page)
	}
	if st, page := pageGet(t, c, ts.URL+"/lookup?kind=phone&value=12", "en"); st != 400 || !strings.Contains(page, `id="form-error"`) {
		t.Fatalf("/lookup bad = %d", st)
	}

	// moderators only
	jar, _ := cookiejar.New(nil)
	mc := &http.Client{Jar: jar}
	if resp, err := mc.Get(ts.URL + "/moderation"); err != nil || resp.Request.URL.Path != "/login" {
		t.Fatalf("anonymous /moderation went to %v", resp.Request.URL)
	}
	if _, err := ts.auth.CreateUser(context.Background(), "mod", shopguard.RoleModerator, "moderator password"); err != nil {
		t.Fatal(err)
	}
	resp, err := mc.PostForm(ts.URL+"/login", url.Values{"name": {"mod"}, "password": {"moderator password"}, "next": {"/moderation"}})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	queue := string(b)
	if resp.Request.URL.Path != "/moderation" || !strings.Contains(queue, "8613812345678") || !strings.Contains(queue, "/evidence/") {
		t.Fatalf("moderation queue: %s %s", resp.Request.URL.Path, queue[strings.Index(queue, "<main"):])
	}
	ev := regexp.MustCompile(`/moderation/reports/\d+/evidence/([0-9a-f]{64})`).FindStringSubmatch(queue)
	resp, err = mc.Get(ts.URL + ev[0])
	if err != nil || resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/png" || !strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("evidence download: %v %v", resp.StatusCode, resp.Header)
	}
	resp.Body.Close()
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	if st, _ := pageGet(t, noFollow, ts.URL+ev[0], "en"); st != http.StatusSeeOther {
		t.Fatalf("anonymous evidence download = %d, want a redirect to sign in", st)
	}
	id := regexp.MustCompile(`action="/moderation/reports/(\d+)"`).FindStringSubmatch(queue)[1]
	resp, err = mc.PostForm(ts.URL+"/moderation/reports/"+id, url.Values{"action": {"confirm"}, "reason": {"screenshot shows the deposit"}})
	if err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	// A confirmation, and the audit log in words with the moderator's name.
	if resp.Request.URL.Path != "/moderation" || !strings.Contains(string(b), `id="done"`) || !strings.Contains(string(b), "<span data-user>mod</span></td>") ||
		strings.Contains(string(b), "report:"+id) || strings.Contains(string(b), "report.confirm") || strings.Contains(string(b), `id="report-`+id+`"`) {
		t.Fatalf("after the decision: %s %s", resp.Request.URL.Path, b)
	}
	if _, page := pageGet(t, c, ts.URL+"/lookup?kind=phone&value=13812345678", "zh-CN"); !strings.Contains(page, `data-risk="high"`) || !strings.Contains(page, "审核员已确认") || strings.Contains(page, `id="feedback-form"`) {
		t.Fatalf("lookup after confirmation: %s", page)
	}
	// a signed-in user can say "not a scam"
	_, page = pageGet(t, mc, ts.URL+"/lookup?kind=phone&value=13812345678", "en")
	if !strings.Contains(page, `id="feedback-form"`) {
		t.Fatal("no feedback form for a signed-in user")
	}
	resp, err = mc.PostForm(ts.URL+"/feedback", url.Values{"kind": {"phone"}, "value": {"13812345678"}, "comment": {"bought from them twice"}})
	if err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(b), `id="feedback-thanks"`) {
		t.Fatalf("after feedback: %s %s", resp.Request.URL, b)
	}
}

func TestAppealPage(t *testing.T) {
	ts := newIntelServer(t)
	c := ts.Client()
	for _, lang := range []string{"zh-CN", "en"} {
		st, page := pageGet(t, c, ts.URL+"/appeal?kind=domain&value=honest-shop.com", lang)
		if st != 200 || !strings.Contains(page, `id="no-contact"`) || !strings.Contains(page, `value="honest-shop.com"`) {
			t.Fatalf("/appeal in %s = %d", lang, st)
		}
		// no phone number, e-mail address or chat id a scammer could copy as "support"
		if regexp.MustCompile(`\b1[3-9]\d{9}\b|[\w.]+@[\w.]+\.\w+|\b400-?\d{3}-?\d{4}\b|微信号[:：]|QQ[:：]\d`).MatchString(page) {
			t.Fatalf("/appeal in %s shows contact details", lang)
		}
	}
	st, page := postForm(t, c, ts.URL+"/appeal", "application/x-www-form-urlencoded",
		strings.NewReader(url.Values{"kind": {"domain"}, "value": {"honest-shop.com"}, "method": {"dns_txt"}, "reason": {"our shop"}, "contact": {"owner@honest-shop.com"}}.Encode()))
	if st != 201 || !strings.Contains(page, "_shopguard-challenge.honest-shop.com") || !strings.Contains(page, `id="token"`) || strings.Contains(page, "owner@honest-shop.com") {
		t.Fatalf("domain appeal page = %d %s", st, page)
	}
	id := regexp.MustCompile(`action="/appeal/(\d+)/verify"`).FindStringSubmatch(page)[1]
	st, page = postForm(t, c, ts.URL+"/appeal/"+id+"/verify", "application/x-www-form-urlencoded", strings.NewReader(""))
	if st != 403 || !strings.Contains(page, `id="form-error"`) || !strings.Contains(page, `id="token"`) {
		t.Fatalf("verify without the token = %d", st)
	}
	st, page = postForm(t, c, ts.URL+"/appeal", "application/x-www-form-urlencoded",
		strings.NewReader(url.Values{"kind": {"phone"}, "value": {"13812345678"}, "reason": {"my shop's number"}}.Encode()))
	if st != 201 || !strings.Contains(page, `id="appeal-filed"`) || strings.Contains(page, `id="token"`) {
		t.Fatalf("phone appeal page = %d", st)
	}
}
