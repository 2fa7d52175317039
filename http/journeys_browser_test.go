package http_test

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/shopguard/shopguard"
)

// screensDir is where the journeys' screenshots are kept for the README, from this package.
const screensDir = "../docs/screens"

// shoot checks the page open in ctx for the journeys: in the page's language, free of script,
// and fitting at both widths; with SHOPGUARD_SCREENS=1 it saves a screenshot of the first screen at each
// width as docs/screens/NAME-WIDTH.png (CI leaves the committed ones as they are).
func shoot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	shownInOneLanguage(t, ctx, name)
	if js(t, ctx, `document.scripts.length > 0 || [...document.querySelectorAll("*")].some(e => [...e.attributes].some(a => a.name.startsWith("on")))`) {
		t.Errorf("%s runs script", name)
	}
	widths(t, ctx, name, os.Getenv("SHOPGUARD_SCREENS") == "1")
}

// widths checks the page open in ctx at a desktop's width (1280 px) and a phone's (390 px):
// nothing overflows sideways. With save, it saves a screenshot of the first screen at each.
func widths(t *testing.T, ctx context.Context, name string, save bool) {
	t.Helper()
	for _, w := range []int64{1280, 390} {
		h := map[int64]int64{1280: 800, 390: 844}[w]
		do(t, ctx, "resize", chromedp.EmulateViewport(w, h))
		js(t, ctx, `(window.scrollTo(0, 0), true)`)
		if js(t, ctx, `document.documentElement.scrollWidth > innerWidth`) {
			t.Errorf("%s at %d px overflows sideways", name, w)
		}
		if !save {
			continue
		}
		png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
		if err == nil {
			err = os.WriteFile(filepath.Join(screensDir, fmt.Sprintf("%s-%d.png", name, w)), png, 0o644)
		}
		if err != nil {
			t.Errorf("screenshot of %s: %v", name, err)
		}
	}
}

// The main journeys, in each language, each page at 1280 and 390 px: check a link, a chat
// and a seller; report a number and moderate the report, then look it up; open a case, add
// evidence and download the package.
func TestBrowserJourneys(t *testing.T) {
	if os.Getenv("SHOPGUARD_SCREENS") == "1" {
		if err := os.MkdirAll(screensDir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, lang := range shopguard.Langs {
		t.Run(string(lang), func(t *testing.T) {
			journeys(t, string(lang))
		})
	}
}

func journeys(t *testing.T, lang string) {
	ts := newIntelServer(t)
	if _, err := ts.auth.CreateUser(context.Background(), "mia", shopguard.RoleModerator, "moderator password"); err != nil {
		t.Fatal(err)
	}
	ctx := newBrowserWithin(t, 4*time.Minute)
	zh := lang == string(shopguard.LangZH)
	say := func(zhText, enText string) string {
		if zh {
			return zhText
		}
		return enText
	}
	do(t, ctx, "open home", chromedp.Navigate(ts.URL+"/lang/"+lang+"?next=/"), chromedp.WaitVisible("#quick-check"))
	shoot(t, ctx, "home-"+lang)

	// Check a link from the home page's box.
	do(t, ctx, "check a link", chromedp.SendKeys("#q", "http://taobao-secure-login.top/pay"), chromedp.Click("#quick-submit"), chromedp.WaitVisible("#verdict"))
	if r, err := chromedp.Run(ctx, chromedp.AttributeValue("#risk", "data-risk")); err != nil || r.Value != "high" {
		t.Errorf("phishing link: risk %q %v", r.Value, err)
	}
	shoot(t, ctx, "check-link-"+lang)

	// Check a chat.
	do(t, ctx, "check a chat", chromedp.Navigate(ts.URL+"/check/chat"), chromedp.WaitVisible("#chat-text"),
		chromedp.SendKeys("#chat-text", say("亲，您买的面霜检测不合格，我是平台客服，给您三倍赔偿。请下载会议软件开启屏幕共享，把验证码发给我。",
			"Hello, this is platform customer service. Your order failed inspection and we will refund you three times. Please download the meeting app, share your screen and send me the verification code.")),
		chromedp.Submit("#chat-text"), chromedp.WaitVisible("#highlighted"))
	shoot(t, ctx, "check-chat-"+lang)

	// Check a seller.
	do(t, ctx, "check a seller", chromedp.Navigate(ts.URL+"/check/seller"), chromedp.WaitVisible("#seller-form"),
		chromedp.SendKeys("#price", "1999"), chromedp.SendKeys("#reference_price", "6999"), chromedp.SetValue("#payment", "bank_transfer"),
		chromedp.Click(`input[name="deposit"]`), chromedp.Click(`#seller-form button[type="submit"]`), chromedp.WaitVisible("#verdict"))
	shoot(t, ctx, "check-seller-"+lang)

	// Report a number, and moderate the report.
	do(t, ctx, "report", chromedp.Navigate(ts.URL+"/report"), chromedp.WaitVisible("#report-form"),
		chromedp.SetValue("#scam_type", "deposit_scam"), chromedp.SetValue("#kind0", "phone"), chromedp.SendKeys("#value0", "138 1234 5678"),
		chromedp.SendKeys("#narrative", say("卖家让我先付定金，然后拉黑了我。", "The seller asked for a deposit by bank transfer, then blocked me.")),
		chromedp.Click(`#report-form button[type="submit"]`), chromedp.WaitVisible("#private-link"))
	shoot(t, ctx, "report-"+lang)
	link, err := chromedp.Run(ctx, chromedp.AttributeValue("#private-link a", "href"))
	m := regexp.MustCompile(`/reporter/(\d+)/`).FindStringSubmatch(link.Value)
	if err != nil || m == nil {
		t.Fatalf("private link %q %v", link.Value, err)
	}
	id := m[1]
	do(t, ctx, "sign in", chromedp.Navigate(ts.URL+"/login?next=/moderation"), chromedp.SendKeys("#name", "mia"),
		chromedp.SendKeys("#password", "moderator password"), chromedp.Submit("#password"), chromedp.WaitVisible("#report-"+id))
	shoot(t, ctx, "moderation-"+lang)
	do(t, ctx, "confirm", chromedp.SetValue("#action-"+id, "confirm"), chromedp.SendKeys("#reason-"+id, say("聊天记录证实了定金诈骗", "the chat shows the deposit")),
		chromedp.Click("#report-"+id+` button[type="submit"]`), chromedp.WaitVisible("#done"))
	if !js(t, ctx, inView("#done")) {
		t.Errorf("the moderator's confirmation is off the screen")
	}
	do(t, ctx, "sign out", chromedp.Click(`form[action="/logout"] button`), chromedp.WaitVisible(`.account a[href="/login"]`))
	if err := ts.srv.Intel.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	do(t, ctx, "look up", chromedp.Navigate(ts.URL+"/"), chromedp.WaitVisible("#q"), chromedp.SendKeys("#q", "138 1234 5678"),
		chromedp.Click("#quick-submit"), chromedp.WaitVisible("#verdict"))
	if r, err := chromedp.Run(ctx, chromedp.AttributeValue("#risk", "data-risk")); err != nil || r.Value != "high" {
		t.Errorf("the confirmed number: risk %q %v", r.Value, err)
	}
	shoot(t, ctx, "lookup-"+lang)

	// Open a case, add evidence, download the package.
	dir := t.TempDir()
	shot := filepath.Join(dir, say("聊天截图.png", "chat.png"))
	if err := os.WriteFile(shot, testPNG, 0o644); err != nil {
		t.Fatal(err)
	}
	answerTriage(t, ctx, ts.URL, lang, say("买手机付了 1200 元定金，对方收款后拉黑了我。", "I paid a 1,200 yuan deposit for a phone; the seller blocked me after the transfer."),
		"seller", "transfer", "1200.00")
	do(t, ctx, "open the case", chromedp.Click("#to-case"), chromedp.WaitVisible("#next-step"))
	shoot(t, ctx, "case-"+lang)
	do(t, ctx, "add evidence", chromedp.SetValue("#note", say("付款后的聊天", "the chat after paying")), chromedp.SetUploadFiles("#file", []string{shot}),
		chromedp.Click("#upload-submit"), chromedp.WaitVisible("#uploaded"))
	shoot(t, ctx, "case-evidence-"+lang)
	pkg := download(t, ctx, dir, "#package")
	zr, err := zip.NewReader(bytes.NewReader(pkg), int64(len(pkg)))
	if err != nil {
		t.Fatalf("package: %v", err)
	}
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
	}
	if all := strings.Join(names, " "); !strings.Contains(all, filepath.Base(shot)) || !strings.Contains(all, "manifest") {
		t.Errorf("the package holds %s", all)
	}
}
