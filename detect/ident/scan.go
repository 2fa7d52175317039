package ident

import "strings"

// The candidates of Extract are found by hand-written scanners, one per shape of identifier,
// each a single pass over the folded text with bounded work per byte. Each finds exactly what
// a regular expression used to (kept in the tests as their oracle, with the differences said
// there): the leftmost match, then the next from where it ended.
//
//	links     (?i)\b(?:https?://|www\.)[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+
//	e-mails   (?i)[a-z0-9._%+-]+@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+
//	domains   (?i)\b(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:[a-z]{2,24}|xn--[a-z0-9-]{1,59})\b(/[A-Za-z0-9\-._~:/?#@!$&'*+,;=%]*)?
//	wxid_     (?i)\bwxid_[a-z0-9_-]{4,20}
//	WeChat    (?i)(?:微信|威信|薇信|v信|vx|wx|weixin|wechat)(?:号|号码|id)?\s*[:：=]?\s*([a-z][a-z0-9_-]{5,19})\b
//	numbers   (?:\+|\(0\d{2,3}\)\s?)?\d+(?:[ \-–]\d+)*
//
// Letters are ASCII letters of either case (Go's (?i) also took the Kelvin sign K and the long
// s ſ for k and s).

// span is a candidate found in the folded text: bytes start to end. path says that a domain
// has a path after it (u.example.cn/abc), which makes it a link.
type span struct {
	start, end int
	path       bool
}

// Character classes, as bits of charClass.
const (
	cWord  = 1 << iota // \w: [0-9A-Za-z_]
	cAlnum             // [0-9A-Za-z]
	cLabel             // a domain label's: [0-9A-Za-z-]
	cLink              // a link's after its scheme: [A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]
	cPath              // a bare domain's path: a link's but brackets
	cLocal             // an e-mail address's before the @: [0-9A-Za-z._%+-]
	cID                // a WeChat id's after its first letter: [0-9A-Za-z_-]
	cSpace             // \s: [\t\n\f\r ]
	cDigit             // [0-9]
)

var charClass = func() (t [256]uint16) {
	set := func(bits uint16, chars string) {
		for i := 0; i < len(chars); i++ {
			t[chars[i]] |= bits
		}
	}
	const (
		letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		digits  = "0123456789"
	)
	set(cWord|cAlnum|cLabel|cLink|cPath|cLocal|cID, letters+digits)
	set(cWord|cID, "_")
	set(cLabel|cLink|cPath|cLocal|cID, "-")
	set(cLink|cPath, "._~:/?#@!$&'*+,;=%")
	set(cLink, "[]()")
	set(cLocal, "._%+")
	set(cSpace, "\t\n\f\r ")
	set(cDigit, digits)
	return t
}()

func is(c byte, class uint16) bool { return charClass[c]&class != 0 }

// boundary reports whether \b holds at s[i]: a word character on one side and not the other.
func boundary(s string, i int) bool {
	return (i > 0 && is(s[i-1], cWord)) != (i < len(s) && is(s[i], cWord))
}

// run returns the end of the run of characters of class starting at s[i].
func run(s string, i int, class uint16) int {
	for i < len(s) && is(s[i], class) {
		i++
	}
	return i
}

// runUpTo is run, but stops after n characters.
func runUpTo(s string, i int, class uint16, n int) int {
	end := min(len(s), i+n)
	for i < end && is(s[i], class) {
		i++
	}
	return i
}

// hasPrefixFold reports whether s starts with lit (lower-case ASCII) in any ASCII case.
func hasPrefixFold(s, lit string) bool {
	if len(s) < len(lit) {
		return false
	}
	for i := 0; i < len(lit); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lit[i] {
			return false
		}
	}
	return true
}

// findLinks appends the links written with their scheme or "www." in s.
func findLinks(dst []span, s string) []span {
	for i := 0; i < len(s); i++ {
		c := s[i] | 0x20
		if c != 'h' && c != 'w' || !boundary(s, i) {
			continue
		}
		n := 0
		switch {
		case hasPrefixFold(s[i:], "https://"):
			n = 8
		case hasPrefixFold(s[i:], "http://"):
			n = 7
		case hasPrefixFold(s[i:], "www."):
			n = 4
		default:
			continue
		}
		if end := run(s, i+n, cLink); end > i+n {
			dst = append(dst, span{start: i, end: end})
			i = end - 1
		}
	}
	return dst
}

// findEmails appends the e-mail addresses in s.
func findEmails(dst []span, s string) []span {
	from := 0 // where the search goes on
	for {
		k := strings.IndexByte(s[from:], '@')
		if k < 0 {
			return dst
		}
		at := from + k
		start := at
		for start > from && is(s[start-1], cLocal) {
			start-- // the runs before two @ do not overlap: each byte is read once
		}
		end := emailDomainEnd(s, at+1)
		if start == at || end < 0 {
			from = at + 1
			continue
		}
		dst = append(dst, span{start: start, end: end})
		from = end
	}
}

// emailDomainEnd returns the end of the domain of an e-mail address that starts at s[i], or
// -1: labels of letters, digits and dashes that start and end with a letter or digit, two or
// more, separated by dots.
func emailDomainEnd(s string, i int) int {
	e := run(s, i, cLabel)
	if e == i || !is(s[i], cAlnum) || !is(s[e-1], cAlnum) || e == len(s) || s[e] != '.' {
		return -1 // the first label is followed by a dot
	}
	end := -1
	for e < len(s) && s[e] == '.' {
		t := e + 1
		if t == len(s) || !is(s[t], cAlnum) {
			break
		}
		r := run(s, t, cLabel)
		q := r
		for !is(s[q-1], cAlnum) {
			q-- // the label ends with a letter or digit; s[t] is one
		}
		end = q
		if q != r {
			break
		}
		e = r
	}
	return end
}

// findDomains appends the bare domains in s, with the path that follows one.
func findDomains(dst []span, s string) []span {
	var chain domainChain
	from := 0
	for {
		k := strings.IndexByte(s[from:], '.')
		if k < 0 {
			return dst
		}
		dot := from + k
		// A match starts in the label before a dot: at its start or after a dash in it (\b), at
		// a letter or digit, with at most 63 characters to the dot, the last a letter or digit.
		first := dot
		for first > from && is(s[first-1], cLabel) {
			first-- // the labels before two dots do not overlap: each byte is read once
		}
		start := -1
		if dot > first && is(s[dot-1], cAlnum) {
			for p := max(first, dot-63); p < dot; p++ {
				if is(s[p], cAlnum) && boundary(s, p) {
					start = p
					break
				}
			}
		}
		host := -1
		if start >= 0 {
			host = chain.end(s, dot+1)
		}
		if host < 0 {
			from = dot + 1
			continue
		}
		m := span{start: start, end: host}
		if host < len(s) && s[host] == '/' {
			m.end, m.path = run(s, host+1, cPath), true
		}
		dst = append(dst, m)
		from = m.end
	}
}

// domainChain remembers where a domain ends when the labels after a dot are read: for the
// position t after each dot of a chain of labels, ends holds the end of the domain that the
// chain from t makes, or -1. A domain takes as many labels as it can, with a top-level label
// after them. The positions asked about only grow, so each chain is read once.
type domainChain struct {
	ts, ends []int
	i        int // the entry asked about last
}

// end returns the end of the domain whose labels after the first start at s[t], or -1.
func (c *domainChain) end(s string, t int) int {
	for c.i < len(c.ts) && c.ts[c.i] < t {
		c.i++
	}
	if c.i == len(c.ts) || c.ts[c.i] != t {
		c.read(s, t)
	}
	return c.ends[c.i]
}

// read reads the chain of labels from s[t]: a label followed by a dot goes on with the label
// after it.
func (c *domainChain) read(s string, t int) {
	c.ts, c.ends, c.i = c.ts[:0], c.ends[:0], 0
	for {
		c.ts = append(c.ts, t)
		c.ends = append(c.ends, -1)
		r := run(s, t, cLabel)
		if r == t || r-t > 63 || !is(s[t], cAlnum) || !is(s[r-1], cAlnum) || r == len(s) || s[r] != '.' {
			break
		}
		t = r + 1
	}
	// From the last label back: a chain that goes on and ends in a domain ends there;
	// otherwise the label at t must be a top-level one.
	next := -1
	for j := len(c.ts) - 1; j >= 0; j-- {
		if next < 0 {
			next = topLevelEnd(s, c.ts[j])
		}
		c.ends[j] = next
	}
}

// topLevelEnd returns the end of a top-level label at s[t] (2 to 24 letters, or "xn--" and
// 1 to 59 letters, digits or dashes) that ends at a word boundary, or -1.
func topLevelEnd(s string, t int) int {
	letters := t
	for letters < len(s) && letters-t <= 24 && (s[letters]|0x20 >= 'a' && s[letters]|0x20 <= 'z') {
		letters++
	}
	if n := letters - t; n >= 2 && n <= 24 && boundary(s, letters) {
		return letters
	}
	if hasPrefixFold(s[t:], "xn--") {
		for q := runUpTo(s, t+4, cLabel, 59); q > t+4; q-- {
			if boundary(s, q) {
				return q
			}
		}
	}
	return -1
}

// findWXIDs appends the WeChat ids written "wxid_…" in s.
func findWXIDs(dst []span, s string) []span {
	for i := 0; i < len(s); i++ {
		if s[i]|0x20 != 'w' || !boundary(s, i) || !hasPrefixFold(s[i:], "wxid_") {
			continue
		}
		if end := runUpTo(s, i+5, cID, 20); end-(i+5) >= 4 {
			dst = append(dst, span{start: i, end: end})
			i = end - 1
		}
	}
	return dst
}

// wechatNames are the words that name WeChat before an id, in the order they are tried.
var wechatNames = []string{"微信", "威信", "薇信", "v信", "vx", "wx", "weixin", "wechat"}

// findWeChatIDs appends the WeChat ids written after a word naming WeChat in s ("微信号:
// seller_vip"): the id alone.
func findWeChatIDs(dst []span, s string) []span {
	for i := 0; i < len(s); i++ {
		c := s[i] | 0x20
		if c != 'v' && c != 'w' && s[i] != 0xE5 && s[i] != 0xE8 {
			continue // 微 威 薇 start with byte E5, E5 and E8
		}
		n := 0
		for _, w := range wechatNames {
			if hasPrefixFold(s[i:], w) {
				n = len(w)
				break
			}
		}
		if n == 0 {
			continue
		}
		// Then "号", "号码" or "id", tried in this order, or nothing.
		id := span{start: -1}
		for _, suffix := range [...]string{"号", "号码", "id", ""} {
			if hasPrefixFold(s[i+n:], suffix) {
				if id = wechatID(s, i+n+len(suffix)); id.start >= 0 {
					break
				}
			}
		}
		if id.start >= 0 {
			dst = append(dst, id)
			i = id.end - 1
		}
	}
	return dst
}

// wechatID returns the id after a word naming WeChat that ends at s[i], or a span starting at
// -1: spaces, ":" or "=", spaces, then a letter and 5 to 19 letters, digits, "_" or "-",
// ending at a word boundary.
func wechatID(s string, i int) span {
	i = run(s, i, cSpace)
	if i < len(s) && (s[i] == ':' || s[i] == '=') {
		i = run(s, i+1, cSpace)
	} else if strings.HasPrefix(s[i:], "：") {
		i = run(s, i+len("："), cSpace)
	}
	if i == len(s) || !(s[i]|0x20 >= 'a' && s[i]|0x20 <= 'z') {
		return span{start: -1}
	}
	for end := runUpTo(s, i+1, cID, 19); end-(i+1) >= 5; end-- {
		if boundary(s, end) {
			return span{start: i, end: end}
		}
	}
	return span{start: -1}
}

// findNumbers appends the runs of digits in s: digits in groups separated by a space, a dash
// or "–", after a "+" or a bracketed area code such as "(010) " when there is one.
func findNumbers(dst []span, s string) []span {
	for i := 0; i < len(s); i++ {
		j := i // where the digits start
		switch c := s[i]; {
		case isDigit(c):
		case c == '+':
			j = i + 1
		case c == '(':
			j = areaCodeEnd(s, i)
		default:
			continue
		}
		if j < 0 || j == len(s) || !isDigit(s[j]) {
			continue
		}
		end := run(s, j, cDigit)
		for {
			sep := 0
			switch {
			case end+1 < len(s) && (s[end] == ' ' || s[end] == '-'):
				sep = 1
			case strings.HasPrefix(s[end:], "–"):
				sep = len("–")
			}
			if sep == 0 || end+sep == len(s) || !isDigit(s[end+sep]) {
				break
			}
			end = run(s, end+sep, cDigit)
		}
		dst = append(dst, span{start: i, end: end})
		i = end - 1
	}
	return dst
}

// areaCodeEnd returns where the digits after a bracketed area code at s[i] start ("(010)"
// then a space or none), or -1.
func areaCodeEnd(s string, i int) int {
	if i+1 == len(s) || s[i+1] != '0' {
		return -1
	}
	d := runUpTo(s, i+2, cDigit, 4)
	if n := d - (i + 2); n < 2 || n > 3 || d == len(s) || s[d] != ')' {
		return -1
	}
	d++
	if d+1 < len(s) && is(s[d], cSpace) && isDigit(s[d+1]) {
		return d + 1
	}
	return d
}
