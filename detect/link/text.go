package link

import (
	"strings"
	"unicode/utf8"

	"github.com/shopguard/shopguard"
)

// Found is a link found in a text and its verdict.
type Found struct {
	URL        string               `json:"url"`
	Span       shopguard.Span       `json:"span"`
	Link       Link                 `json:"link"`
	Assessment shopguard.Assessment `json:"assessment"`
}

// AnalyzeText judges every link in text: URLs with a scheme ("https://…") and bare domains
// with a known ending ("taobao-refund.com/x"). Spans are in runes. E-mail addresses are not
// links and are left out.
func (a *Analyzer) AnalyzeText(text string) []Found {
	var out []Found
	for _, c := range FindURLs(text) {
		l, err := Parse(c.URL)
		if err != nil {
			continue
		}
		as := a.Analyze(l)
		span := c.Span
		for i := range as.Signals {
			as.Signals[i].Span = &span
		}
		out = append(out, Found{URL: c.URL, Span: span, Link: l, Assessment: as})
	}
	return out
}

// Candidate is a stretch of text that looks like a link.
type Candidate struct {
	URL  string
	Span shopguard.Span
}

// FindURLs returns the stretches of text that look like links, in order.
func FindURLs(text string) []Candidate {
	var out []Candidate
	runes := 0 // rune offset of byte i
	for i := 0; i < len(text); {
		if !isURLByte(text[i]) {
			_, n := utf8.DecodeRuneInString(text[i:])
			i += n
			runes++
			continue
		}
		j := i
		for j < len(text) && isURLByte(text[j]) {
			j++
		}
		word := text[i:j]
		start := runes
		runes += j - i // URL bytes are ASCII
		i = j
		if u, skip := trimCandidate(word); u != "" {
			out = append(out, Candidate{URL: u, Span: shopguard.Span{Start: start + skip, End: start + skip + len(u)}})
		}
	}
	return out
}

// trimCandidate returns the link in word (a run of URL characters) and how many bytes were
// cut from its start, or "" when word is no link.
func trimCandidate(word string) (string, int) {
	skip := 0
	if i := strings.Index(strings.ToLower(word), "http"); i > 0 && strings.Contains(word[i:], "://") {
		skip, word = i, word[i:]
	}
	word = strings.TrimRight(word, ".,;:!?)]}'\"")
	// A link whose scheme was lost ("http //x.co/a", as a text recogniser reads a screenshot,
	// or "//x.co/a") is read from its host.
	for len(word) > 0 && strings.IndexByte("([{'\"</", word[0]) >= 0 {
		word, skip = word[1:], skip+1
	}
	if word == "" {
		return "", 0
	}
	if strings.Contains(word, "://") {
		if _, err := Parse(word); err != nil {
			return "", 0
		}
		return word, skip
	}
	// A bare domain: letters in its ending, a known public suffix, not an e-mail address.
	if strings.IndexByte(word, '@') >= 0 {
		return "", 0
	}
	host := word
	if k := strings.IndexAny(host, "/?#"); k >= 0 {
		host = host[:k]
	}
	dot := strings.LastIndexByte(host, '.')
	if dot <= 0 || dot == len(host)-1 {
		return "", 0
	}
	l, err := Parse(word)
	if err != nil || l.IP || !l.ICANN && l.Suffix == "" || !knownTLD(l.Suffix) {
		return "", 0
	}
	return word, skip
}

// knownTLD reports whether the last label of suffix is a top-level domain in the public
// suffix list (not one made up by its default rule).
func knownTLD(suffix string) bool {
	tld := suffix[strings.LastIndexByte(suffix, '.')+1:]
	for i := 0; i < len(tld); i++ {
		if c := tld[i]; c < 'a' || c > 'z' {
			return strings.HasPrefix(tld, "xn--")
		}
	}
	ps, icann := publicSuffix("x." + tld)
	return icann && ps == tld
}

func isURLByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		strings.IndexByte("-._~:/?#[]@!$&'()*+,;=%\\", c) >= 0
}
