package ident

import (
	"bytes"
	"slices"
	"strings"
	"unicode"
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
func extract(text string) ([]Match, int) { return extractWith(text, scanners) }

// finder appends to dst the candidates of one pass of Extract found in the folded text s.
type finder func(dst []span, s string) []span

// finders are the passes of Extract, in the order they run: a candidate that overlaps one
// found by an earlier pass is dropped.
type finders struct{ links, emails, domains, wxids, wechatIDs, numbers finder }

// scanners are Extract's finders (see scan.go).
var scanners = finders{findLinks, findEmails, findDomains, findWXIDs, findWeChatIDs, findNumbers}

// extractWith is extract with the candidates found by find.
func extractWith(text string, find finders) ([]Match, int) {
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
	x := extractor{text: folded, orig: text}
	// A link ends at the first character that is not ASCII (in Chinese text the words after
	// a link follow it without a space), and not at the punctuation that ends a sentence.
	trim := func(m span) int { return m.start + len(strings.TrimRight(folded[m.start:m.end], ".,;:!?)]}'\"")) }
	found := find.links(nil, folded)
	for _, m := range found {
		x.add(shopguard.KindURL, m.start, trim(m))
	}
	x.endPhase()
	found = find.emails(found[:0], folded)
	for _, m := range found {
		if x.add(shopguard.KindEmail, m.start, m.end) && x.after(m.start, alipayWords) {
			x.addAs(shopguard.KindAlipay, m.start, m.end)
		}
	}
	x.endPhase()
	found = find.domains(found[:0], folded)
	for _, m := range found {
		if m.path { // "u.example.cn/abc" is a link
			x.add(shopguard.KindURL, m.start, trim(m))
			continue
		}
		x.add(shopguard.KindDomain, m.start, m.end)
	}
	x.endPhase()
	found = find.wxids(found[:0], folded)
	for _, m := range found {
		x.add(shopguard.KindWeChat, m.start, m.end)
	}
	x.endPhase()
	found = find.wechatIDs(found[:0], folded)
	for _, m := range found {
		x.add(shopguard.KindWeChat, m.start, m.end)
	}
	x.endPhase()
	for _, m := range find.numbers(found[:0], folded) {
		x.digits(m.start, m.end)
	}
	slices.SortStableFunc(x.out, func(a, b Match) int { return a.Span.Start - b.Span.Start })
	x.locate()
	return x.out, x.work
}

type extractor struct {
	text string // the text with full-width forms folded
	orig string // the text as given
	// The identifiers found; their spans are byte offsets in text until locate makes them
	// rune offsets and sets Raw.
	out []Match
	// The byte ranges already matched, which never overlap: taken, those of the passes
	// before, by start; fresh, those of the pass under way, found left to right.
	taken, fresh [][2]int
	next         int      // the first range of taken that may overlap a candidate of this pass
	work         int      // candidates weighed, for the tests' work budget
	buf          []byte   // the canonical form of the candidate weighed
	digs         []byte   // the digits of the run of digits being read
	bounds       [][2]int // the groups of digits of that run
	digitsTo     []int    // how many of digs groups 0 to j-1 hold
}

// locate turns the spans of out, byte offsets in text, by start, into rune offsets, and sets
// Raw to what each span holds in orig: one walk through both texts, rune by rune (folding
// maps a rune to one rune, not always of as many bytes), up to the last span's end.
func (x *extractor) locate() {
	i, o, r := 0, 0, 0 // a byte offset in text, the same place's in orig and its rune offset
	to := func(at int) {
		for i < at {
			_, n := utf8.DecodeRuneInString(x.text[i:])
			_, m := utf8.DecodeRuneInString(x.orig[o:])
			i, o, r = i+n, o+m, r+1
		}
	}
	prevEnd := 0 // the last span's end, in bytes
	for k := range x.out {
		m := &x.out[k]
		// Spans do not overlap (an Alipay account repeats the span before it): their ends
		// come by start too.
		if k > 0 && m.Span.Start < prevEnd {
			m.Span, m.Raw = x.out[k-1].Span, x.out[k-1].Raw
			continue
		}
		prevEnd = m.Span.End
		to(m.Span.Start)
		start, ostart := r, o
		to(m.Span.End)
		m.Span, m.Raw = shopguard.Span{Start: start, End: r}, x.orig[ostart:o]
	}
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
	v, ok := appendCanonical(x.buf[:0], kind, x.text[start:end], nil)
	x.buf = v
	if !ok {
		return false
	}
	x.out = append(x.out, Match{
		Identifier: shopguard.Identifier{Kind: kind, Value: string(v)},
		Span:       shopguard.Span{Start: start, End: end}, // bytes, until locate
	})
	x.fresh = append(x.fresh, [2]int{start, end})
	return true
}

// overlaps reports whether [start, end) overlaps a range already matched. A pass weighs its
// candidates by start (each lies in a match of its finder, and those come left to right), so
// the ranges of the passes before are passed over once, with a cursor, and of the ranges of
// this pass only the last can reach past start.
func (x *extractor) overlaps(start, end int) bool {
	for x.next < len(x.taken) && x.taken[x.next][1] <= start {
		x.next++
	}
	if x.next < len(x.taken) && x.taken[x.next][0] < end {
		return true
	}
	n := len(x.fresh)
	return n > 0 && x.fresh[n-1][0] < end && x.fresh[n-1][1] > start
}

// endPhase merges the ranges of the pass just done into those taken before, keeping them by
// start.
func (x *extractor) endPhase() {
	x.next = 0
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
	var buf [96]byte
	return endsWithWord(x.wordsBefore(buf[:0], start), words)
}

// wordsBefore appends to dst, in lower case as strings.ToLower writes it, the text just
// before start (48 bytes of it at most) without the separators " :：=#" that may follow a word.
func (x *extractor) wordsBefore(dst []byte, start int) []byte {
	before := x.text[:start]
	if len(before) > 48 {
		before = before[len(before)-48:]
	}
	before = strings.TrimRight(before, " :：=#")
	for i := 0; i < len(before); {
		if c := before[i]; c < utf8.RuneSelf {
			if c >= 'A' && c <= 'Z' {
				c += 'a' - 'A'
			}
			dst = append(dst, c)
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(before[i:]) // U+FFFD for a byte cut from its rune
		dst = utf8.AppendRune(dst, unicode.ToLower(r))
		i += n
	}
	return dst
}

// endsWithWord reports whether the lower-case text b ends with one of words, allowing "是",
// "为", "号", "码" and spaces after it.
func endsWithWord(b []byte, words []string) bool {
	for _, b := range [...][]byte{b, bytes.TrimRight(b, " 是为号码")} {
		for _, w := range words {
			if len(b) >= len(w) && string(b[len(b)-len(w):]) == w {
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
	x.bounds = groupBounds(x.bounds[:0], x.text, start, end)
	bounds := x.bounds
	// digitsTo[j] counts the digits of groups 0 to j-1: a span of groups holding more digits
	// than any identifier its context allows is not tried, which keeps the work per group
	// bounded.
	digitsTo := append(slices.Grow(x.digitsTo[:0], len(bounds)+1), 0)
	x.digs = slices.Grow(x.digs[:0], end-start) // the digits of the run, those of a span of groups side by side
	for _, g := range bounds {
		for k := g[0]; k < g[1]; k++ {
			if isDigit(x.text[k]) {
				x.digs = append(x.digs, x.text[k])
			}
		}
		digitsTo = append(digitsTo, len(x.digs))
	}
	x.digitsTo = digitsTo
	// A run starts with its digits or with "+" or a bracketed area code: after that, and from
	// its second group on, its text holds digits and separators, which the parsers read as
	// the digits alone.
	plainFrom := 0
	if !isDigit(x.text[start]) {
		plainFrom = 1
	}
	ctx := x.context(start) // the words before the run say what its first number is
	last := 0               // the last group a span from group i can reach
	for i := 0; i < len(bounds); {
		c := noContext
		if i == 0 {
			c = ctx
		}
		most := c.maxDigits()
		last = max(last, i)
		for last+1 < len(bounds) && digitsTo[last+2]-digitsTo[i] <= most {
			last++
		}
		for last > i && digitsTo[last+1]-digitsTo[i] > most {
			last-- // a span from an earlier group, which its context let reach further
		}
		done := false
		for j := last; j >= i && !done; j-- {
			done = x.number(bounds[i][0], bounds[j][1], x.digs[digitsTo[i]:digitsTo[j+1]], i >= plainFrom, c)
			if done {
				i = j + 1
			}
		}
		if !done {
			i++
		}
	}
}

// groupBounds appends to out the groups of the run of digits s[start:end], split at its
// separators.
func groupBounds(out [][2]int, s string, start, end int) [][2]int {
	seps := 0
	for i := start; i < end; i++ {
		if s[i] == ' ' || s[i] == '-' || s[i] == 0xE2 {
			seps++
		}
	}
	out = slices.Grow(out, seps+1) // room for every group, and no more: a run may be megabytes
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

// numberContext is what the words just before a number say it is: flags, as "支付宝账号"
// says both an Alipay account and a bank account.
type numberContext uint8

const (
	qqContext numberContext = 1 << iota
	alipayContext
	bankContext
	noContext numberContext = 0
)

// context returns what the words before text[start:] say a number there is.
func (x *extractor) context(start int) numberContext {
	var buf [96]byte
	before := x.wordsBefore(buf[:0], start)
	var c numberContext
	if endsWithWord(before, qqWords) {
		c |= qqContext
	}
	if endsWithWord(before, alipayWords) {
		c |= alipayContext
	}
	if endsWithWord(before, bankWords) {
		c |= bankContext
	}
	return c
}

// The most digits of a number that each reading accepts: a QQ number 11, a phone 17 ("00"
// and 15 digits of an international number), a bank card 19, a bank account 25.
const (
	maxQQDigits          = 11
	maxPhoneDigits       = 17
	maxCardDigits        = 19
	maxBankAccountDigits = 25
)

// maxDigits is the most digits a number read in context c can have: a longer span of digit
// groups is refused by every reading number gives it.
func (c numberContext) maxDigits() int {
	switch {
	case c&qqContext != 0:
		return maxQQDigits
	case c&bankContext != 0:
		return maxBankAccountDigits
	}
	return max(maxPhoneDigits, maxCardDigits)
}

// number records text[start:end] as the identifier its context and shape say it is. d are its
// digits; plain says that it holds nothing else but separators, so that the shape of d alone
// can refuse it as a phone or a card without reading the text again.
func (x *extractor) number(start, end int, d []byte, plain bool, c numberContext) bool {
	x.work++
	switch {
	case c&qqContext != 0:
		return x.add(shopguard.KindQQ, start, end)
	case c&alipayContext != 0 && x.add(shopguard.KindPhone, start, end):
		x.addAs(shopguard.KindAlipay, start, end)
		return true
	case c&bankContext != 0:
		return x.add(shopguard.KindBankAccount, start, end)
	}
	if len(d) >= minPhoneDigits && len(d) <= maxPhoneDigits && (!plain || x.phoneShaped(d)) && x.add(shopguard.KindPhone, start, end) {
		return true
	}
	if len(d) >= 13 && len(d) <= maxCardDigits && cardNetwork(d) != "" && luhn(d) {
		return x.add(shopguard.KindBankAccount, start, end) // refused if not written as one
	}
	return false
}

// phoneShaped reports whether the digits d, written without a "+", are a phone number.
func (x *extractor) phoneShaped(d []byte) bool {
	v, ok := appendPhoneDigits(x.buf[:0], d, false, nil)
	x.buf = v
	return ok
}

// minPhoneDigits is the fewest digits of a phone number appendPhone accepts (an international
// number's 8): a shorter run of digits is not tried.
const minPhoneDigits = 8
