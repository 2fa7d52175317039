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
	if !strings.Contains(verdict, "138****5678") || !strings.Contains(verdict, "under review") || strings.Contains(verdict, "1 report") || strings.Contains(verdict, "13812345678") {
		t.Fatalf("lookup verdict: %q", verdict)
	}
	// One anonymous, unmoderated report is no finding: never a green badge.
	risk, err := chromedp.Run(ctx, chromedp.AttributeValue("#risk", "data-risk"))
	if err != nil || risk.Value != "review" {
		t.Fatalf("one anonymous report: risk %q, %v; want review", risk.Value, err)
	}
	if green, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`getComputedStyle(document.querySelector("#risk")).backgroundColor === "rgb(22, 101, 52)"`)); err != nil || green {
		t.Fatalf("one anonymous report is badged green (%v)", err)
	}
	// A number nobody reported is "no finding" in a neutral style, saying what was checked.
	do(t, ctx, "look up an unknown number",
		chromedp.Navigate(ts.URL+"/lookup?kind=phone&value=13900000000"),
		chromedp.WaitVisible(`#verdict`))
	if risk, err := chromedp.Run(ctx, chromedp.AttributeValue("#risk", "data-risk")); err != nil || risk.Value != "none" {
		t.Fatalf("unknown number: risk %q, %v; want none", risk.Value, err)
	}
	if checked := text(t, ctx, "#checked"); !strings.Contains(checked, "community reports") {
		t.Fatalf("unknown number: checked %q", checked)
	}
	if green, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`getComputedStyle(document.querySelector("#risk")).backgroundColor === "rgb(22, 101, 52)"`)); err != nil || green {
		t.Fatalf("an unknown number is badged green (%v)", err)
	}
}
