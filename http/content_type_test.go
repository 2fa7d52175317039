package http_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/shopguard/shopguard"
	shttp "github.com/shopguard/shopguard/http"
)

// A JSON body sent with a form's content type (what `curl -d` sends) is refused with 415 and
// a message, in the caller's language, that says the content type must be application/json;
// before, the body was read as a form and the answer said it was empty.
func TestJSONBodyWithAnotherContentType(t *testing.T) {
	ts := newTestServer(t, nil)
	link := `{"url":"https://taobao-refund-center.top/pay?id=2231"}`
	han := regexp.MustCompile(`\p{Han}`)
	for _, tc := range []struct{ path, body, ctype string }{
		{"/api/v1/check/url", link, "application/x-www-form-urlencoded"},
		{"/api/v1/check/url", `{"url":"https://shop.example.com/%zz"}`, "application/x-www-form-urlencoded"}, // not a readable form either
		{"/api/v1/check/url", link, "multipart/form-data; boundary=x"},
		{"/api/v1/check/url", link, "text/plain"},
		{"/api/v1/check/url", link, "application/json ; ; x"}, // unreadable
		{"/api/v1/scan", `{"text":"hi"}`, "application/x-www-form-urlencoded"},
	} {
		for _, lang := range []string{"", "en", "zh-CN"} {
			hdr := map[string]string{"Content-Type": tc.ctype}
			if lang != "" {
				hdr["Accept-Language"] = lang
			}
			st, _, body := ts.do(t, "POST", tc.path, tc.body, hdr)
			e := errorOf(t, body)
			if st != 415 || e.Code != shttp.EMEDIATYPE || !strings.Contains(e.Message, "Content-Type: application/json") ||
				(lang == "zh-CN") != han.MatchString(e.Message) || strings.Contains(e.Message, "empty") {
				t.Errorf("%s as %q in %q: %d %s", tc.path, tc.ctype, lang, st, body)
			}
		}
	}
	// JSON's own types, or none, are read as JSON.
	for _, ctype := range []string{"application/json", "application/json; charset=utf-8", "application/merge-patch+json", ""} {
		st, _, body := ts.do(t, "POST", "/api/v1/check/url", link, map[string]string{"Content-Type": ctype})
		if st != 200 || !strings.Contains(string(body), `"risk":"`+string(shopguard.RiskHigh)+`"`) {
			t.Errorf("as %q: %d %.200s", ctype, st, body)
		}
	}
}
