package http_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/shopguard/shopguard/internal/testenv"
)

// newBrowser starts headless Chromium for a test of up to a minute, or skips the test saying
// why.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	return newBrowserWithin(t, 60*time.Second)
}

// newBrowserWithin is newBrowser for a test that may take up to d.
func newBrowserWithin(t *testing.T, d time.Duration) context.Context {
	t.Helper()
	path := testenv.Chromium(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel2 := chromedp.NewContext(actx)
	t.Cleanup(cancel2)
	ctx, cancel3 := context.WithTimeout(ctx, d)
	t.Cleanup(cancel3)
	return ctx
}

// text returns the text of the first element matching sel, failing the test on error.
func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(sel))
	if err != nil {
		t.Fatalf("text of %s: %v", sel, err)
	}
	return s
}

// pageLang returns the lang attribute of the page.
func pageLang(t *testing.T, ctx context.Context) string {
	t.Helper()
	a, err := chromedp.Run(ctx, chromedp.AttributeValue("html", "lang"))
	if err != nil {
		t.Fatalf("html lang: %v", err)
	}
	return a.Value
}

// do runs browser steps, failing the test on error.
func do(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// A visitor opens /learn, switches language with the switcher and reads a scam type's page.
func TestBrowserLearnAndSwitchLanguage(t *testing.T) {
	ts := newTestServer(t, nil)
	ctx := newBrowser(t)
	do(t, ctx, "open /learn", chromedp.Navigate(ts.URL+"/learn"))
	// Headless Chromium sends its own Accept-Language; either way the page must be in the
	// language it declares, and the switcher must lead to the other one.
	first := pageLang(t, ctx)
	want := map[string]string{"zh-CN": "识别网购诈骗", "en": "Recognise online shopping scams"}
	if h := text(t, ctx, "h1"); h != want[first] {
		t.Fatalf("first visit: lang %s but heading %q", first, h)
	}
	if first == "en" {
		do(t, ctx, "switch to Chinese", chromedp.Click("#lang-switch"), chromedp.WaitVisible(`html[lang="zh-CN"]`))
		if h := text(t, ctx, "h1"); h != want["zh-CN"] {
			t.Fatalf("after switching to Chinese the heading is %q", h)
		}
	}
	do(t, ctx, "switch to English", chromedp.Click("#lang-switch"), chromedp.WaitVisible(`html[lang="en"]`))
	if h := text(t, ctx, "h1"); h != want["en"] {
		t.Fatalf("after switching to English the heading is %q", h)
	}
	do(t, ctx, "open a scam type", chromedp.Click(`a[href="/learn/deposit_scam"]`), chromedp.WaitVisible(`#type-deposit_scam`))
	title, signs := text(t, ctx, "h1"), text(t, ctx, "ul.signs")
	if title == "" || strings.ContainsAny(title, "定金诈骗") || len(strings.TrimSpace(signs)) < 20 {
		t.Fatalf("scam type page: title %q, signs %q; want English text", title, signs)
	}
	// The choice sticks: the next page is in English too.
	do(t, ctx, "open home", chromedp.Navigate(ts.URL+"/"))
	if l := pageLang(t, ctx); l != "en" {
		t.Fatalf("home after switching: lang %q", l)
	}
}

// A shopper pastes a chat into "Check a chat" and sees the verdict with the words that gave
// the scam away marked and explained.
func TestBrowserCheckChat(t *testing.T) {
	ts := newTestServer(t, nil)
	ctx := newBrowser(t)
	chat := "亲，您买的面霜检测不合格，我是平台客服，给您三倍赔偿。请下载会议软件开启屏幕共享，把验证码发给我。"
	do(t, ctx, "check a chat",
		chromedp.Navigate(ts.URL+"/lang/en?next=/check/chat"),
		chromedp.WaitVisible(`#chat-text`),
		chromedp.SendKeys(`#chat-text`, chat),
		chromedp.Submit(`#chat-text`),
		chromedp.WaitVisible(`#highlighted`))
	if risk, err := chromedp.Run(ctx, chromedp.AttributeValue("#risk", "data-risk")); err != nil || risk.Value != "high" {
		t.Fatalf("risk: %q %v", risk.Value, err)
	}
	marked := text(t, ctx, `#highlighted mark[data-cues~="screen_share"]`)
	if !strings.Contains(marked, "屏幕共享") {
		t.Errorf("screen sharing marked as %q", marked)
	}
	if why := text(t, ctx, "#cue-asks_code"); !strings.Contains(why, "verification code") {
		t.Errorf("the code request is explained as %q", why)
	}
	if got, err := chromedp.Run(ctx, chromedp.Value("#chat-text")); err != nil || got != chat {
		t.Errorf("the pasted text is not kept in the form: %q %v", got, err)
	}
}

// notGreen fails the test when the verdict badge is painted the green of "low risk".
func notGreen(t *testing.T, ctx context.Context, what string) {
	t.Helper()
	green, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`getComputedStyle(document.querySelector("#risk")).backgroundColor === "rgb(22, 101, 52)"`))
	if err != nil || green {
		t.Fatalf("%s is badged green (%v)", what, err)
	}
}

// A link and a chat the checks know nothing about are "no finding" in a neutral style that
// says what was checked, never a green "low risk".
func TestBrowserUnknownIsNotSafe(t *testing.T) {
	ts := newTestServer(t, nil)
	ctx := newBrowser(t)
	do(t, ctx, "check an unknown link",
		chromedp.Navigate(ts.URL+"/check/link?lang=en&url=https://quiet-corner-books.example/item/7"),
		chromedp.WaitVisible(`#verdict`))
	if risk, err := chromedp.Run(ctx, chromedp.AttributeValue("#risk", "data-risk")); err != nil || risk.Value != "none" {
		t.Fatalf("unknown link: risk %q, %v; want none", risk.Value, err)
	}
	if checked := text(t, ctx, "#checked"); !strings.Contains(checked, "imitates a known brand") {
		t.Errorf("unknown link: checked %q", checked)
	}
	notGreen(t, ctx, "an unknown link")
	do(t, ctx, "check a harmless chat",
		chromedp.Navigate(ts.URL+"/lang/zh-CN?next=/check/chat"),
		chromedp.WaitVisible(`#chat-text`),
		chromedp.SendKeys(`#chat-text`, "明天下午三点在图书馆见，记得带上笔记。"),
		chromedp.Submit(`#chat-text`),
		chromedp.WaitVisible(`#verdict`))
	if risk, err := chromedp.Run(ctx, chromedp.AttributeValue("#risk", "data-risk")); err != nil || risk.Value != "none" {
		t.Fatalf("harmless chat: risk %q, %v; want none", risk.Value, err)
	}
	if got := text(t, ctx, "#risk"); got != "没有发现" {
		t.Errorf("harmless chat: badge %q", got)
	}
	notGreen(t, ctx, "a harmless chat")
}
