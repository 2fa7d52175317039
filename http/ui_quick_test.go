package http

import (
	"strings"
	"testing"

	"github.com/shopguard/shopguard"
)

// The home page's box reads one link, number or account as such, and anything else as a chat.
func TestQuickKind(t *testing.T) {
	for _, c := range []struct {
		in   string
		want shopguard.Kind
	}{
		{"https://taobao-secure-login.top/pay", shopguard.KindURL},
		{"taobao-secure-login.top", shopguard.KindDomain},
		{"138 1234 5678", shopguard.KindPhone},
		{"+86 138-1234-5678", shopguard.KindPhone},
		{"seller@example.com", shopguard.KindEmail},
		{"12345", shopguard.KindPhone}, // a bare number: the lookup says what is wrong with it
		{"加我微信 wxid_abc123", ""},
		{"我是平台客服，请开启屏幕共享", ""},
		{"https://a.example/x\nhttps://b.example/y", ""},
		{strings.Repeat("1", maxQuickLookup+1), ""},
		{"", ""},
	} {
		if got, _ := quickKind(c.in); got != c.want {
			t.Errorf("quickKind(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
