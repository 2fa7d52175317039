package http_test

import (
	"strings"
	"testing"
	"unicode"

	"github.com/chromedp/chromedp"
)

// A shopper walks the "Should I pay?" wizard in a browser, in Chinese and in English: they
// answer part of the first three steps, go back and forth (the answers travel with them), skip
// the chat, ask for the verdict and read it with its reasons, each naming its source.
func TestBrowserAssessWizard(t *testing.T) {
	ts := newTestServer(t, nil)
	for _, c := range []struct {
		lang, step2, deposit, listing string
	}{
		{"zh-CN", "卖家", "定金", "交易条件"},
		{"en", "The seller", "deposit", "the offer"},
	} {
		t.Run(c.lang, func(t *testing.T) {
			ctx := newBrowser(t)
			do(t, ctx, "open the wizard", chromedp.Navigate(ts.URL+"/lang/"+c.lang+"?next=/assess"), chromedp.WaitVisible(`#platform`))
			if l := pageLang(t, ctx); l != c.lang {
				t.Fatalf("wizard in %s: page lang %q", c.lang, l)
			}
			// Step 1: only the platform.
			do(t, ctx, "step 1", chromedp.SetValue(`#platform`, "xianyu"), chromedp.Click(`#next`), chromedp.WaitVisible(`#contact_qq`))
			if cur := text(t, ctx, `ol.steps li[aria-current="step"]`); !strings.Contains(cur, c.step2) {
				t.Fatalf("step 2 is marked %q, want %q", cur, c.step2)
			}
			// Step 2: a QQ number only.
			do(t, ctx, "step 2", chromedp.SendKeys(`#contact_qq`, "2876543210"), chromedp.Click(`#next`), chromedp.WaitVisible(`#payment_method`))
			// Step 3: a bank transfer and a deposit; back to step 2 and forward again keeps all.
			do(t, ctx, "step 3", chromedp.SetValue(`#payment_method`, "bank_transfer"), chromedp.Click(`input[name="deposit"]`),
				chromedp.Click(`#back`), chromedp.WaitVisible(`#contact_qq`))
			if qq, err := chromedp.Run(ctx, chromedp.Value(`#contact_qq`)); err != nil || qq != "2876543210" {
				t.Fatalf("back on step 2 the QQ is %q (%v)", qq, err)
			}
			do(t, ctx, "forward to step 3", chromedp.Click(`#next`), chromedp.WaitVisible(`#payment_method`))
			pm, err := chromedp.Run(ctx, chromedp.Value(`#payment_method`))
			checked, err2 := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector('input[name="deposit"]').checked`))
			if err != nil || err2 != nil || pm != "bank_transfer" || !checked {
				t.Fatalf("step 3 again: payment %q, deposit %v (%v %v)", pm, checked, err, err2)
			}
			// The chat is skipped: the verdict is asked for at once.
			do(t, ctx, "ask for the verdict", chromedp.Click(`#check`), chromedp.WaitVisible(`#verdict`))
			if risk, err := chromedp.Run(ctx, chromedp.AttributeValue(`#risk`, "data-risk")); err != nil || risk.Value != "high" {
				t.Fatalf("risk %q (%v)", risk.Value, err)
			}
			n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('#verdict ul.signals li[data-source="listing"]').length`))
			if err != nil || n < 2 {
				t.Fatalf("%d reasons from the listing check (%v)", n, err)
			}
			why := text(t, ctx, `#verdict ul.signals`)
			if !strings.Contains(why, c.deposit) {
				t.Errorf("the reasons do not mention the deposit (%q):\n%s", c.deposit, why)
			}
			han := strings.IndexFunc(why, func(r rune) bool { return unicode.Is(unicode.Han, r) }) >= 0
			if han != (c.lang == "zh-CN") {
				t.Errorf("the reasons on the %s page are in the wrong language:\n%s", c.lang, why)
			}
			if adv := text(t, ctx, `#verdict ul.advice`); len(strings.TrimSpace(adv)) < 10 {
				t.Errorf("no advice: %q", adv)
			}
			if checked := text(t, ctx, `#checked`); !strings.Contains(checked, c.listing) {
				t.Errorf("the verdict does not say the offer was checked: %q", checked)
			}
		})
	}
}
