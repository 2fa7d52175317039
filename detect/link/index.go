package link

import (
	"strings"
	"unicode/utf8"

	"github.com/shopguard/shopguard/knowledge"
)

// shortLen is the length below which a brand name is short: too many real words lie one
// letter away from "ups" or "visa", so short names are matched only exactly or by look-alike
// characters, and in longer names only next to bait words.
const shortLen = 5

// foldLen is the length from which an IDN name two edits away from a brand once folded is
// still taken for the brand.
const foldLen = 6

// brandRef is a brand as the analyzer reports it.
type brandRef struct {
	id, name, nameZH string
	official         string // the brand's first (main) domain
	word             bool
}

// token is a name a brand is written with in domain names, from the brand's tokens.
type token struct {
	raw   string // lower case, hyphens removed
	f1    string // fold1 of raw
	brand int32
	short bool // fewer than shortLen letters
	// word is true for the names of a brand called by an everyday word (apple, and with it
	// icloud, which ends many cloud names): in a longer name they count only next to bait
	// words.
	word bool
}

// index is everything about brands and terms precomputed for fast lookups.
type index struct {
	brands   []brandRef
	official map[string]int32 // official registrable domain → brand
	tokens   []token
	exact    map[string][]int32 // raw → tokens
	f1       map[string][]int32 // fold1 → tokens
	f2       map[string][]int32 // fold2 → long tokens
	del      map[string][]int32 // raw and its one-letter deletions → long tokens
	delKeys  hashSet            // the hashes of del's keys
	minLen   int
	maxLen   int
	// brandRaw finds tokens in ASCII labels, brandF1 their folded forms in IDN labels.
	brandRaw, brandF1 trie
	zh                []token
	// wordsRaw and wordsF1 find host words; their ids index wordList.
	wordsRaw, wordsF1 trie
	wordList          []string
	platform          map[string]bool
	shortener         map[string]bool
	sensitive         map[string]bool
	risky             map[string]bool
	dynDNS            map[string]bool // dynamic-DNS domains
	redirect          map[string]bool // redirectors' query parameters naming the target
}

func newIndex(p *knowledge.Pack) *index {
	ix := &index{
		official: map[string]int32{}, minLen: 1 << 30,
		shortener: map[string]bool{}, platform: map[string]bool{}, sensitive: map[string]bool{}, risky: map[string]bool{},
		dynDNS: map[string]bool{}, redirect: map[string]bool{},
	}
	// Room for every trie's nodes at once (at most one a byte): grown by appending, the
	// tries were copied ten times each, 1.2 MB of fresh memory at every start for 0.6 MB.
	var brandBytes, wordBytes int
	for _, b := range p.Brands {
		for _, written := range b.Tokens {
			brandBytes += 2 * len(written) // written and raw (fold1 is never longer than raw)
		}
	}
	for _, l := range p.LinkTerms {
		if l.Kind == knowledge.TermHostWord {
			for _, term := range l.Terms {
				wordBytes += len(term)
			}
		}
	}
	ix.brandRaw.reserve(brandBytes)
	ix.brandF1.reserve(brandBytes / 2)
	ix.wordsRaw.reserve(wordBytes)
	ix.wordsF1.reserve(wordBytes)
	for bi, b := range p.Brands {
		ix.brands = append(ix.brands, brandRef{id: b.ID, name: b.Name.EN, nameZH: b.Name.ZH, official: b.Domains[0], word: b.Word})
		for _, d := range b.Domains {
			ix.official[d] = int32(bi)
		}
		for _, written := range b.Tokens {
			raw := strings.ReplaceAll(written, "-", "")
			if !isLatin(raw) {
				ix.zh = append(ix.zh, token{raw: raw, brand: int32(bi)})
				continue
			}
			if raw != written {
				ix.brandRaw.add(written, int32(len(ix.tokens)))
			}
			ix.tokens = append(ix.tokens, token{raw: raw, f1: string(fold1(nil, raw)), brand: int32(bi), short: len(raw) < shortLen, word: b.Word})
		}
	}
	// The token maps sized before they are filled: grown by inserting, they were rehashed
	// over and over (a third of New's time).
	dels := 0
	for _, t := range ix.tokens {
		if !t.short {
			dels += len(t.raw) + 1
		}
	}
	ix.exact = make(map[string][]int32, len(ix.tokens))
	ix.f1 = make(map[string][]int32, len(ix.tokens))
	ix.f2 = make(map[string][]int32, len(ix.tokens))
	ix.del = make(map[string][]int32, dels)
	for i, t := range ix.tokens {
		id := int32(i)
		ix.exact[t.raw] = appendOnce(ix.exact[t.raw], id)
		ix.f1[t.f1] = appendOnce(ix.f1[t.f1], id)
		ix.brandRaw.add(t.raw, id)
		ix.brandF1.add(t.f1, id)
		if t.short {
			continue
		}
		ix.minLen, ix.maxLen = min(ix.minLen, len(t.raw)), max(ix.maxLen, len(t.raw))
		f2 := string(fold2(nil, []byte(t.f1)))
		ix.f2[f2] = appendOnce(ix.f2[f2], id)
		ix.del[t.raw] = appendOnce(ix.del[t.raw], id)
		for j := range len(t.raw) {
			k := t.raw[:j] + t.raw[j+1:]
			ix.del[k] = appendOnce(ix.del[k], id)
		}
	}
	for k := range ix.del {
		ix.delKeys.add(hashOf(k))
	}
	for _, l := range p.LinkTerms {
		for _, term := range l.Terms {
			switch l.Kind {
			case knowledge.TermShortener:
				ix.shortener[term] = true
			case knowledge.TermPlatform:
				ix.platform[term] = true
			case knowledge.TermRiskyTLD:
				ix.risky[term] = true
			case knowledge.TermDynamicDNS:
				ix.dynDNS[term] = true
			case knowledge.TermRedirectParam:
				ix.redirect[term] = true
			case knowledge.TermSensitivePath:
				ix.sensitive[term] = true
			case knowledge.TermHostWord:
				if isLatin(term) {
					id := int32(len(ix.wordList))
					ix.wordsRaw.add(term, id)
					ix.wordsF1.add(string(fold1(nil, term)), id)
					ix.wordList = append(ix.wordList, term)
				} else {
					ix.zh = append(ix.zh, token{raw: term, brand: -1})
				}
			}
		}
	}
	return ix
}

func appendOnce(s []int32, id int32) []int32 {
	for _, x := range s {
		if x == id {
			return s
		}
	}
	return append(s, id)
}

func isLatin(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// trie is a byte trie over the alphabet of folded host names (a-z, 0-9, -).
type trie struct {
	next [][37]int32
	ends [][]int32
}

func symbol(c byte) int { return int(symbols[c]) }

// symbols maps a byte to its trie symbol: a-z 0–25, 0-9 26–35, - 36, anything else -1.
var symbols = func() (t [256]int8) {
	for c := range t {
		switch {
		case c >= 'a' && c <= 'z':
			t[c] = int8(c - 'a')
		case c >= '0' && c <= '9':
			t[c] = 26 + int8(c-'0')
		case c == '-':
			t[c] = 36
		default:
			t[c] = -1
		}
	}
	return t
}()

// reserve makes room for the nodes of n bytes of entries in an empty trie, root included;
// it does nothing to a trie that has its root.
func (t *trie) reserve(n int) {
	if len(t.next) == 0 {
		t.next, t.ends = make([][37]int32, 1, n+1), make([][]int32, 1, n+1)
	}
}

func (t *trie) add(s string, id int32) {
	t.reserve(0) // the root, in a trie nobody reserved room in
	n := int32(0)
	for i := 0; i < len(s); i++ {
		c := symbol(s[i])
		if c < 0 {
			return
		}
		if t.next[n][c] == 0 {
			t.next = append(t.next, [37]int32{})
			t.ends = append(t.ends, nil)
			t.next[n][c] = int32(len(t.next) - 1)
		}
		n = t.next[n][c]
	}
	t.ends[n] = append(t.ends[n], id)
}

// scan calls f for every entry that occurs in s, with its start and end; f returns false to
// stop.
func (t *trie) scan(s []byte, f func(id int32, start, end int) bool) {
	if len(t.next) == 0 {
		return
	}
	for i := range s {
		n := int32(0)
		for j := i; j < len(s); j++ {
			c := symbol(s[j])
			if c < 0 {
				break
			}
			if n = t.next[n][c]; n == 0 {
				break
			}
			for _, id := range t.ends[n] {
				if !f(id, i, j+1) {
					return
				}
			}
		}
	}
}

// covers reports whether s[from:to] is made entirely of entries of t, and also of extra.
func (t *trie) covers(s []byte, extra string) bool {
	if len(s) == 0 {
		return true
	}
	var can [65]bool
	if len(s) > 64 {
		return false
	}
	can[0] = true
	for i := 0; i < len(s); i++ {
		if !can[i] {
			continue
		}
		if s[i] == '-' || s[i] >= '0' && s[i] <= '9' {
			can[i+1] = true
			continue
		}
		if extra != "" && len(s)-i >= len(extra) && string(s[i:i+len(extra)]) == extra {
			can[i+len(extra)] = true
		}
		n := int32(0)
		for j := i; j < len(s) && len(t.next) > 0; j++ {
			c := symbol(s[j])
			if c < 0 {
				break
			}
			if n = t.next[n][c]; n == 0 {
				break
			}
			if len(t.ends[n]) > 0 {
				can[j+1] = true
			}
		}
	}
	return can[len(s)]
}

// segmentEnd reports whether s[i:j] is a whole segment: separators or the ends of s on
// both sides.
func segmentEnd(s []byte, i, j int) bool {
	return (i == 0 || isSep(s[i-1])) && (j == len(s) || isSep(s[j]))
}

func isSep(c byte) bool { return c == '-' || c == '.' || c >= '0' && c <= '9' }

// maxHashed is the longest name whose deletions nearest hashes: osa finds no longer name
// within an edit of a token.
const maxHashed = 64

// hashMul is the multiplier of the polynomial hash of a name, hashOf; hashPow its powers.
const hashMul = 0x100000001b3

var hashPow = func() (p [maxHashed + 1]uint64) {
	p[0] = 1
	for i := 1; i < len(p); i++ {
		p[i] = p[i-1] * hashMul
	}
	return p
}()

// hashOf returns the polynomial hash of s: s[0]·m^(n-1) + … + s[n-1] (m = hashMul,
// arithmetic mod 2^64), which can be put together from the hashes of a prefix and a suffix.
func hashOf(s string) uint64 {
	var h uint64
	for i := 0; i < len(s); i++ {
		h = h*hashMul + uint64(s[i])
	}
	return h
}

// hashSet is a one-hash Bloom filter of 2^15 bits over hashOf values: has is false for a
// value never added, and true for about 1 in 40 others at a thousand keys.
type hashSet [1 << 9]uint64

func (s *hashSet) slot(h uint64) (int, uint64) {
	i := (h * 0x9e3779b97f4a7c15) >> (64 - 15)
	return int(i >> 6), 1 << (i & 63)
}

func (s *hashSet) add(h uint64) {
	w, bit := s.slot(h)
	s[w] |= bit
}

func (s *hashSet) has(h uint64) bool {
	w, bit := s.slot(h)
	return s[w]&bit != 0
}
