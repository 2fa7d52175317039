package http_test

import (
	"strings"
	"testing"

	"github.com/shopguard/shopguard"
)

// TestHomeIsRenderedOncePerLanguage: anonymous visitors get the same page per language,
// rendered once; a signed-in user still gets a page of their own.
func TestHomeIsRenderedOncePerLanguage(t *testing.T) {
	ts := newTestServer(t, nil)
	get := func(hdr map[string]string) string {
		st, h, body := ts.do(t, "GET", "/", "", hdr)
		if st != 200 || !strings.HasPrefix(h.Get("Content-Type"), "text/html") {
			t.Fatalf("GET / = %d %s", st, h.Get("Content-Type"))
		}
		return string(body)
	}
	zh1, zh2 := get(map[string]string{"Accept-Language": "zh-CN"}), get(map[string]string{"Accept-Language": "zh-CN"})
	en := get(map[string]string{"Cookie": "sg_lang=en"})
	if zh1 != zh2 || zh1 == en || !strings.Contains(en, `lang="en"`) {
		t.Errorf("home pages: zh twice equal %v, en differs %v", zh1 == zh2, zh1 != en)
	}
	key := ts.mustKey(t, "homeuser", shopguard.RoleUser, shopguard.ScopeReport)
	if mine := get(map[string]string{"Authorization": "Bearer " + key, "Accept-Language": "zh-CN"}); mine == zh1 || !strings.Contains(mine, "homeuser") {
		t.Errorf("a signed-in user got the anonymous page")
	}
}
