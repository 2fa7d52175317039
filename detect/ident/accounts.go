package ident

import (
	"slices"
	"strings"

	"github.com/shopguard/shopguard"
)

// appendDigits appends the digits of raw (full-width ones folded), dropping spaces and dashes;
// anything else is an error naming what, such as "a QQ number".
func appendDigits(dst []byte, raw, what string, why *fault) ([]byte, bool) {
	start := len(dst)
	for _, r := range raw {
		r = fold(r)
		switch {
		case r >= '0' && r <= '9':
			dst = append(dst, byte(r))
		case r == ' ' || r == '-':
		default:
			return dst[:start], why.failStrChar("%s holds only digits; found %q", what, r)
		}
	}
	return dst, true
}

// appendQQ appends the digits of a QQ number: 5 to 11 digits, not starting with 0.
func appendQQ(dst []byte, raw string, why *fault) ([]byte, bool) {
	start := len(dst)
	dst, ok := appendDigits(dst, raw, "a QQ number", why)
	if !ok {
		return dst, false
	}
	d := dst[start:]
	switch {
	case len(d) < 5 || len(d) > 11:
		return dst[:start], why.failNum("a QQ number has 5 to 11 digits, got %d", len(d))
	case d[0] == '0':
		return dst[:start], why.fail("a QQ number does not start with 0")
	}
	return dst, true
}

// appendWeChat appends a WeChat id in lower case: 6 to 20 letters, digits, "_" or "-",
// starting with a letter.
func appendWeChat(dst []byte, raw string, why *fault) ([]byte, bool) {
	var buf [64]byte
	if len(raw) > len(buf) {
		return dst, why.fail("a WeChat id has at most 20 characters")
	}
	v, ascii := foldASCII(buf[:0], raw)
	switch {
	case !ascii:
		return dst, why.fail("a WeChat id holds only letters, digits, _ and -")
	case len(v) < 6 || len(v) > 20:
		return dst, why.failNum("a WeChat id has 6 to 20 characters, got %d", len(v))
	case v[0] < 'a' || v[0] > 'z':
		return dst, why.fail("a WeChat id starts with a letter (a phone number is reported as kind phone, a QQ number as kind qq)")
	}
	for _, c := range v {
		if !(c >= 'a' && c <= 'z' || isDigit(c) || c == '_' || c == '-') {
			return dst, why.failChar("a WeChat id holds only letters, digits, _ and -; found %q", rune(c))
		}
	}
	return append(dst, v...), true
}

// appendEmail appends an e-mail address in lower case, its domain in ASCII.
func appendEmail(dst []byte, raw string, why *fault) ([]byte, bool) {
	var buf [64]byte
	s := raw
	if len(s) > 254 {
		return dst, why.fail("an e-mail address has at most 254 characters")
	}
	at := strings.LastIndexAny(s, "@＠")
	if at < 0 {
		return dst, why.fail("an e-mail address needs an @")
	}
	local, ascii := foldASCII(buf[:0], s[:at])
	_, size := firstRune(s[at:])
	domain := s[at+size:]
	switch {
	case !ascii:
		return dst, why.fail("the part of an e-mail address before the @ holds only ASCII letters, digits and . _ % + -")
	case len(local) == 0 || len(local) > 64:
		return dst, why.fail("the part of an e-mail address before the @ has 1 to 64 characters")
	case local[0] == '.' || local[len(local)-1] == '.' || strings.Contains(string(local), ".."):
		return dst, why.fail("the part of an e-mail address before the @ cannot start or end with a dot or hold two in a row")
	}
	for _, c := range local {
		if !(c >= 'a' && c <= 'z' || isDigit(c) || strings.IndexByte("._%+-", c) >= 0) {
			return dst, why.failChar("the part of an e-mail address before the @ holds only letters, digits and . _ %% + -; found %q", rune(c))
		}
	}
	start := len(dst)
	dst = append(dst, local...)
	dst = append(dst, '@')
	out, ok := appendHost(dst, domain, false, why)
	if !ok {
		return dst[:start], why.of(emailDomain)
	}
	return out, true
}

// appendAlipay appends an Alipay account: a mobile number in E.164 or an e-mail address.
func appendAlipay(dst []byte, raw string, why *fault) ([]byte, bool) {
	if strings.ContainsAny(raw, "@＠") {
		return appendEmail(dst, raw, why)
	}
	out, ok := appendPhone(dst, raw, why)
	if !ok {
		return dst, why.of(alipayPhone)
	}
	return out, true
}

// unknownPlatform is the message for a shop on a platform not in shopguard.Platforms.
var unknownPlatform = "unknown platform %q: want one of " + strings.Join(shopguard.Platforms, ", ")

// appendShop appends a shop as "platform:shop id", both in lower case. The platform is one of
// shopguard.Platforms; raw may separate the two with ":", "/" or a space.
func appendShop(dst []byte, raw string, why *fault) ([]byte, bool) {
	var buf [96]byte
	if len(raw) > len(buf) {
		return dst, why.fail("a shop is platform:shop id, at most 96 characters")
	}
	v, ascii := foldASCII(buf[:0], raw)
	if !ascii {
		return dst, why.fail("a shop is written platform:shop id in ASCII, such as taobao:12345678")
	}
	sep := strings.IndexAny(string(v), ":/ ")
	if sep < 0 {
		return dst, why.fail("a shop is written platform:shop id, such as taobao:12345678")
	}
	platform, id := string(v[:sep]), strings.TrimLeft(string(v[sep+1:]), ":/ ")
	if !slices.Contains(shopguard.Platforms, platform) {
		return dst, why.failStr(unknownPlatform, platform)
	}
	if len(id) == 0 || len(id) > 64 {
		return dst, why.fail("a shop id has 1 to 64 characters")
	}
	for _, c := range []byte(id) {
		if !(c >= 'a' && c <= 'z' || isDigit(c) || c == '_' || c == '-' || c == '.') {
			return dst, why.failChar("a shop id holds only letters, digits and _ - .; found %q", rune(c))
		}
	}
	dst = append(dst, platform...)
	dst = append(dst, ':')
	return append(dst, id...), true
}

// maskAccount keeps the first and last few characters of an account and hides the rest.
func maskAccount(v string, head, tail int) string {
	if len(v) <= head+tail+1 {
		if len(v) <= 2 {
			return stars(len(v))
		}
		return v[:1] + stars(len(v)-2) + v[len(v)-1:]
	}
	return v[:head] + stars(len(v)-head-tail) + v[len(v)-tail:]
}

// maskEmail hides the part of an address before the @ but its first two characters.
func maskEmail(v string) string {
	at := strings.LastIndexByte(v, '@')
	if at < 0 {
		return maskAccount(v, 2, 2)
	}
	local := v[:at]
	keep := min(2, len(local)-1)
	return local[:max(keep, 0)] + "***" + v[at:]
}

func firstRune(s string) (rune, int) {
	for _, r := range s {
		return r, len(string(r))
	}
	return 0, 0
}
