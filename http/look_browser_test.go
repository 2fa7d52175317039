package http_test

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/shopguard/shopguard"
)

// js evaluates a boolean expression in the page, failing the test on error.
func js(t *testing.T, ctx context.Context, expr string) bool {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[bool](expr))
	if err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
	return v
}

// inView is a script that says whether the element sel is wholly on the screen.
func inView(sel string) string {
	return `(() => { const r = document.querySelector(` + "`" + sel + "`" + `).getBoundingClientRect(); return r.height > 0 && r.top >= 0 && r.bottom <= innerHeight; })()`
}

// shownInOneLanguage checks the page open in ctx as the language test checks every page: the
// page's language only, Chinese punctuation in Chinese, no raw codes.
func shownInOneLanguage(t *testing.T, ctx context.Context, what string) {
	t.Helper()
	page, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.documentElement.outerHTML`))
	if err != nil {
		t.Fatal(err)
	}
	assertOneLanguage(t, what, page)
}

// The home page starts with one box that routes what is pasted to the right check on the
// server: a link to the link check, a number to the lookup, a chat to the chat check.
func TestBrowserHomeBoxRoutes(t *testing.T) {
	ts := newTestServer(t, nil)
	ctx := newBrowser(t)
	do(t, ctx, "open home", chromedp.Navigate(ts.URL+"/lang/en?next=/"), chromedp.WaitVisible("#quick-check"))
	for _, w := range []int64{390, 1280} {
		do(t, ctx, "resize", chromedp.EmulateViewport(w, 800))
		if !js(t, ctx, inView("#quick-check")) {
			t.Errorf("at %d px the check box is not on the first screen", w)
		}
		if !js(t, ctx, `document.querySelector("#brand svg").getBoundingClientRect().width >= 20`) {
			t.Errorf("at %d px the header shows no brand mark", w)
		}
	}
	cases := []struct{ typed, path, ready string }{
		{"http://taobao-secure-login.top/pay", "/check/link", "#verdict"},
		{"138 1234 5678", "/lookup", "#verdict"},
		{"Hello, I am platform customer service.\nPlease download the meeting app and share your screen.", "/check", "#highlighted"},
	}
	for _, c := range cases {
		do(t, ctx, "check "+c.typed, chromedp.Navigate(ts.URL+"/"), chromedp.WaitVisible("#q"),
			chromedp.SendKeys("#q", c.typed), chromedp.Click("#quick-submit"), chromedp.WaitVisible(c.ready))
		loc, err := chromedp.Run(ctx, chromedp.Location())
		if err != nil || !strings.HasPrefix(strings.TrimPrefix(loc, ts.URL), c.path) || strings.HasPrefix(strings.TrimPrefix(loc, ts.URL), c.path+"/chat") {
			t.Errorf("%q led to %s, want %s", c.typed, loc, c.path)
		}
		shownInOneLanguage(t, ctx, "after checking "+c.typed)
	}
	if got, err := chromedp.Run(ctx, chromedp.Value("#chat-text")); err != nil || !strings.Contains(got, "share your screen") {
		t.Errorf("the chat is not kept in the chat form: %q %v", got, err)
	}
}

// Overlapping cues are marked as one phrase; hotlines are tap-to-call links; a verdict box
// has no stray space above its heading.
func TestBrowserMarksCallsAndVerdictBox(t *testing.T) {
	ts := newTestServer(t, nil)
	ctx := newBrowser(t)
	do(t, ctx, "check a chat", chromedp.Navigate(ts.URL+"/lang/zh-CN?next=/check/chat"), chromedp.WaitVisible("#chat-text"),
		chromedp.SendKeys("#chat-text", "我是平台客服，请下载会议软件开启屏幕共享，把验证码发给我。"),
		chromedp.Submit("#chat-text"), chromedp.WaitVisible("#highlighted"))
	if js(t, ctx, `[...document.querySelectorAll("#highlighted mark")].some(m => m.nextSibling && m.nextSibling.nodeName === "MARK")`) {
		t.Errorf("two marks touch: overlapping cues read as separate words: %q", text(t, ctx, "#highlighted"))
	}
	if !js(t, ctx, `[...document.querySelectorAll("#highlighted mark")].some(m => m.textContent.includes("开启屏幕共享"))`) {
		t.Errorf("开启屏幕共享 is not one marked phrase")
	}
	for _, n := range []string{"110", "96110", "12315"} {
		if !js(t, ctx, `!!document.querySelector('footer a[href="tel:`+n+`"]')`) {
			t.Errorf("the footer does not call %s", n)
		}
	}
	if !js(t, ctx, `!!document.querySelector('#verdict .advice a[href^="tel:"]')`) {
		t.Errorf("the advice names a hotline without a tap-to-call link")
	}
	if !js(t, ctx, `(() => { const v = document.querySelector("#verdict"); return v.firstElementChild.getBoundingClientRect().top - v.getBoundingClientRect().top <= 16; })()`) {
		t.Errorf("the verdict box has stray space above its heading")
	}
	do(t, ctx, "learn", chromedp.Navigate(ts.URL+"/learn"), chromedp.WaitVisible("h1"))
	for _, n := range []string{"12377", "12345"} {
		if !js(t, ctx, `!!document.querySelector('main a[href="tel:`+n+`"]')`) {
			t.Errorf("the guide does not call %s", n)
		}
	}
}

// A lookup counts in words that agree with the number: 1 report, 2 reports.
func TestBrowserPluralForms(t *testing.T) {
	ts := newIntelServer(t)
	mod := ts.mustKey(t, "mia", shopguard.RoleModerator, shopguard.ScopeModerate)
	reporter := ts.mustKey(t, "rae", shopguard.RoleUser, shopguard.ScopeReport)
	ctx := newBrowser(t)
	for i := range 2 { // one reporter reports twice
		st, _, body := ts.do(t, "POST", "/api/v1/reports", contractReport, bearer(reporter))
		if st != 201 {
			t.Fatalf("report %d = %d %s", i, st, body)
		}
		id := itoa(jsonID(t, body))
		if st, _, body := ts.do(t, "POST", "/api/v1/reports/"+id+"/decision", `{"action":"confirm","reason":"the chat shows it"}`, bearer(mod)); st != 200 {
			t.Fatalf("confirm = %d %s", st, body)
		}
		if err := ts.srv.Intel.Sync(context.Background()); err != nil {
			t.Fatal(err)
		}
		do(t, ctx, "look up", chromedp.Navigate(ts.URL+"/lookup?lang=en&kind=phone&value=13812345678"), chromedp.WaitVisible("#verdict"))
		got := text(t, ctx, "#verdict")
		want := map[int]string{0: "1 report from 1 reporter.", 1: "2 reports from 1 reporter."}[i]
		if !strings.Contains(got, want) || regexp.MustCompile(`\b1 report(er)?s\b`).MatchString(got) {
			t.Errorf("after %d reports the lookup says %q, want %q", i+1, got, want)
		}
	}
}

// A victim can scan the case page on a phone: the next step first, each step of the plan
// folded but the next, the note of a finished upload where the eye is, the evidence table
// within the screen. A reader of the shared case is addressed as a reader.
func TestBrowserCaseOnAPhone(t *testing.T) {
	ts := newTestServer(t, nil)
	ctx := newBrowser(t)
	dir := t.TempDir()
	shot := filepath.Join(dir, "聊天记录截图-付款之后对方拉黑了我.png")
	os.WriteFile(shot, testPNG, 0o644)
	do(t, ctx, "phone", chromedp.EmulateViewport(390, 844))
	answerTriage(t, ctx, ts.URL, "en", "I paid a deposit for a phone by bank transfer and the seller blocked me.", "seller", "transfer", "1200.00")
	do(t, ctx, "open the case", chromedp.Click("#to-case"), chromedp.WaitVisible("#next-step"))
	if !js(t, ctx, `document.querySelector("main section, main details").id === "next"`) {
		t.Errorf("the next step is not the first section of the case page")
	}
	if !js(t, ctx, inView("#next-step")) {
		t.Errorf("the next step is not on the first screen of a phone")
	}
	if !js(t, ctx, `!!document.querySelector('#next-step a[href="tel:110"]')`) {
		t.Errorf("the next step, the police, has no tap-to-call link: %q", text(t, ctx, "#next-step"))
	}
	if !js(t, ctx, `document.querySelectorAll("#plan details.step").length > 1 && document.querySelectorAll("#plan details.step[open]").length === 1`) {
		t.Errorf("the plan's steps are not folded to the next one")
	}
	do(t, ctx, "upload", chromedp.SetValue("#note", "the chat after I paid"), chromedp.SetUploadFiles("#file", []string{shot}),
		chromedp.Click("#upload-submit"), chromedp.WaitVisible("#uploaded"))
	if !js(t, ctx, inView("#uploaded")) {
		t.Errorf("the upload's success note is off the screen")
	}
	if !js(t, ctx, `document.querySelector("#evidence-list").getBoundingClientRect().right <= innerWidth`) {
		t.Errorf("the evidence table is wider than the phone")
	}
	fitsAt(t, ctx, "case-en")
	shownInOneLanguage(t, ctx, "case page")

	// Shared: a reader who holds only the link is not told "your case".
	do(t, ctx, "share", chromedp.Click("#share > summary"), chromedp.Click("#share-submit"), chromedp.WaitVisible("#share-url"))
	link := text(t, ctx, "#share-url")
	do(t, ctx, "as a reader", chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, network.ClearBrowserCookies, cdp.Empty{})
		return err
	}), chromedp.Navigate(link), chromedp.WaitVisible("#read-only"))
	if h := text(t, ctx, "h1"); !strings.HasPrefix(h, "Shared case") {
		t.Errorf("the reader's heading is %q", h)
	}
	chrome := text(t, ctx, "main")
	for _, plan := range []string{"#plan ol", "#next ul", "#gather ul"} { // the plan's own advice speaks to the victim
		chrome = strings.Replace(chrome, text(t, ctx, plan), "", 1)
	}
	for _, you := range []string{"Your ", "your case", "for you"} {
		if strings.Contains(chrome, you) {
			t.Errorf("the shared page says %q to its reader", you)
		}
	}
	if js(t, ctx, `!!document.querySelector("#upload, #report-form, #answers")`) {
		t.Errorf("the reader is offered a form")
	}
	shownInOneLanguage(t, ctx, "shared case page")
}
