package ident

import (
	"regexp"
	"slices"
	"sort"
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

// MaxText is the most of a text Extract reads, in bytes: what lies beyond is not looked at.
// Every step of Extract is linear in the text, so this bounds its work per call.
const MaxText = 4 << 20

// maxNumberDigits is the most digits any identifier written as a number has (a bank account:
// 25). A longer run of digit groups is read as several numbers, never as one.
const maxNumberDigits = 25

// Extract returns every identifier found in text, in order of position. It reads the first
// MaxText bytes of text. Numbers are read with
// their context: digits after "QQ" are a QQ number, after "卡号" or "account" a bank account,
// after "支付宝" an Alipay account (and a phone); bare digits are a phone when they are shaped
// like one and a bank card when they pass the card checks. Full-width digits and letters,
// spaces and dashes inside numbers are understood.
func Extract(text string) []Match {
	out, _ := extract(text)
	return out
}

// extract is Extract, and says how much work it did: the candidates it weighed.
func extract(text string) ([]Match, int) {
	if len(text) > MaxText {
		cut := MaxText
		for cut > 0 && !utf8.RuneStart(text[cut]) {
			cut--
		}
		text = text[:cut]
	}
	if !utf8.ValidString(text) {
		text = strings.ToValidUTF8(text, "\uFFFD")
	}
	folded := strings.Map(fold, text) // one rune for one rune: offsets carry over
	x := extractor{text: folded, runeAt: runeOffsets(folded), orig: text, origAt: byteOffsets(text)}
	// Each expression runs only when the text holds what every one of its matches must
	// (a regular expression costs about a microsecond per 100 bytes even when it finds
	// nothing).
	has := func(lit string) bool { return strings.Contains(folded, lit) }
	for _, loc := range findAll(urlRE, folded, has("://") || containsFoldASCII(folded, "www.")) {
		end := loc[0] + len(strings.TrimRight(folded[loc[0]:loc[1]], ".,;:!?)]}'\""))
		x.add(shopguard.KindURL, loc[0], end)
	}
	x.endPhase()
	for _, loc := range findAll(emailRE, folded, has("@")) {
		if x.add(shopguard.KindEmail, loc[0], loc[1]) && x.after(loc[0], alipayWords) {
			x.addAs(shopguard.KindAlipay, loc[0], loc[1])
		}
	}
	x.endPhase()
	for _, loc := range findAllSubmatch(domainRE, folded, has(".")) {
		if loc[2] >= 0 {
			end := loc[0] + len(strings.TrimRight(folded[loc[0]:loc[1]], ".,;:!?)]}'\""))
			x.add(shopguard.KindURL, loc[0], end)
			continue
		}
		x.add(shopguard.KindDomain, loc[0], loc[1])
	}
	x.endPhase()
	for _, loc := range findAll(wxidRE, folded, has("_")) {
		x.add(shopguard.KindWeChat, loc[0], loc[1])
	}
	x.endPhase()
	for _, loc := range findAllSubmatch(wechatRE, folded, has("信") || strings.ContainsAny(folded, "vVwW")) {
		x.add(shopguard.KindWeChat, loc[2], loc[3])
	}
	x.endPhase()
	for _, loc := range findAll(digitsRE, folded, strings.ContainsAny(folded, "0123456789")) {
		x.digits(loc[0], loc[1])
	}
	slices.SortStableFunc(x.out, func(a, b Match) int { return a.Span.Start - b.Span.Start })
	return x.out, x.work
}

// findAll is re.FindAllStringIndex(s, -1), or nothing when may is false.
func findAll(re *regexp.Regexp, s string, may bool) [][]int {
	if !may {
		return nil
	}
	return re.FindAllStringIndex(s, -1)
}

// findAllSubmatch is re.FindAllStringSubmatchIndex(s, -1), or nothing when may is false.
func findAllSubmatch(re *regexp.Regexp, s string, may bool) [][]int {
	if !may {
		return nil
	}
	return re.FindAllStringSubmatchIndex(s, -1)
}

// containsFoldASCII reports whether s holds lit (lower-case ASCII) in any ASCII case.
func containsFoldASCII(s, lit string) bool {
	for i := 0; i+len(lit) <= len(s); i++ {
		j := 0
		for j < len(lit) && s[i+j]|0x20 == lit[j] {
			j++
		}
		if j == len(lit) {
			return true
		}
	}
	return false
}

type extractor struct {
	text   string  // the text with full-width forms folded
	runeAt []int32 // rune offset of each byte offset of text
	orig   string  // the text as given
	origAt []int   // byte offset in orig of each rune offset
	out    []Match
	// The byte ranges already matched, which never overlap: taken, those of the passes
	// before, by start; fresh, those of the pass under way, found left to right.
	taken, fresh [][2]int
	work         int // candidates weighed, for the tests' work budget
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
	x.work++
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
	x.fresh = append(x.fresh, [2]int{start, end})
	return true
}

// overlaps reports whether [start, end) overlaps a range already matched: a binary search
// in each list.
func (x *extractor) overlaps(start, end int) bool {
	return overlapsAny(x.taken, start, end) || overlapsAny(x.fresh, start, end)
}

// overlapsAny reports whether [start, end) overlaps one of ranges, which do not overlap each
// other and are by start (and so by end).
func overlapsAny(ranges [][2]int, start, end int) bool {
	i := sort.Search(len(ranges), func(i int) bool { return ranges[i][1] > start }) // the first ending after start
	return i < len(ranges) && ranges[i][0] < end
}

// endPhase merges the ranges of the pass just done into those taken before, keeping them by
// start.
func (x *extractor) endPhase() {
	if len(x.fresh) == 0 {
		return
	}
	merged := make([][2]int, 0, len(x.taken)+len(x.fresh))
	i, j := 0, 0
	for i < len(x.taken) || j < len(x.fresh) {
		if j == len(x.fresh) || i < len(x.taken) && x.taken[i][0] <= x.fresh[j][0] {
			merged = append(merged, x.taken[i])
			i++
		} else {
			merged = append(merged, x.fresh[j])
			j++
		}
	}
	x.taken, x.fresh = merged, x.fresh[:0]
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
	// digitsTo[j] counts the digits of groups 0 to j-1: a span of groups holding more than
	// maxNumberDigits is no identifier and is not tried, which keeps the work per group
	// bounded.
	digitsTo := make([]int, len(bounds)+1)
	for j, g := range bounds {
		digitsTo[j+1] = digitsTo[j] + countDigits(x.text[g[0]:g[1]])
	}
	last := 0 // the last group a span from group i can reach
	for i := 0; i < len(bounds); {
		last = max(last, i)
		for last+1 < len(bounds) && digitsTo[last+2]-digitsTo[i] <= maxNumberDigits {
			last++
		}
		done := false
		for j := last; j >= i && !done; j-- {
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
	x.work++
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
	digits := countDigits(x.text[start:end])
	if digits >= minPhoneDigits && x.add(shopguard.KindPhone, start, end) {
		return true
	}
	if digits >= 13 && digits <= 19 {
		v, err := Canonical(shopguard.KindBankAccount, x.text[start:end])
		if _, card := Card(v); err == nil && card {
			return x.add(shopguard.KindBankAccount, start, end)
		}
	}
	return false
}

// minPhoneDigits is the fewest digits of a phone number appendPhone accepts (an international
// number's 8): a shorter run of digits is not tried, which spares the error that would refuse
// it (its message is formatted), the most of the cost of a text of short numbers.
const minPhoneDigits = 8

func countDigits(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if isDigit(s[i]) {
			n++
		}
	}
	return n
}
