package ident

import (
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/shopguard/shopguard"
)

// Match is an identifier found in a text: its canonical form, where it was (rune offsets) and
// how it was written.
type Match struct {
	shopguard.Identifier
	Span shopguard.Span `json:"span"`
	Raw  string         `json:"raw"`
}

var (
	// A link ends at the first character that is not ASCII: in Chinese text the words
	// after a link follow it without a space.
	urlRE   = regexp.MustCompile(`(?i)\b(?:https?://|www\.)[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+`)
	emailRE = regexp.MustCompile(`(?i)[a-z0-9._%+-]+@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+`)
	// A bare domain, with a path when one follows ("u.example.cn/abc" is a link).
	domainRE = regexp.MustCompile(`(?i)\b(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:[a-z]{2,24}|xn--[a-z0-9-]{1,59})\b(/[A-Za-z0-9\-._~:/?#@!$&'*+,;=%]*)?`)
	wxidRE   = regexp.MustCompile(`(?i)\bwxid_[a-z0-9_-]{4,20}`)
	wechatRE = regexp.MustCompile(`(?i)(?:微信|威信|薇信|v信|vx|wx|weixin|wechat)(?:号|号码|id)?\s*[:：=]?\s*([a-z][a-z0-9_-]{5,19})\b`)
	digitsRE = regexp.MustCompile(`(?:\+|\(0\d{2,3}\)\s?)?\d+(?:[ \-–]\d+)*`)
)

// Words that, just before a number or id, say what it is. They are matched on lower-case text
// with full-width forms folded.
var (
	qqWords     = []string{"qq", "扣扣", "企鹅", "q"}
	wechatWords = []string{"微信", "威信", "薇信", "v信", "vx", "wx", "weixin", "wechat", "加v"}
	bankWords   = []string{"卡号", "账号", "帐号", "账户", "帐户", "银行卡", "收款", "account", "card", "acct"}
	alipayWords = []string{"支付宝", "支付宝账", "支付宝帐", "alipay", "alipay account", "zfb"}
)

// Extract returns every identifier found in text, in order of position. Numbers are read with
// their context: digits after "QQ" are a QQ number, after "卡号" or "account" a bank account,
// after "支付宝" an Alipay account (and a phone); bare digits are a phone when they are shaped
// like one and a bank card when they pass the card checks. Full-width digits and letters,
// spaces and dashes inside numbers are understood.
func Extract(text string) []Match {
	if !utf8.ValidString(text) {
		text = strings.ToValidUTF8(text, "\uFFFD")
	}
	folded := strings.Map(fold, text) // one rune for one rune: offsets carry over
	x := extractor{text: folded, runeAt: runeOffsets(folded), orig: text, origAt: byteOffsets(text)}
	for _, loc := range urlRE.FindAllStringIndex(folded, -1) {
		end := loc[0] + len(strings.TrimRight(folded[loc[0]:loc[1]], ".,;:!?)]}'\""))
		x.add(shopguard.KindURL, loc[0], end)
	}
	for _, loc := range emailRE.FindAllStringIndex(folded, -1) {
		if x.add(shopguard.KindEmail, loc[0], loc[1]) && x.after(loc[0], alipayWords) {
			x.addAs(shopguard.KindAlipay, loc[0], loc[1])
		}
	}
	for _, loc := range domainRE.FindAllStringSubmatchIndex(folded, -1) {
		if loc[2] >= 0 {
			end := loc[0] + len(strings.TrimRight(folded[loc[0]:loc[1]], ".,;:!?)]}'\""))
			x.add(shopguard.KindURL, loc[0], end)
			continue
		}
		x.add(shopguard.KindDomain, loc[0], loc[1])
	}
	for _, loc := range wxidRE.FindAllStringIndex(folded, -1) {
		x.add(shopguard.KindWeChat, loc[0], loc[1])
	}
	for _, loc := range wechatRE.FindAllStringSubmatchIndex(folded, -1) {
		x.add(shopguard.KindWeChat, loc[2], loc[3])
	}
	for _, loc := range digitsRE.FindAllStringIndex(folded, -1) {
		x.digits(loc[0], loc[1])
	}
	slices.SortStableFunc(x.out, func(a, b Match) int { return a.Span.Start - b.Span.Start })
	return x.out
}

type extractor struct {
	text   string  // the text with full-width forms folded
	runeAt []int32 // rune offset of each byte offset of text
	orig   string  // the text as given
	origAt []int   // byte offset in orig of each rune offset
	out    []Match
	taken  [][2]int // byte ranges already matched
}

func runeOffsets(s string) []int32 {
	at := make([]int32, len(s)+1)
	n := int32(0)
	for i := range s {
		for j := i; j < len(s) && (j == i || !utf8.RuneStart(s[j])); j++ {
			at[j] = n
		}
		n++
	}
	at[len(s)] = n
	return at
}

func byteOffsets(s string) []int {
	at := make([]int, 0, len(s)+1)
	for i := range s {
		at = append(at, i)
	}
	return append(at, len(s))
}

// add records text[start:end] as kind if it is valid and overlaps nothing found before.
func (x *extractor) add(kind shopguard.Kind, start, end int) bool {
	if start >= end || x.overlaps(start, end) {
		return false
	}
	return x.addAs(kind, start, end)
}

// addAs records text[start:end] as kind if it is valid, overlap or not.
func (x *extractor) addAs(kind shopguard.Kind, start, end int) bool {
	v, err := Canonical(kind, x.text[start:end])
	if err != nil {
		return false
	}
	rs, re := int(x.runeAt[start]), int(x.runeAt[end])
	x.out = append(x.out, Match{
		Identifier: shopguard.Identifier{Kind: kind, Value: v},
		Span:       shopguard.Span{Start: rs, End: re},
		Raw:        x.orig[x.origAt[rs]:x.origAt[re]],
	})
	x.taken = append(x.taken, [2]int{start, end})
	return true
}

func (x *extractor) overlaps(start, end int) bool {
	for _, t := range x.taken {
		if start < t[1] && t[0] < end {
			return true
		}
	}
	return false
}

// after reports whether the text just before start ends with one of words, allowing
// separators such as "号", ":" and spaces in between.
func (x *extractor) after(start int, words []string) bool {
	before := x.text[:start]
	if len(before) > 48 {
		before = before[len(before)-48:]
	}
	before = strings.ToLower(strings.TrimRight(before, " :：=#"))
	for _, b := range []string{before, strings.TrimRight(before, " 是为号码")} {
		for _, w := range words {
			if strings.HasSuffix(b, w) {
				if len(w) == 1 && len(b) > 1 && isLetter(b[len(b)-2]) {
					continue // the "q" in "faq" is not QQ
				}
				return true
			}
		}
	}
	return false
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// digits reads the run of digits text[start:end]: whole if it is one identifier, or group by
// group when it holds several numbers written side by side.
func (x *extractor) digits(start, end int) {
	if start > 0 {
		if c := x.text[start-1]; isLetter(c) || isDigit(c) || c == '_' || c == '@' || c == '.' {
			return // part of a word, an id or an address
		}
	}
	if end < len(x.text) && (isLetter(x.text[end]) || x.text[end] == '@') {
		return
	}
	bounds := groupBounds(x.text, start, end)
	for i := 0; i < len(bounds); {
		done := false
		for j := len(bounds) - 1; j >= i && !done; j-- {
			done = x.number(bounds[i][0], bounds[j][1], i == 0)
			if done {
				i = j + 1
			}
		}
		if !done {
			i++
		}
	}
}

// groupBounds splits a run of digits at its separators.
func groupBounds(s string, start, end int) [][2]int {
	var out [][2]int
	g := start
	for i := start; i < end; i++ {
		if s[i] == ' ' || s[i] == '-' || s[i] == 0xE2 {
			if i > g {
				out = append(out, [2]int{g, i})
			}
			g = i + 1
			if s[i] == 0xE2 {
				g = i + 3 // "–" is three bytes
				i += 2
			}
		}
	}
	if end > g {
		out = append(out, [2]int{g, end})
	}
	return out
}

// number records text[start:end] as the identifier its context and shape say it is.
func (x *extractor) number(start, end int, first bool) bool {
	ctx := x.after
	if !first {
		ctx = func(int, []string) bool { return false }
	}
	switch {
	case ctx(start, qqWords):
		return x.add(shopguard.KindQQ, start, end)
	case ctx(start, alipayWords) && x.add(shopguard.KindPhone, start, end):
		x.addAs(shopguard.KindAlipay, start, end)
		return true
	case ctx(start, bankWords):
		return x.add(shopguard.KindBankAccount, start, end)
	}
	if x.add(shopguard.KindPhone, start, end) {
		return true
	}
	digits := 0
	for i := start; i < end; i++ {
		if isDigit(x.text[i]) {
			digits++
		}
	}
	if digits >= 13 && digits <= 19 {
		v, err := Canonical(shopguard.KindBankAccount, x.text[start:end])
		if _, card := Card(v); err == nil && card {
			return x.add(shopguard.KindBankAccount, start, end)
		}
	}
	return false
}
