package ident_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/detect/ident"
	"github.com/shopguard/shopguard/internal/lineartest"
)

// TestRefusalMessages: the parsers say why they refuse a value in words formatted only by the
// public API; each message is the one the API gave when the parsers formatted it themselves.
func TestRefusalMessages(t *testing.T) {
	for _, c := range []struct{ kind, raw, field, msg string }{
		{"phone", "138x", "value", "a phone number holds digits, spaces, dashes and a leading +; found 'x'"},
		{"phone", "", "value", "no digits in the phone number"},
		{"phone", "1234567890123456789012345", "value", "too many digits for a phone number"},
		{"phone", "+1234", "value", "an international number has 8 to 15 digits after the +, got 4"},
		{"phone", "+0123456789", "value", "a country code never starts with 0"},
		{"phone", "1381234567", "value", "a Chinese mobile number has 11 digits, got 10"},
		{"phone", "12812345678", "value", "a Chinese mobile number starts with 13 to 19, got 12"},
		{"phone", "4001234", "value", "a 400 or 800 service number has 10 digits, got 7"},
		{"phone", "88881234", "value", "a landline number needs its area code, such as 010 or 0755"},
		{"phone", "99", "value", "not a Chinese phone number: a mobile has 11 digits starting with 1, a landline starts with its area code (0…), an international number with +"},
		{"phone", "00012345678", "value", "a country code never starts with 0"},
		{"phone", "01112345678", "value", "a landline number starts with its area code; the only one starting with 01 is 010"},
		{"phone", "04001234567", "value", "0400 and 0800 are not area codes; a 400 or 800 service number has 10 digits and no leading 0"},
		{"phone", "01012", "value", "a landline number has 7 or 8 digits after its area code, got 2"},
		{"phone", "01012345678901", "value", "a landline number has 7 or 8 digits after its area code, got 11"},
		{"phone", "0101234567", "value", "a landline number after its area code does not start with 0 or 1"},
		{"qq", "12a", "value", "a QQ number holds only digits; found 'a'"},
		{"qq", "123", "value", "a QQ number has 5 to 11 digits, got 3"},
		{"qq", "012345", "value", "a QQ number does not start with 0"},
		{"wechat", "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopq", "value", "a WeChat id has at most 20 characters"},
		{"wechat", "微信abcdef", "value", "a WeChat id holds only letters, digits, _ and -"},
		{"wechat", "abc", "value", "a WeChat id has 6 to 20 characters, got 3"},
		{"wechat", "1abcdef", "value", "a WeChat id starts with a letter (a phone number is reported as kind phone, a QQ number as kind qq)"},
		{"wechat", "abc.def", "value", "a WeChat id holds only letters, digits, _ and -; found '.'"},
		{"email", "abc", "value", "an e-mail address needs an @"},
		{"email", "微@a.com", "value", "the part of an e-mail address before the @ holds only ASCII letters, digits and . _ % + -"},
		{"email", "@a.com", "value", "the part of an e-mail address before the @ has 1 to 64 characters"},
		{"email", ".a@a.com", "value", "the part of an e-mail address before the @ cannot start or end with a dot or hold two in a row"},
		{"email", "a!b@a.com", "value", "the part of an e-mail address before the @ holds only letters, digits and . _ % + -; found '!'"},
		{"email", "a@b", "value", "the domain of the e-mail address: a domain has a name and a suffix, such as example.com"},
		{"email", "a@b.zzzzq", "value", "the domain of the e-mail address: \"zzzzq\" is not a known top-level domain"},
		{"bank_account", "123", "value", "a bank card or account number has 10 to 25 digits, got 3"},
		{"bank_account", "6222021234567890", "value", "this unionpay card number fails its check digit (Luhn): a digit is probably mistyped"},
		{"bank_account", "12x", "value", "a bank card or account number holds only digits; found 'x'"},
		{"alipay", "123", "value", "an Alipay account is a phone number or an e-mail address: a Chinese mobile number has 11 digits, got 3"},
		{"alipay", "a@b", "value", "the domain of the e-mail address: a domain has a name and a suffix, such as example.com"},
		{"domain", "http:///x", "value", "this looks like a URL but has no host name; give the domain alone, such as example.com"},
		{"domain", "1.2.3.4", "value", "an IP address is not a domain; report the full link as kind url"},
		{"domain", "a..com", "value", "a domain has no empty parts between dots"},
		{"domain", "-a.com", "value", "a part of a domain cannot start or end with a dash"},
		{"domain", "a_b.com", "value", "a domain holds only letters, digits, dashes and dots; found '_'"},
		{"domain", "com.cn", "value", "\"com.cn\" is a public suffix, not a domain someone owns; add the name before it"},
		{"domain", "a.zzzzq", "value", "\"zzzzq\" is not a known top-level domain"},
		{"domain", "例子.zzzzq", "value", "\"zzzzq\" is not a known top-level domain"},
		{"domain", "a" + strings.Repeat("b", 70) + ".com", "value", "each part of a domain has at most 63 characters"},
		{"domain", "例\x00.com", "value", "not a valid international domain name"},
		{"url", "http://", "value", "a URL needs a host name after the scheme"},
		{"email", strings.Repeat("a", 250) + "@b.com", "value", "an e-mail address has at most 254 characters"},
		{"url", "ftp://a.com", "value", "only http and https links can be reported, got \"ftp\""},
		{"url", "http://a.com:99999/", "value", "a port is a number from 1 to 65535, got \"99999\""},
		{"url", "http://%zz", "value", "not a valid URL: \"http://%zz\": invalid URL escape \"%zz\""},
		{"url", "mailto:x", "value", "not a valid URL: \"http://mailto:x\": invalid port \":x\" after host"},
		{"url", "http://a_b.com/", "value", "a domain holds only letters, digits, dashes and dots; found '_'"},
		{"shop", "淘宝:1", "value", "a shop is written platform:shop id in ASCII, such as taobao:12345678"},
		{"shop", "taobao", "value", "a shop is written platform:shop id, such as taobao:12345678"},
		{"shop", "taobao:" + strings.Repeat("x", 100), "value", "a shop is platform:shop id, at most 96 characters"},
		{"shop", "taobao:", "value", "a shop id has 1 to 64 characters"},
		{"shop", "taobao:a!b", "value", "a shop id holds only letters, digits and _ - .; found '!'"},
		{"fax", "1", "kind", "unknown kind \"fax\": want phone, qq, wechat, email, bank_account, alipay, domain, url or shop"},
	} {
		_, err := ident.Canonical(shopguard.Kind(c.kind), c.raw)
		var e *shopguard.Error
		if !errors.As(err, &e) || e.Code != shopguard.EINVALID || e.Field != c.field || e.Message != c.msg {
			t.Errorf("Canonical(%s, %q) = %#v, want EINVALID about %s: %q", c.kind, c.raw, err, c.field, c.msg)
		}
		if _, perr := ident.Parse(shopguard.Kind(c.kind), c.raw); perr == nil || perr.Error() != err.Error() {
			t.Errorf("Parse(%s, %q) = %v, want %v", c.kind, c.raw, perr, err)
		}
	}
}

// TestExtractRefusesWithoutAllocating: the candidates a run of digits offers, refused as phone
// numbers and bank accounts by the hundred, cost no allocation each.
func TestExtractRefusesWithoutAllocating(t *testing.T) {
	text := lineartest.Repeat("1 ", 4<<10)
	if got := testing.AllocsPerRun(3, func() { ident.Extract(text) }); got > 32 {
		t.Errorf("Extract of %d bytes of \"1 1 1 …\" made %.0f allocations, want a few", len(text), got)
	}
}

// TestNoLongerNumbers: Extract tries no span of digits longer than a phone number (17 digits,
// "00" and 15) or a bank card (19) without a word before it that says it is an account; no
// longer number is a phone, whatever its prefix.
func TestNoLongerNumbers(t *testing.T) {
	for n := 18; n <= 24; n++ {
		for _, prefix := range []string{"", "+", "00", "+86", "0086", "86", "1", "0", "+1"} {
			raw := prefix + strings.Repeat("1", n-len(strings.TrimPrefix(prefix, "+")))
			if v, err := ident.Canonical(shopguard.KindPhone, raw); err == nil {
				t.Errorf("Canonical(phone, %q) = %q, a phone of %d digits", raw, v, n)
			}
		}
	}
	if got := ident.Extract("卡号 1202 0212 0900 1234 5678 90"); len(got) != 1 || got[0].Value != "1202021209001234567890" {
		t.Errorf("Extract = %v, want the account of 22 digits after 卡号", got)
	}
}
