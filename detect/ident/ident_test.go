package ident_test

import (
	"strings"
	"testing"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/detect/ident"
)

func TestCanonical(t *testing.T) {
	tests := []struct {
		kind shopguard.Kind
		in   string
		want string
	}{
		{shopguard.KindPhone, "138 1234 5678", "+8613812345678"},
		{shopguard.KindPhone, "+86 138-1234-5678", "+8613812345678"},
		{shopguard.KindPhone, "0086 13812345678", "+8613812345678"},
		{shopguard.KindPhone, "8613812345678", "+8613812345678"},
		{shopguard.KindPhone, "１３８１２３４５６７８", "+8613812345678"},
		{shopguard.KindPhone, "010-8888 1234", "+861088881234"},
		{shopguard.KindPhone, "(0755) 2345 6789", "+8675523456789"},
		{shopguard.KindPhone, "+86 10 8888 1234", "+861088881234"},
		{shopguard.KindPhone, "400-123-4567", "+864001234567"},
		{shopguard.KindPhone, "800 810 8888", "+868008108888"},
		{shopguard.KindPhone, "+1 (415) 555-2671", "+14155552671"},
		{shopguard.KindPhone, "+44 20 7946 0958", "+442079460958"},
		{shopguard.KindQQ, " 1234 5678 ", "12345678"},
		{shopguard.KindQQ, "１２３４５６７", "1234567"},
		{shopguard.KindWeChat, "Seller_Vip-88", "seller_vip-88"},
		{shopguard.KindWeChat, "wxid_abc123", "wxid_abc123"},
		{shopguard.KindEmail, "Refund.Service@QQ.com", "refund.service@qq.com"},
		{shopguard.KindEmail, "kefu＠163.com", "kefu@163.com"},
		{shopguard.KindBankAccount, "6222 0212 3456 7894", "6222021234567894"},
		{shopguard.KindBankAccount, "4111-1111-1111-1111", "4111111111111111"},
		{shopguard.KindBankAccount, "1202 0212 0900 1234 567", "1202021209001234567"}, // a company account: no check digit
		{shopguard.KindAlipay, "138 1234 5678", "+8613812345678"},
		{shopguard.KindAlipay, "Pay@Example.COM", "pay@example.com"},
		{shopguard.KindDomain, "WWW.Taobao-Refund.com.", "taobao-refund.com"},
		{shopguard.KindDomain, "https://shop.example.cn/pay?x=1", "shop.example.cn"},
		{shopguard.KindDomain, "淘宝退款.中国", "xn--pbtq77ab2bm18c.xn--fiqs8s"},
		{shopguard.KindDomain, "ｅｘａｍｐｌｅ．ｃｏｍ", "example.com"},
		{shopguard.KindDomain, "blogspot.com", "blogspot.com"}, // a private suffix: its provider's domain
		{shopguard.KindURL, "HTTP://User:pw@Taobao.COM@evil-shop.com:80/pay#top", "http://evil-shop.com/pay"},
		{shopguard.KindURL, "evil-shop.com", "http://evil-shop.com/"},
		{shopguard.KindURL, "https://1.2.3.4:8443/a?b=c", "https://1.2.3.4:8443/a?b=c"},
		{shopguard.KindShop, "Taobao:12345678", "taobao:12345678"},
		{shopguard.KindShop, "xianyu / seller_01", "xianyu:seller_01"},
	}
	for _, tt := range tests {
		t.Run(string(tt.kind)+"/"+tt.in, func(t *testing.T) {
			got, err := ident.Canonical(tt.kind, tt.in)
			if err != nil {
				t.Fatalf("Canonical(%s, %q): %v", tt.kind, tt.in, err)
			}
			if got != tt.want {
				t.Fatalf("Canonical(%s, %q) = %q, want %q", tt.kind, tt.in, got, tt.want)
			}
			again, err := ident.Canonical(tt.kind, got)
			if err != nil || again != got {
				t.Fatalf("canonical form is not stable: %q -> %q, %v", got, again, err)
			}
		})
	}
}

func TestCanonicalErrors(t *testing.T) {
	tests := []struct {
		kind shopguard.Kind
		in   string
		msg  string // a part of the error message
	}{
		{shopguard.KindPhone, "138 1234 567", "11 digits, got 10"},
		{shopguard.KindPhone, "12812345678", "starts with 13 to 19"},
		{shopguard.KindPhone, "8888 1234", "area code"},
		{shopguard.KindPhone, "138-1234-567a", "found 'a'"},
		{shopguard.KindPhone, "400 123 456", "10 digits, got 9"},
		{shopguard.KindPhone, "+1 234", "8 to 15 digits"},
		{shopguard.KindPhone, "", "no digits"},
		{shopguard.KindQQ, "0123456", "does not start with 0"},
		{shopguard.KindQQ, "1234", "5 to 11 digits, got 4"},
		{shopguard.KindQQ, "12a45", "only digits"},
		{shopguard.KindWeChat, "13812345678", "starts with a letter"},
		{shopguard.KindWeChat, "abc", "6 to 20 characters, got 3"},
		{shopguard.KindWeChat, "abc def!", "only letters"},
		{shopguard.KindEmail, "kefu.qq.com", "needs an @"},
		{shopguard.KindEmail, "a..b@qq.com", "two in a row"},
		{shopguard.KindEmail, "kefu@qq", "domain of the e-mail"},
		{shopguard.KindBankAccount, "6222 0212 3456 7890", "Luhn"},
		{shopguard.KindBankAccount, "12345", "10 to 25 digits, got 5"},
		{shopguard.KindBankAccount, "6222x", "only digits"},
		{shopguard.KindAlipay, "not an account", "phone number or an e-mail"},
		{shopguard.KindDomain, "localhost", "name and a suffix"},
		{shopguard.KindDomain, "example.notatld", "not a known top-level domain"},
		{shopguard.KindDomain, "com.cn", "public suffix"},
		{shopguard.KindDomain, "1.2.3.4", "IP address"},
		{shopguard.KindDomain, "[1.2.3.4]", "IP address"},
		{shopguard.KindDomain, "[2001:db8::1]", "IP address"},
		{shopguard.KindDomain, "::ffff:1.2.3.4", "IP address"},
		{shopguard.KindDomain, "-bad.com", "dash"},
		{shopguard.KindURL, "ftp://example.com/x", "only http and https"},
		{shopguard.KindURL, "http://example.com:99999/", "port"},
		{shopguard.KindShop, "taobao", "platform:shop id"},
		{shopguard.KindShop, "nowhere:123", "unknown platform"},
		{shopguard.Kind("fax"), "123", "unknown kind"},
	}
	for _, tt := range tests {
		t.Run(string(tt.kind)+"/"+tt.in, func(t *testing.T) {
			_, err := ident.Canonical(tt.kind, tt.in)
			if err == nil {
				t.Fatalf("Canonical(%s, %q) gave no error", tt.kind, tt.in)
			}
			if shopguard.ErrorCode(err) != shopguard.EINVALID {
				t.Fatalf("error code = %q, want invalid", shopguard.ErrorCode(err))
			}
			if !strings.Contains(shopguard.ErrorMessage(err), tt.msg) {
				t.Fatalf("error %q does not say %q", shopguard.ErrorMessage(err), tt.msg)
			}
		})
	}
}

// TestAppendCanonicalDomainAllocs holds the link check's reputation lookup of a domain already
// in canonical form to the public suffix list's own allocation (its IP test): no copy of the
// host, no error of a failed IP parse.
func TestAppendCanonicalDomainAllocs(t *testing.T) {
	buf := make([]byte, 0, 128)
	allocs := testing.AllocsPerRun(100, func() {
		if _, err := ident.AppendCanonical(buf[:0], shopguard.KindDomain, "taobao-refund-center.top"); err != nil {
			t.Fatal(err)
		}
	})
	if allocs > 1 {
		t.Fatalf("AppendCanonical(domain) = %v allocations, want at most 1", allocs)
	}
}

func TestMask(t *testing.T) {
	tests := []struct {
		kind      shopguard.Kind
		canonical string
		want      string
	}{
		{shopguard.KindPhone, "+8613812345678", "138****5678"},
		{shopguard.KindPhone, "+861088881234", "010-****1234"},
		{shopguard.KindPhone, "+8675523456789", "0755-****6789"},
		{shopguard.KindPhone, "+864001234567", "4001234567"},
		{shopguard.KindPhone, "+14155552671", "+14*****2671"},
		{shopguard.KindQQ, "12345678", "12****78"},
		{shopguard.KindWeChat, "seller_vip", "se*******p"},
		{shopguard.KindEmail, "refund@qq.com", "re***@qq.com"},
		{shopguard.KindEmail, "a@qq.com", "***@qq.com"},
		{shopguard.KindBankAccount, "6222021234567894", "6222********7894"},
		{shopguard.KindAlipay, "+8613812345678", "138****5678"},
		{shopguard.KindAlipay, "pay@example.com", "pa***@example.com"},
		{shopguard.KindDomain, "evil-shop.com", "evil-shop.com"},
		{shopguard.KindShop, "taobao:123", "taobao:123"},
	}
	for _, tt := range tests {
		if got := ident.Mask(tt.kind, tt.canonical); got != tt.want {
			t.Errorf("Mask(%s, %q) = %q, want %q", tt.kind, tt.canonical, got, tt.want)
		}
	}
}

func TestHash(t *testing.T) {
	// sha256 of "phone:+8613812345678", computed with sha256sum.
	const want = "6a9b731caa51d7225adfcb058112d27385b3d17af96c1a70830f440ee6b3be8e"
	if got := ident.HashHex(shopguard.KindPhone, "+8613812345678"); got != want {
		t.Fatalf("HashHex = %s, want %s", got, want)
	}
}

func TestCard(t *testing.T) {
	tests := []struct {
		in   string
		want ident.CardInfo
		ok   bool
	}{
		{"6222021234567894", ident.CardInfo{Network: "unionpay", Bank: "icbc"}, true},
		{"6228480000000000000", ident.CardInfo{Network: "unionpay", Bank: "abc"}, true},
		{"6228480000000000008", ident.CardInfo{}, false},
		{"4111111111111111", ident.CardInfo{Network: "visa"}, true},
		{"5555555555554444", ident.CardInfo{Network: "mastercard"}, true},
		{"1202021209001234567", ident.CardInfo{}, false},
	}
	for _, tt := range tests {
		got, ok := ident.Card(tt.in)
		if ok != tt.ok || got != tt.want {
			t.Errorf("Card(%s) = %+v, %v; want %+v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestLowEntropy(t *testing.T) {
	for _, c := range []struct {
		kind  shopguard.Kind
		value string
		low   bool
	}{
		{shopguard.KindPhone, "+8613812345678", true},
		{shopguard.KindQQ, "12345678", true},
		{shopguard.KindBankAccount, "6222021234567890128", true},
		{shopguard.KindAlipay, "shop@example.com", true},
		{shopguard.KindShop, "taobao:12345678", true},
		{shopguard.KindEmail, "12345678@qq.com", true},
		{shopguard.KindEmail, "qq12345678@qq.com", true},
		{shopguard.KindEmail, "zhangwei1988@163.com", false},
		{shopguard.KindWeChat, "wx13812345678", true},
		{shopguard.KindWeChat, "fake_shop_01", false},
		{shopguard.KindDomain, "sunny-gadgets.com", false},
		{shopguard.KindURL, "https://sunny-gadgets.com/a", false},
	} {
		if got := ident.LowEntropy(c.kind, c.value); got != c.low {
			t.Errorf("LowEntropy(%s, %s) = %v, want %v", c.kind, c.value, got, c.low)
		}
	}
}
