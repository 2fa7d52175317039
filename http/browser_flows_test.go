package http_test

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/shopguard/shopguard"
)

// fitsAt checks the page open in ctx at both widths (1280 px desktop, 390 px phone): nothing
// overflows sideways.
func fitsAt(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	widths(t, ctx, name, false)
}

// An anonymous reporter files a report, keeps the private link, and answers there when a
// moderator asks for more; the moderator sees who did what in words and a confirmation after
// each decision.
func TestBrowserReporterAnswersThroughPrivateLink(t *testing.T) {
	ts := newIntelServer(t)
	if _, err := ts.auth.CreateUser(context.Background(), "mia", shopguard.RoleModerator, "moderator password"); err != nil {
		t.Fatal(err)
	}
	ctx := newBrowser(t)
	do(t, ctx, "file a report", chromedp.Navigate(ts.URL+"/lang/en?next=/report"), chromedp.WaitVisible(`#report-form`),
		chromedp.SetValue(`#scam_type`, "deposit_scam"),
		chromedp.SetValue(`#kind0`, "phone"),
		chromedp.SendKeys(`#value0`, "138 1234 5678"),
		chromedp.SendKeys(`#narrative`, "The seller asked for a deposit by bank transfer, then blocked me."),
		chromedp.Click(`#report-form button[type="submit"]`),
		chromedp.WaitVisible(`#private-link`))
	link, err := chromedp.Run(ctx, chromedp.AttributeValue(`#private-link a`, "href"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`/reporter/(\d+)/(sgl_[A-Za-z0-9_-]{43})$`).FindStringSubmatch(link.Value)
	if m == nil {
		t.Fatalf("private link %q", link.Value)
	}
	id := m[1]

	// The moderator signs in: the queue holds the report, no appeal waits, and the audit
	// log is empty, each said so.
	do(t, ctx, "sign in", chromedp.Navigate(ts.URL+"/login?next=/moderation"), chromedp.SendKeys(`#name`, "mia"), chromedp.SendKeys(`#password`, "moderator password"),
		chromedp.Submit(`#password`), chromedp.WaitVisible(`#report-`+id))
	for _, sel := range []string{"#no-appeals", "#no-audit"} {
		if s := text(t, ctx, sel); s == "" {
			t.Errorf("%s is empty", sel)
		}
	}
	do(t, ctx, "ask for more", chromedp.SetValue(`#action-`+id, "ask_info"), chromedp.SendKeys(`#reason-`+id, "Which platform was the shop on?"),
		chromedp.Click(`#report-`+id+` button[type="submit"]`), chromedp.WaitVisible(`#done`))
	if s := text(t, ctx, "#done"); s != "The reporter of report "+id+" is asked for more." {
		t.Errorf("confirmation: %q", s)
	}
	if s := text(t, ctx, "#audit tbody"); !strings.Contains(s, "mia") || !strings.Contains(s, "asked the reporter of report "+id+" for more") {
		t.Errorf("audit line: %q", s)
	}
	fitsAt(t, ctx, "moderation-en")
	do(t, ctx, "sign out", chromedp.Click(`form[action="/logout"] button`), chromedp.WaitVisible(`.account a[href="/login"]`))

	// The reporter, not signed in, opens the link, reads the question and answers it.
	do(t, ctx, "open the private link", chromedp.Navigate(link.Value), chromedp.WaitVisible(`#moderator-question`))
	if q := text(t, ctx, "#moderator-question"); q != "Which platform was the shop on?" {
		t.Errorf("question: %q", q)
	}
	fitsAt(t, ctx, "reporter-en")
	do(t, ctx, "answer", chromedp.SendKeys(`#answer`, "It was on Xianyu."), chromedp.Click(`#answer-form button`), chromedp.WaitVisible(`#sent`))
	if st, err := chromedp.Run(ctx, chromedp.AttributeValue("#status", "data-status")); err != nil || st.Value != "pending" {
		t.Errorf("after answering the report is %q (%v), want pending", st.Value, err)
	}
	if s := text(t, ctx, ".narrative"); !strings.Contains(s, "It was on Xianyu.") {
		t.Errorf("the answer is not in the report: %q", s)
	}
	do(t, ctx, "in Chinese", chromedp.Navigate(ts.URL+"/lang/zh-CN?next="+m[0]), chromedp.WaitVisible(`#status`))
	if s := text(t, ctx, "#status"); !strings.Contains(s, "等待审核") {
		t.Errorf("status in Chinese: %q", s)
	}
	fitsAt(t, ctx, "reporter-zh")

	// A link with a wrong token opens nothing.
	bad := m[0][:len(m[0])-1] + map[bool]string{true: "B", false: "A"}[strings.HasSuffix(m[0], "A")]
	if st, _, _ := ts.do(t, "GET", bad, "", nil); st != 404 {
		t.Errorf("a wrong token = %d, want 404", st)
	}
	if st, _, _ := ts.do(t, "POST", strings.Replace(m[0], "/reporter/"+id+"/", "/reporter/"+id+"0/", 1), "", nil); st != 404 {
		t.Errorf("another report's id with this token = %d, want 404", st)
	}
}

// A domain's owner files an appeal, leaves, and comes back to the TXT record instructions
// through the private link.
func TestBrowserAppealInstructionsReopen(t *testing.T) {
	ts := newIntelServer(t)
	ctx := newBrowser(t)
	do(t, ctx, "file an appeal", chromedp.Navigate(ts.URL+"/lang/en?next=/appeal"), chromedp.WaitVisible(`#appeal-form`),
		chromedp.SetValue(`#kind`, "domain"), chromedp.SendKeys(`#value`, "honest-shop.com"), chromedp.SendKeys(`#reason`, "This is our own shop."),
		chromedp.Click(`#appeal-form button[type="submit"]`), chromedp.WaitVisible(`#private-link`))
	publish := text(t, ctx, "#publish")
	link, err := chromedp.Run(ctx, chromedp.AttributeValue(`#private-link a`, "href"))
	if err != nil || !regexp.MustCompile(`/appeal/\d+/sgl_`).MatchString(link.Value) {
		t.Fatalf("private link %q %v", link.Value, err)
	}
	do(t, ctx, "leave and come back", chromedp.Navigate(ts.URL+"/learn"), chromedp.Navigate(link.Value), chromedp.WaitVisible(`#publish`))
	if again := text(t, ctx, "#publish"); again != publish || !strings.Contains(again, "_shopguard-challenge.honest-shop.com") {
		t.Errorf("reopened instructions %q, first %q", again, publish)
	}
	fitsAt(t, ctx, "appeal-en")
	do(t, ctx, "in Chinese", chromedp.Navigate(ts.URL+"/lang/zh-CN?next="+strings.TrimPrefix(link.Value, ts.URL)), chromedp.WaitVisible(`#publish`))
	fitsAt(t, ctx, "appeal-zh")
	// The API gives the same link to who files by JSON.
	st, _, body := ts.do(t, "POST", "/api/v1/appeals", `{"kind":"domain","value":"other-shop.com","reason":"ours","method":"dns_txt"}`, nil)
	var ans struct{ Link string }
	if st != 201 || json.Unmarshal(body, &ans) != nil || !strings.Contains(ans.Link, "/appeal/") {
		t.Errorf("API appeal: %d %s", st, body)
	}
}
