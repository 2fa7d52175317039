package ident

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

// The regular expressions Extract used before its hand-written scanners (scan.go): the oracle
// the scanners are checked against, on a corpus of realistic messages and by fuzzing.
var (
	linkRE   = regexp.MustCompile(`(?i)\b(?:https?://|www\.)[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+`)
	emailRE  = regexp.MustCompile(`(?i)[a-z0-9._%+-]+@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+`)
	domainRE = regexp.MustCompile(`(?i)\b(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:[a-z]{2,24}|xn--[a-z0-9-]{1,59})\b(/[A-Za-z0-9\-._~:/?#@!$&'*+,;=%]*)?`)
	wxidRE   = regexp.MustCompile(`(?i)\bwxid_[a-z0-9_-]{4,20}`)
	wechatRE = regexp.MustCompile(`(?i)(?:微信|威信|薇信|v信|vx|wx|weixin|wechat)(?:号|号码|id)?\s*[:：=]?\s*([a-z][a-z0-9_-]{5,19})\b`)
	digitsRE = regexp.MustCompile(`(?:\+|\(0\d{2,3}\)\s?)?\d+(?:[ \-–]\d+)*`)
)

// whole is a finder of the matches of re; group, of the given group of its matches (with path
// set when group 1 matched, for domains).
func whole(re *regexp.Regexp) finder {
	return func(dst []span, s string) []span {
		for _, loc := range re.FindAllStringIndex(s, -1) {
			dst = append(dst, span{start: loc[0], end: loc[1]})
		}
		return dst
	}
}

func group(re *regexp.Regexp, g int) finder {
	return func(dst []span, s string) []span {
		for _, loc := range re.FindAllStringSubmatchIndex(s, -1) {
			m := span{start: loc[2*g], end: loc[2*g+1]}
			if g == 0 {
				m.path = loc[2] >= 0
			}
			dst = append(dst, m)
		}
		return dst
	}
}

var oracle = finders{
	links:     whole(linkRE),
	emails:    whole(emailRE),
	domains:   group(domainRE, 0),
	wxids:     whole(wxidRE),
	wechatIDs: group(wechatRE, 1),
	numbers:   whole(digitsRE),
}

// oracleDiffers reports whether the scanners are meant to differ from the oracle on s: Go's
// (?i) matches the Kelvin sign K and the long s ſ as ASCII letters k and s, a bug (a link,
// an address or an id is ASCII: the parsers refuse them, or IDNA maps them to letters the
// text does not hold); the scanners read ASCII letters only (TestScannersReadASCIILetters).
func oracleDiffers(s string) bool { return strings.ContainsAny(s, "\u212A\u017F") }

// checkAgainstOracle fails t where a scanner or Extract differs from the oracle on text.
func checkAgainstOracle(t *testing.T, text string) {
	t.Helper()
	folded := strings.Map(fold, strings.ToValidUTF8(text, "\uFFFD"))
	if oracleDiffers(folded) {
		return
	}
	for _, f := range []struct {
		name          string
		scanner, want finder
	}{
		{"links", scanners.links, oracle.links},
		{"e-mails", scanners.emails, oracle.emails},
		{"domains", scanners.domains, oracle.domains},
		{"wxid_", scanners.wxids, oracle.wxids},
		{"WeChat ids", scanners.wechatIDs, oracle.wechatIDs},
		{"numbers", scanners.numbers, oracle.numbers},
	} {
		got, want := f.scanner(nil, folded), f.want(nil, folded)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%s in %q:\n got %v\nwant %v (the oracle)", f.name, text, show(folded, got), show(folded, want))
		}
	}
	got, _ := extract(text)
	want, _ := extractWith(text, oracle)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Extract(%q):\n got %v\nwant %v (the oracle)", text, got, want)
	}
}

func show(s string, found []span) []string {
	var out []string
	for _, m := range found {
		out = append(out, fmt.Sprintf("%d:%q path=%v", m.start, s[m.start:m.end], m.path))
	}
	return out
}

// TestScannersMatchOracle compares the scanners with the oracle on messages in the style of
// real ones, in Chinese and English, and on the same with characters dropped, doubled or
// changed, which brings out the edges of each shape.
func TestScannersMatchOracle(t *testing.T) {
	r := rand.New(rand.NewPCG(12, 2026))
	n := 20000
	if testing.Short() {
		n = 2000
	}
	for range n {
		msg := message(r)
		checkAgainstOracle(t, msg)
		checkAgainstOracle(t, mutate(r, msg))
	}
}

func FuzzScanners(f *testing.F) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 50 {
		f.Add(message(r))
	}
	for _, s := range []string{"a.b.c.com/x", "x@a-.b.com", "wx  :  ab_cdef-", "(010) 8888-1234", "http://a.co.!.", "xn--a-.xn--b-c", "微信号码abcdefg"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		if len(text) > 4<<10 {
			return // the oracle is slow on long texts; the scanners' linearity is tested apart
		}
		checkAgainstOracle(t, text)
	})
}

// TestScannersReadASCIILetters: where the oracle took the Kelvin sign and the long s for
// letters, the scanners stop at them, as at any character that is not ASCII.
func TestScannersReadASCIILetters(t *testing.T) {
	for _, c := range []struct {
		text string
		find finder
		want []span
	}{
		{"see www.\u212Aa.com now", scanners.links, nil},
		{"\u017Fx@b.com", scanners.emails, []span{{start: 2, end: 9}}},
		{"wx: \u212Aabcdefg", scanners.wechatIDs, nil},
	} {
		if got := c.find(nil, c.text); !reflect.DeepEqual(got, c.want) {
			t.Errorf("in %q: got %v, want %v", c.text, show(c.text, got), show(c.text, c.want))
		}
	}
}

// message returns a message in the style of a scam or an ordinary chat, built from pieces.
func message(r *rand.Rand) string {
	var b strings.Builder
	for range 1 + r.IntN(6) {
		b.WriteString(pick(r, fillers))
		b.WriteString(pick(r, []string{"", " ", "：", ":", "，", "\n", "（", "(", "“"}))
		b.WriteString(identifier(r))
		b.WriteString(pick(r, []string{"", " ", "。", ".", ",", ")", "）", "!", "”", "/", "?"}))
	}
	return b.String()
}

var fillers = []string{
	"", "亲，您好", "请加", "联系客服", "点击", "访问", "退款请转到", "please contact", "call us at", "visit",
	"my email is", "加我微信", "微信号", "微信", "威信", "vx", "VX:", "wechat id", "WeChat", "加v", "QQ", "qq号",
	"扣扣", "企鹅", "卡号", "账号", "收款账户", "account no.", "card", "支付宝", "支付宝账号", "alipay", "zfb",
	"电话", "tel", "WhatsApp", "回复TD退订", "订单 20261101 已发货", "价格 300 元", "faq", "sku", "code 9981",
}

func identifier(r *rand.Rand) string {
	switch r.IntN(12) {
	case 0: // a link
		scheme := pick(r, []string{"http://", "https://", "HTTPS://", "www.", "Http://www."})
		return scheme + host(r) + pick(r, []string{"", "/", "/pay?id=1", "/a/b#x", "/q(1)", "/退款", ":8080/x", "/[x]"})
	case 1: // a bare domain, maybe with a path
		return host(r) + pick(r, []string{"", "", "/", "/qAE9U", "/a.b/c?x=1&y=2", "/(x)"})
	case 2: // an e-mail address
		return pick(r, []string{"pay", "kefu.88", "a+b", "Refund_Help", "12345678", "x..y", ".a", "%x"}) + pick(r, []string{"@", "＠"}) + host(r)
	case 3:
		return pick(r, []string{"wxid_", "WXID_", "wxid-"}) + word(r, 2+r.IntN(24))
	case 4: // a WeChat id after its name
		return pick(r, []string{"微信", "威信", "薇信", "v信", "VX", "wx", "weixin", "WeChat"}) + pick(r, []string{"", "号", "号码", "ID", "id"}) +
			pick(r, []string{"", " ", "：", ":", " = ", "  :\t"}) + word(r, 3+r.IntN(22))
	case 5: // a mobile, spaced, dashed or full-width
		d := "1" + string(rune('3'+r.IntN(7))) + digits(r, 9)
		return pick(r, []string{"", "+86 ", "86", "0086-", "+86-"}) + grouped(r, d, []int{3, 4, 4})
	case 6: // a landline or a service number
		return pick(r, []string{"(010) ", "(0755)", "(021)\t", "(010)\n\n", "010-", "0755 ", "(01)", "(07555)", "400-", "800 "}) + grouped(r, digits(r, 7+r.IntN(2)), []int{4, 4})
	case 7: // a bank card that passes the Luhn check, or not
		d := pick(r, []string{"622202", "621700", "436742", "411111", "5500", "3530", "34"})
		d += digits(r, 15-len(d)+r.IntN(4))
		if r.IntN(2) == 0 {
			d += luhnDigit(d)
		}
		return grouped(r, d, []int{4, 4, 4, 4, 4})
	case 8: // an international number
		return "+" + pick(r, []string{"44 20", "1 415", "852", "0"}) + " " + grouped(r, digits(r, 6+r.IntN(6)), []int{3, 4, 4})
	case 9:
		return digits(r, 1+r.IntN(30))
	case 10:
		return pick(r, []string{"xn--fiqs8s.cn", "xn--a-b.xn--55qx5d", "xn--.com", "a.xn--p1ai/x"})
	}
	return strings.Repeat(pick(r, []string{"1 ", "12-", "a.co ", "–", "- "}), 1+r.IntN(20))
}

func host(r *rand.Rand) string {
	var labels []string
	for range 1 + r.IntN(3) {
		labels = append(labels, pick(r, []string{"taobao-refund", "jd", "u", "a", "refund-help", "x-", "-y", "shop88", "例子", "VIP"}))
	}
	return strings.Join(labels, ".") + "." + pick(r, []string{"com", "cn", "top", "com.cn", "co", "c", "xyz1", "information", "toolongtoplevelnamehereforsure", "中国"})
}

func word(r *rand.Rand, n int) string {
	const chars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-"
	b := make([]byte, n)
	for i := range b {
		b[i] = chars[r.IntN(len(chars))]
	}
	return string(b)
}

func digits(r *rand.Rand, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + r.IntN(10))
	}
	return string(b)
}

func luhnDigit(d string) string {
	for c := byte('0'); c <= '9'; c++ {
		if luhn([]byte(d + string(c))) {
			return string(c)
		}
	}
	return ""
}

// grouped writes the digits d in groups of the sizes given, with a separator (one for the
// number) between them, maybe in full-width digits.
func grouped(r *rand.Rand, d string, sizes []int) string {
	sep := pick(r, []string{"", " ", "-", "–", "－", "　", "  ", ".", "—"})
	var b strings.Builder
	for i, n := range sizes {
		if d == "" {
			break
		}
		n = min(n, len(d))
		if i > 0 {
			b.WriteString(sep)
		}
		b.WriteString(d[:n])
		d = d[n:]
	}
	b.WriteString(d)
	s := b.String()
	if r.IntN(5) == 0 {
		s = strings.Map(func(c rune) rune {
			if c >= '0' && c <= '9' {
				return c + 0xFEE0
			}
			return c
		}, s)
	}
	return s
}

// mutate drops, doubles or changes a few characters of s.
func mutate(r *rand.Rand, s string) string {
	runes := []rune(s)
	for range 1 + r.IntN(3) {
		if len(runes) == 0 {
			break
		}
		i := r.IntN(len(runes))
		switch r.IntN(3) {
		case 0:
			runes = append(runes[:i], runes[i+1:]...)
		case 1:
			runes = append(runes[:i+1], runes[i:]...)
		default:
			some := []rune(".-_@/: 1a（）()+号信x–")
			runes[i] = some[r.IntN(len(some))]
		}
	}
	return string(runes)
}

func pick(r *rand.Rand, from []string) string { return from[r.IntN(len(from))] }
