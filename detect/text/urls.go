package text

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// URL is a link found in a message, for the link check: the text as written and where it is.
type URL struct {
	URL     string `json:"url"`
	Message int    `json:"message"`
	Start   int    `json:"start"`
	End     int    `json:"end"`
	bs, be  int32  // byte offsets
	others  bool   // in words the sender did not write (see Others)
}

// Others reports whether the link lies in words the sender of its message did not write: a
// line quoted from an earlier message or a mailing list's footer (see findOthersWords). Its
// cues do not count, and the link check does not judge it: the list's own archive or a link
// someone else sent is no sign against the sender.
func (u URL) Others() bool { return u.others }

// commonTLDs are the endings that make a bare word with dots a link ("dwz.cn/abc").
var commonTLDs = map[string]bool{
	"com": true, "cn": true, "net": true, "org": true, "top": true, "xyz": true, "vip": true,
	"cc": true, "io": true, "co": true, "uk": true, "me": true, "info": true, "shop": true,
	"app": true, "link": true, "ly": true, "club": true, "site": true, "online": true, "ru": true,
	"tk": true, "ml": true, "biz": true, "us": true, "hk": true, "tw": true, "in": true,
	"au": true, "de": true, "fr": true, "ca": true, "nl": true, "it": true, "mobi": true, "ws": true,
	"su": true, "pw": true, "icu": true, "buzz": true, "live": true, "tv": true,
	"help": true, "support": true, "today": true, "world": true, "fun": true, "space": true,
	"website": true, "tech": true, "pro": true, "best": true, "win": true, "asia": true, "one": true,
	"email": true, "services": true, "center": true, "page": true, "dev": true, "cloud": true,
	"digital": true, "network": true, "zone": true, "ltd": true, "group": true, "company": true,
	"ink": true, "bio": true, "lat": true, "cyou": true, "sbs": true, "cfd": true, "bond": true,
	"click": true, "rest": true, "fit": true, "gq": true, "ga": true, "work": true,
	"wang": true, "store": true, "life": true, "lol": true, "mom": true, "quest": true,
	"monster": true, "beauty": true, "hair": true, "skin": true, "makeup": true, "autos": true,
	"boats": true, "homes": true, "yachts": true, "motorcycles": true, "cam": true, "bar": true,
	"run": true, "host": true, "press": true, "uno": true, "sale": true, "deals": true,
	"finance": true, "money": true, "ph": true, "vn": true, "br": true, "sg": true, "pk": true,
	"ng": true, "za": true, "jp": true, "kr": true, "eu": true, "es": true, "mx": true, "nz": true,
	"ie": true, "ch": true, "se": true, "gd": true,
}

func isURLByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		strings.IndexByte("-._~:/?#[]@!$&'*+,;=%", c) >= 0
}

// findURLs appends the links in s, message msg, to dst: anything with a scheme, starting with
// www., or a host ending in a common top-level domain. Offsets are in runes, counted as the
// links are found (one pass over s): a link never starts before the end of the one before it.
// The links are counted first and dst grown once to hold them: growing it link by link
// allocated five times their size (a 1 MB text can hold 200,000 links).
func findURLs(dst []URL, s string, msg int) []URL {
	n := 0
	eachURL(s, func(string, int) { n++ })
	if n == 0 {
		return dst
	}
	dst = slices.Grow(dst, n)
	rb, rr := 0, 0 // a byte offset and its rune offset
	eachURL(s, func(tok string, lo int) {
		rr += utf8.RuneCountInString(s[rb:lo])
		rb = lo
		// A link is all URL bytes, ASCII: as many runes as bytes.
		dst = append(dst, URL{URL: tok, Message: msg, Start: rr, End: rr + len(tok), bs: int32(lo), be: int32(lo + len(tok))})
	})
	return dst
}

// eachURL calls found with each link in s and its byte offset, in order.
func eachURL(s string, found func(tok string, lo int)) {
	floor := 0 // the end of the last link found
	for i := 0; i < len(s); {
		j := strings.IndexByte(s[i:], '.')
		if j < 0 {
			break
		}
		dot := i + j
		if dot == 0 || dot+1 >= len(s) || !isURLByte(s[dot-1]) || !isURLByte(s[dot+1]) || s[dot+1] == '.' {
			i = dot + 1 // a full stop, an ellipsis: no link here
			continue
		}
		lo := dot
		for lo > floor && isURLByte(s[lo-1]) {
			lo--
		}
		hi := dot + 1
		for hi < len(s) && isURLByte(s[hi]) {
			hi++
		}
		tok := s[lo:hi]
		for len(tok) > 0 && isTrailing(tok[len(tok)-1]) {
			tok = tok[:len(tok)-1]
		}
		// A scheme's letters run straight into the previous word in some texts ("点击https://").
		if k := strings.Index(strings.ToLower(tok), "http"); k > 0 {
			lo += k
			tok = tok[k:]
		}
		// A link whose scheme was lost ("http //x.co/a", as a text recogniser reads a
		// screenshot, or "//x.co/a") is read from its host; after "http" and slashes, any
		// host is a link's, whatever its ending ("http //rb.gy/a", "http //10.1.2.3/a").
		slashes := 0
		for len(tok) > 0 && tok[0] == '/' {
			lo++
			tok = tok[1:]
			slashes++
		}
		if isLink(tok) || slashes > 0 && afterScheme(s[:lo-slashes]) && isHostLink(tok) {
			found(tok, lo)
			floor = lo + len(tok)
			i = max(floor, dot+1)
			continue
		}
		i = hi
	}
}

// isTrailing reports whether c, ending a run of URL bytes, is punctuation after a link rather
// than part of it (strings.TrimRight with these as its cutset built its set on every link).
func isTrailing(c byte) bool {
	switch c {
	case '.', ',', ';', ':', '!', '?', ')', ']', '\'':
		return true
	}
	return false
}

// afterScheme reports whether before, the text before a link's slashes, ends in a scheme
// whose colon was lost or set apart: "http ", "https: ", "HTTP". It reads at most a few
// bytes from the end.
func afterScheme(before string) bool {
	before = strings.TrimRight(before, " ")
	before = strings.TrimSuffix(before, ":")
	before = strings.TrimRight(before, " ")
	n := len(before)
	for _, sch := range [...]string{"https", "http"} {
		if n >= len(sch) && strings.EqualFold(before[n-len(sch):], sch) &&
			(n == len(sch) || !isASCIILetter(before[n-len(sch)-1])) {
			return true
		}
	}
	return false
}

// isHostLink reports whether tok, read after a scheme, starts with a host: labels of letters,
// digits and dashes joined by dots, the last of two or more letters (any top-level domain) or
// four numbers (an IPv4 address).
func isHostLink(tok string) bool {
	host := tok
	if k := strings.IndexAny(host, "/?#:"); k >= 0 {
		host = host[:k]
	}
	labels := strings.Split(strings.TrimSuffix(host, "."), ".")
	if len(labels) < 2 {
		return false
	}
	numeric := 0
	for _, l := range labels {
		if l == "" {
			return false
		}
		digits := 0
		for i := 0; i < len(l); i++ {
			switch c := l[i]; {
			case c >= '0' && c <= '9':
				digits++
			case isASCIILetter(c), c == '-':
			default:
				return false
			}
		}
		if digits == len(l) {
			numeric++
		}
	}
	if numeric == len(labels) {
		return len(labels) == 4
	}
	last := labels[len(labels)-1]
	if len(last) < 2 {
		return false
	}
	for i := 0; i < len(last); i++ {
		if !isASCIILetter(last[i]) {
			return false
		}
	}
	return true
}

func isLink(tok string) bool {
	low := strings.ToLower(tok)
	if strings.HasPrefix(low, "http:") || strings.HasPrefix(low, "https:") {
		return strings.Contains(strings.TrimLeft(low[strings.IndexByte(low, ':')+1:], "/"), ".")
	}
	if strings.Contains(low, "@") {
		return false
	}
	if strings.HasPrefix(low, "www.") {
		return len(low) > 4
	}
	host := low
	if k := strings.IndexAny(host, "/?#"); k >= 0 {
		host = host[:k]
	}
	host = strings.TrimSuffix(host, ".")
	k := strings.LastIndexByte(host, '.')
	if k <= 0 {
		return false
	}
	for _, c := range host[k+1:] {
		if c < 'a' || c > 'z' {
			return false
		}
	}
	return commonTLDs[host[k+1:]]
}
