package http_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/shopguard/shopguard/internal/testenv"
)

// extensionID is the id the extension's manifest key gives it.
const extensionID = "jipcibfkphpgmnlllaiapjlmffillcjn"

// TestBrowserExtension loads the extension into Chromium, opens a fake shop in one window,
// selects a seller's message on it and asks the extension's popup (opened in another window)
// for a verdict: the popup shows it, and the server got the page's address and the selected
// text, nothing else.
func TestBrowserExtension(t *testing.T) {
	path := testenv.Chromium(t)
	ts := newTestServer(t, nil)
	ts.srv.Fetcher = loopbackFetcher()
	_, port := shopServer(t, "zh-fake-qq-only")
	shopURL := "http://127.0.0.1:" + port + "/"

	// The extension talks to the server through a recorder of what it sends.
	var mu sync.Mutex
	var bodies []map[string]any
	target, _ := url.Parse(ts.URL)
	proxy := httputil.NewSingleHostReverseProxy(target)
	rec := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		var m map[string]any
		json.Unmarshal(b, &m)
		mu.Lock()
		bodies = append(bodies, m)
		mu.Unlock()
		if r.Header.Get("Cookie") != "" {
			t.Errorf("the extension sent cookies")
		}
		r.Body = io.NopCloser(bytes.NewReader(b))
		proxy.ServeHTTP(w, r)
	}))
	defer rec.Close()

	ext, err := filepath.Abs("../extension")
	if err != nil {
		t.Fatal(err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("headless", "new"),
		chromedp.Flag("disable-extensions", false),
		chromedp.Flag("load-extension", ext),
		chromedp.Flag("disable-extensions-except", ext),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 60*time.Second)
	defer cancel()

	const said = "亲，平台手续费太高，加我QQ私下银行转账，先付定金我就发货。"
	do(t, ctx, "open the shop", chromedp.Navigate(shopURL))
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.body.insertAdjacentHTML("beforeend", "<p id=said>`+said+`</p>");
			getSelection().selectAllChildren(document.getElementById("said")); true`)); err != nil {
		t.Fatalf("select a message: %v", err)
	}
	// The popup opens as a page of its own in another window, so that the shop's tab stays
	// the active one of its window.
	pctx, cancel := chromedp.NewContext(ctx, chromedp.WithNewWindow(true))
	defer cancel()
	popup := "chrome-extension://" + extensionID + "/popup.html"
	do(t, pctx, "open the popup", chromedp.Navigate(popup), chromedp.WaitVisible("#check"))
	if _, err := chromedp.Run(pctx, chromedp.Evaluate[bool](`chrome.storage.sync.set({server: "`+rec.URL+`"}).then(() => true)`, chromedp.EvalAwaitPromise)); err != nil {
		t.Fatalf("choose the server: %v", err)
	}
	do(t, pctx, "ask for a verdict", chromedp.Click("#check"), chromedp.WaitVisible("#verdict"))
	risk, err := chromedp.Run(pctx, chromedp.AttributeValue("#risk", "data-risk"))
	if err != nil || risk.Value != "high" {
		st, _ := chromedp.Run(pctx, chromedp.Text("#status"))
		t.Fatalf("risk %q (%v), status %q", risk.Value, err, st)
	}
	codes, err := chromedp.Run(pctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("#signals li")].map(li => li.dataset.code)`))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"site.contact_only_im", "site.pay_transfer"} {
		if !slices.Contains(codes, want) {
			t.Errorf("no %s among the reasons %v", want, codes)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(bodies) != 1 {
		t.Fatalf("%d requests to the server", len(bodies))
	}
	for k := range bodies[0] {
		if k != "site" && k != "chat" {
			t.Errorf("the extension sent %q", k)
		}
	}
	if bodies[0]["site"] != shopURL || bodies[0]["chat"] != said {
		t.Errorf("sent %v", bodies[0])
	}
}
