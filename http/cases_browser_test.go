package http_test

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/casework"
)

// download clicks sel and returns the bytes of the file the browser saved.
func download(t *testing.T, ctx context.Context, dir, sel string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	progress := chromedp.Events(ctx, browser.DownloadProgress)
	do(t, ctx, "download "+sel, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		yes := true
		_, err := chromedp.Call(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
			Behavior: browser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: dir, EventsEnabled: &yes})
		return err
	}), chromedp.Click(sel))
	for ev, err := range progress {
		if err != nil {
			t.Fatalf("download %s: %v", sel, err)
		}
		switch ev.State {
		case browser.DownloadProgressStateCompleted:
			b, err := os.ReadFile(filepath.Join(dir, ev.GUID))
			if err != nil {
				t.Fatal(err)
			}
			return b
		case browser.DownloadProgressStateCanceled:
			t.Fatalf("download %s was cancelled", sel)
		}
	}
	t.Fatalf("download %s: no completed download", sel)
	return nil
}

// waitLocation waits until the page's address ends with suffix (a form posted and redirected).
func waitLocation(t *testing.T, ctx context.Context, suffix string) {
	t.Helper()
	for range 100 {
		if loc, err := chromedp.Run(ctx, chromedp.Location()); err == nil && strings.HasSuffix(loc, suffix) {
			do(t, ctx, "wait for the page", chromedp.WaitVisible("body"))
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	t.Fatalf("the page never reached an address ending %q: it is at %s", suffix, loc)
}

// answerTriage starts a case in the browser from the new-case page in lang: what happened, who
// cheated, how the money went, the amount and any more answers (extra); it waits for the key.
func answerTriage(t *testing.T, ctx context.Context, base, lang, what, culprit, payment, amount string, extra ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	steps := []chromedp.Action[chromedp.Void]{
		chromedp.Navigate(base + "/lang/" + lang + "?next=/cases/new"),
		chromedp.WaitVisible("#triage"),
		chromedp.SendKeys("#what", what),
		chromedp.Click(`input[name="culprit"][value="` + culprit + `"]`),
		chromedp.Click(`input[name="payment"][value="` + payment + `"]`),
		chromedp.SendKeys("#amount", amount),
	}
	steps = append(append(steps, extra...), chromedp.Click("#create-case"), chromedp.WaitVisible("#case-key"))
	do(t, ctx, "answer the triage", steps...)
}

// A victim answers the triage in a real browser, uploads two files, gets a document and the
// package; the package verifies, and one altered byte makes it fail.
func TestBrowserCaseFromTriageToPackage(t *testing.T) {
	ts := newTestServer(t, nil)
	ctx := newBrowser(t)
	dir := t.TempDir()
	shot, receipt := filepath.Join(dir, "聊天截图.png"), filepath.Join(dir, "receipt.pdf")
	os.WriteFile(shot, testPNG, 0o644)
	os.WriteFile(receipt, testPDF, 0o644)

	answerTriage(t, ctx, ts.URL, "zh-CN", "买了一部手机，收到的是模型机，商家不再回复。", "seller", "escrow", "3299.00",
		chromedp.SendKeys("#counterparty", "数码旗舰小店"),
		chromedp.SendKeys("#seller_location", "广东省深圳市"),
		chromedp.Click(`input[name="evidence"][value="chat"]`),
	)
	key := text(t, ctx, "#case-key")
	if !strings.HasPrefix(key, "sgc_") {
		t.Fatalf("case key shown: %q", key)
	}
	do(t, ctx, "open the case", chromedp.Click("#to-case"), chromedp.WaitVisible("#next-step"))
	if next := text(t, ctx, "#next-step"); next == "" {
		t.Fatal("the case page names no next step")
	}
	for i, f := range []string{shot, receipt} {
		do(t, ctx, "upload "+f,
			chromedp.SetValue("#note", "证据"+string(rune('1'+i))),
			chromedp.SetUploadFiles("#file", []string{f}),
			chromedp.Click("#upload-submit"),
			chromedp.WaitVisible(`#evidence-list tr:nth-child(`+string(rune('2'+i))+`)`),
		)
	}
	if list := text(t, ctx, "#evidence-list"); !strings.Contains(list, "聊天截图.png") || !strings.Contains(list, "receipt.pdf") {
		t.Fatalf("evidence list: %q", list)
	}

	// Answering more changes the plan: money sent off the platform puts the police first.
	before := text(t, ctx, "#next-step")
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById("answers").open = true`)); err != nil {
		t.Fatalf("open the answers: %v", err)
	}
	do(t, ctx, "change the answers",
		chromedp.Click(`#answers input[name="payment"][value="transfer"]`),
		chromedp.Click("#save-triage"),
	)
	waitLocation(t, ctx, "#next")
	if after := text(t, ctx, "#next-step"); after == before || !strings.Contains(after, "110") {
		t.Fatalf("next step after saying the money went by transfer: %q (was %q)", after, before)
	}

	pdf := download(t, ctx, dir, "a.doc")
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatalf("document download is not a PDF: %q", pdf[:min(20, len(pdf))])
	}
	pkg := download(t, ctx, dir, "#package")
	r, err := casework.VerifyPackage(bytes.NewReader(pkg), int64(len(pkg)), casework.DefaultVerifyLimits)
	if err != nil || !r.OK() || r.Entries != 2 {
		t.Fatalf("package from the browser: %+v %v", r, err)
	}

	// Alter one byte of one evidence file inside the package.
	zr, _ := zip.NewReader(bytes.NewReader(pkg), int64(len(pkg)))
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		rc, _ := f.Open()
		data, _ := io.ReadAll(rc)
		rc.Close()
		if f.Name == "evidence/002-receipt.pdf" {
			data[3] ^= 0x20
		}
		w, _ := zw.Create(f.Name)
		w.Write(data)
	}
	zw.Close()
	r, err = casework.VerifyPackage(bytes.NewReader(out.Bytes()), int64(out.Len()), casework.DefaultVerifyLimits)
	if err != nil || r.OK() || !strings.Contains(r.Problems[0].String(), "evidence/002-receipt.pdf") {
		t.Fatalf("altered package: %+v %v", r, err)
	}
}

// A victim reports their case from the case page in a real browser: the scam type comes
// proposed from the triage, the consent box must be ticked, and the page then shows the
// report's status; the moderators' queue has the report with the case's story and file.
func TestBrowserCaseReport(t *testing.T) {
	ts := newIntelServer(t)
	ctx := newBrowser(t)
	shot := filepath.Join(t.TempDir(), "chat.png")
	os.WriteFile(shot, testPNG, 0o644)

	answerTriage(t, ctx, ts.URL, "en", "The seller had me cancel the order, then sent a worthless parcel cash on delivery.", "seller", "cod", "89.00")
	do(t, ctx, "open the case and upload a file",
		chromedp.Click("#to-case"),
		chromedp.WaitVisible("#report-form"),
		chromedp.SetUploadFiles("#file", []string{shot}),
		chromedp.Click("#upload-submit"),
		chromedp.WaitVisible(`#report-evidence input[name="evidence"]`),
	)
	proposed, err := chromedp.Run(ctx, chromedp.Value("#report_type"))
	if err != nil || proposed != "cod_switch" {
		t.Fatalf("proposed scam type = %q, %v; want cod_switch (a seller, cash on delivery)", proposed, err)
	}
	do(t, ctx, "report without consent",
		chromedp.Click("#report > summary"), // the report section is folded until opened
		chromedp.SendKeys("#value0", "138 1234 5678"),
		chromedp.Click(`#report-evidence input[name="evidence"]`),
		chromedp.Click("#report-submit"),
		chromedp.WaitVisible("#report-error"),
	)
	if msg := text(t, ctx, "#report-error"); !strings.Contains(msg, "consent") {
		t.Fatalf("error without consent: %q", msg)
	}
	if v, _ := chromedp.Run(ctx, chromedp.Value("#value0")); v != "138 1234 5678" {
		t.Fatalf("the form lost the phone number after the error: %q", v)
	}
	do(t, ctx, "report with consent", chromedp.Click("#report-consent"), chromedp.Click("#report-submit"))
	waitLocation(t, ctx, "#report")
	if status := text(t, ctx, "#report-status"); !strings.Contains(status, "waiting for a moderator") {
		t.Fatalf("report status on the case page: %q", status)
	}
	reports, err := ts.srv.Store.ListReports(context.Background(), shopguard.ReportFilter{})
	if err != nil || len(reports) != 1 {
		t.Fatalf("queue = %v, %v", reports, err)
	}
	if r := reports[0]; r.ScamType != "cod_switch" || !strings.Contains(r.Narrative, "worthless parcel") || r.Amount != "89.00" ||
		len(r.Identifiers) != 1 || r.Identifiers[0].Value != "+8613812345678" || len(r.Evidence) != 1 || r.Evidence[0].Name != "chat.png" {
		t.Fatalf("queued report = %+v", r)
	}
}
