package http_test

import (
	"encoding/json"
	"html"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// The API reference page shows every operation of openapi.json with an example request, on
// the server itself (no script, nothing from elsewhere), and fits a phone.
func TestAPIReferencePage(t *testing.T) {
	ts := newTestServer(t, nil)
	_, _, raw := ts.do(t, "GET", "/api/v1/openapi.json", "", nil)
	var doc struct {
		Paths map[string]map[string]json.RawMessage
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	st, hdr, body := ts.do(t, "GET", "/api-reference", "", map[string]string{"Accept": "text/html", "Accept-Language": "zh-CN"})
	page := string(body)
	if st != 200 || !strings.Contains(hdr.Get("Content-Security-Policy"), "default-src 'self'") || !strings.Contains(page, `lang="en"`) {
		t.Fatalf("/api/docs = %d %q", st, hdr.Get("Content-Security-Policy"))
	}
	if strings.Contains(page, "<script") || regexp.MustCompile(`(src|href)="(https?:)?//`).MatchString(page) {
		t.Error("the page loads something from elsewhere or runs a script")
	}
	sections := regexp.MustCompile(`(?s)<section class="api-op" id="[^"]+">\s*<h2><code>(\w+) ([^<]+)</code></h2>.*?<pre class="example"><code>([^<]+)</code></pre>`).FindAllStringSubmatch(page, -1)
	seen := map[string]bool{}
	for _, s := range sections {
		method, path, example := s[1], s[2], html.UnescapeString(s[3])
		seen[method+" "+path] = true
		if !strings.HasPrefix(example, "curl") || !strings.Contains(example, "/api/v1/") || strings.Contains(example, "{") && !strings.Contains(example, "-d '") {
			t.Errorf("%s %s: example %q", method, path, example)
		}
		if method != "GET" && !strings.Contains(example, "-X "+method) {
			t.Errorf("%s %s: example without its method: %q", method, path, example)
		}
		if _, b, ok := strings.Cut(example, "-d '"); ok {
			b = strings.ReplaceAll(b[:strings.LastIndex(b, "'")], `'\''`, "'")
			if !json.Valid([]byte(b)) {
				t.Errorf("%s %s: example body is not JSON: %s", method, path, b)
			}
		}
	}
	for p, ops := range doc.Paths {
		for m := range ops {
			if op := strings.ToUpper(m) + " " + p; !seen[op] {
				t.Errorf("%s has no section with an example", op)
			}
		}
	}
	ctx := newBrowser(t)
	do(t, ctx, "open the API page", chromedp.Navigate(ts.URL+"/api-reference"), chromedp.WaitVisible(`.api-op`))
	fitsAt(t, ctx, "api-docs")
}
