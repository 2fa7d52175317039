package http_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// A victim reports a scammer's number with the web form, then anyone looking it up sees the
// masked number and the report.
func TestBrowserReportThenLookUp(t *testing.T) {
	ts := newIntelServer(t)
	ctx := newBrowser(t)
	do(t, ctx, "open /report in English", chromedp.Navigate(ts.URL+"/lang/en?next=/report"), chromedp.WaitVisible(`#report-form`))
	do(t, ctx, "fill the form",
		chromedp.SetValue(`#scam_type`, "deposit_scam"),
		chromedp.SetValue(`#kind0`, "phone"),
		chromedp.SendKeys(`#value0`, "138 1234 5678"),
		chromedp.SetValue(`#platform`, "xianyu"),
		chromedp.SendKeys(`#amount`, "300.00"),
		chromedp.SendKeys(`#narrative`, "The seller asked for a deposit by bank transfer, then blocked me."),
		chromedp.Click(`#report-form button[type="submit"]`),
		chromedp.WaitVisible(`#filed`),
	)
	if got := text(t, ctx, "#filed"); !strings.Contains(got, "waits for a moderator") {
		t.Fatalf("after filing: %q", got)
	}
	do(t, ctx, "look the number up",
		chromedp.Navigate(ts.URL+"/lookup"),
		chromedp.SetValue(`#kind`, "phone"),
		chromedp.SendKeys(`#value`, "+86 138-1234-5678"),
		chromedp.Click(`#lookup-form button[type="submit"]`),
		chromedp.WaitVisible(`#verdict`),
	)
	verdict := text(t, ctx, "#verdict")
	if !strings.Contains(verdict, "138****5678") || !strings.Contains(verdict, "1 reports") || strings.Contains(verdict, "13812345678") {
		t.Fatalf("lookup verdict: %q", verdict)
	}
	risk, err := chromedp.Run(ctx, chromedp.AttributeValue("#risk", "data-risk"))
	if err != nil || risk.Value != "low" {
		t.Fatalf("one anonymous report: risk %q, %v; want low", risk.Value, err)
	}
}
