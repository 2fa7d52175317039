package ident_test

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/detect/ident"
)

func TestExtract(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []string // "kind value raw"
	}{
		{"zh mobile with spaces", "加我电话 138 1234 5678 详谈", []string{"phone +8613812345678 138 1234 5678"}},
		{"full-width digits", "联系：１３８－１２３４－５６７８。", []string{"phone +8613812345678 １３８－１２３４－５６７８"}},
		{"qq by context", "有问题加QQ：12345678，客服在线", []string{"qq 12345678 12345678"}},
		{"full-width qq", "扣扣号 ９８７６５４３２", []string{"qq 98765432 ９８７６５４３２"}},
		{"wechat id", "请加微信号: Seller_VIP88 领取退款", []string{"wechat seller_vip88 Seller_VIP88"}},
		{"wxid", "my id is wxid_abc12345 ok", []string{"wechat wxid_abc12345 wxid_abc12345"}},
		{"bank account by context", "请转到卡号 1202 0212 0900 1234 567 户名张三", []string{"bank_account 1202021209001234567 1202 0212 0900 1234 567"}},
		{"bare card passes luhn", "pay to 6222 0212 3456 7894 today", []string{"bank_account 6222021234567894 6222 0212 3456 7894"}},
		{"bare digits that are no card", "order 6222 0212 3456 7890 shipped", nil},
		{"alipay phone", "支付宝账号13812345678", []string{"phone +8613812345678 13812345678", "alipay +8613812345678 13812345678"}},
		{"alipay email", "alipay: pay@example.com", []string{"email pay@example.com pay@example.com", "alipay pay@example.com pay@example.com"}},
		{"url and domain", "点击 https://taobao-refund.com/pay?id=1。或访问 jd-vip.cn 查看", []string{"url https://taobao-refund.com/pay?id=1 https://taobao-refund.com/pay?id=1", "domain jd-vip.cn jd-vip.cn"}},
		{"email not domain", "write to refund@shop-help.com.", []string{"email refund@shop-help.com refund@shop-help.com"}},
		{"landline and 400", "Call (010) 8888-1234 or 400-123-4567.", []string{"phone +861088881234 (010) 8888-1234", "phone +864001234567 400-123-4567"}},
		{"two mobiles side by side", "13812345678 15912345678", []string{"phone +8613812345678 13812345678", "phone +8615912345678 15912345678"}},
		{"international", "WhatsApp +44 20 7946 0958 now", []string{"phone +442079460958 +44 20 7946 0958"}},
		{"link in Chinese text ends at the Chinese", "点击https://u.example.cn/qAE9U立即参与，回复TD退订", []string{"url https://u.example.cn/qAE9U https://u.example.cn/qAE9U"}},
		{"bare domain with a path is a link", "访问u.example.cn/qALSJ。回复退订", []string{"url http://u.example.cn/qALSJ u.example.cn/qALSJ"}},
		{"dates and amounts are nothing", "2026-11-01 付款 300 元, 订单 20261101", nil},
		{"digits inside a word", "sku abc13812345678 code", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, m := range ident.Extract(tt.text) {
				got = append(got, fmt.Sprintf("%s %s %s", m.Kind, m.Value, m.Raw))
				runes := []rune(tt.text)
				if span := string(runes[m.Span.Start:m.Span.End]); span != m.Raw {
					t.Errorf("span %v of %s is %q, want %q", m.Span, m.Kind, span, m.Raw)
				}
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Fatalf("Extract(%q):\n got %q\nwant %q", tt.text, got, tt.want)
			}
		})
	}
}

// fuzzCanonical checks the parser of one kind: it never panics, a value it accepts is stable
// (its canonical form parses to itself), and masking never shows a whole personal value.
func fuzzCanonical(f *testing.F, kind shopguard.Kind, seeds ...string) {
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		v, err := ident.Canonical(kind, raw)
		if err != nil {
			if shopguard.ErrorCode(err) != shopguard.EINVALID || shopguard.ErrorMessage(err) == "" {
				t.Fatalf("Canonical(%s, %q): error %v is not a clear EINVALID", kind, raw, err)
			}
			return
		}
		if !utf8.ValidString(v) || v == "" {
			t.Fatalf("Canonical(%s, %q) = %q: not valid text", kind, raw, v)
		}
		again, err := ident.Canonical(kind, v)
		if err != nil || again != v {
			t.Fatalf("Canonical(%s, %q) = %q, but that parses to %q, %v", kind, raw, v, again, err)
		}
		switch kind {
		case shopguard.KindPhone, shopguard.KindQQ, shopguard.KindWeChat, shopguard.KindEmail, shopguard.KindBankAccount:
			if m := ident.Mask(kind, v); strings.Contains(m, v) && !strings.HasPrefix(v, "+86400") && !strings.HasPrefix(v, "+86800") {
				t.Fatalf("Mask(%s, %q) = %q shows the whole value", kind, v, m)
			}
		}
	})
}

func FuzzPhone(f *testing.F) {
	fuzzCanonical(f, shopguard.KindPhone, "138 1234 5678", "+86 10 8888 1234", "0086-400-123-4567", "(0755)23456789", "+1 415 555 2671", "１３８")
}

func FuzzQQ(f *testing.F) {
	fuzzCanonical(f, shopguard.KindQQ, "12345678", "１２３ ４５６", "0123")
}

func FuzzWeChat(f *testing.F) {
	fuzzCanonical(f, shopguard.KindWeChat, "Seller_VIP88", "wxid_abc", "ａｂｃｄｅｆ")
}

func FuzzEmail(f *testing.F) {
	fuzzCanonical(f, shopguard.KindEmail, "a@b.com", "Kefu＠163.COM", "x@淘宝.中国", "a..b@c.d")
}

func FuzzBankAccount(f *testing.F) {
	fuzzCanonical(f, shopguard.KindBankAccount, "6222 0212 3456 7894", "4111-1111-1111-1111", "1202021209001234567")
}

func FuzzAlipay(f *testing.F) {
	fuzzCanonical(f, shopguard.KindAlipay, "13812345678", "pay@example.com")
}

func FuzzDomain(f *testing.F) {
	fuzzCanonical(f, shopguard.KindDomain, "www.example.com", "淘宝.中国", "https://a.b.cn/x", "1.2.3.4", "xn--a.com")
}

func FuzzURL(f *testing.F) {
	fuzzCanonical(f, shopguard.KindURL, "http://a@b.com:80/x#y", "example.com/pay?x=1", "https://[::1]:443/", "HTTPS://淘宝.中国/路径")
}

func FuzzShop(f *testing.F) {
	fuzzCanonical(f, shopguard.KindShop, "taobao:123", "xianyu / ab_c", "jd:")
}

func FuzzExtract(f *testing.F) {
	for _, s := range []string{"加我微信 seller_vip 或电话 138 1234 5678", "QQ:12345 卡号6222021234567894", "see https://x.com/a and y.cn", "１３８－１２３４－５６７８"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		runes := []rune(strings.ToValidUTF8(text, "\uFFFD"))
		n := len(runes)
		found, work := ident.ExtractWork(text)
		if budget := workPerByte*len(text) + 128; work > budget {
			t.Fatalf("%d candidates weighed in %d bytes, more than %d", work, len(text), budget)
		}
		for _, m := range found {
			if m.Span.Start < 0 || m.Span.End > n || m.Span.Start >= m.Span.End {
				t.Fatalf("span %v outside the text of %d runes", m.Span, n)
			}
			if raw := string(runes[m.Span.Start:m.Span.End]); raw != m.Raw {
				t.Fatalf("span %v of %s holds %q, but Raw is %q", m.Span, m.Kind, raw, m.Raw)
			}
			if v, err := ident.Canonical(m.Kind, m.Value); err != nil || v != m.Value {
				t.Fatalf("extracted %s %q is not canonical: %q, %v", m.Kind, m.Value, v, err)
			}
		}
	})
}
