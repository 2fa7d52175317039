package link

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

//go:generate go run gen_confusables.go

// Two foldings make look-alike names equal. fold1 is what a careful reader still confuses:
// the UTS #39 skeleton (for non-ASCII), accents dropped, 0→o, 1/i→l, and the letter pairs
// that read as one letter (rn→m, vv→w, cl→d). fold2 goes further, for equality only: it
// also merges letters that differ by a stroke (b/d, c/e, g/q, m/n/r, 3/8, 6/9) and squeezes
// repeated letters.

// extraSkeleton maps what the skeleton leaves non-ASCII but readers take for a Latin letter.
var extraSkeleton = map[rune]byte{
	'ǝ': 'a', 'ʙ': 'b', 'ƅ': 'b', 'ƈ': 'c', 'ɢ': 'g', 'ⱨ': 'h', 'ʝ': 'j', 'ⱪ': 'k', 'ĸ': 'k',
	'ʍ': 'm', 'ꞑ': 'n', 'þ': 'p', 'ʀ': 'r', 'ɾ': 'r', 'ƫ': 't', 'ʉ': 'u', 'ⱱ': 'v', 'ⱴ': 'v',
	'ⱳ': 'w', 'ⱬ': 'z', 'ᴛ': 't', 'π': 'n', 'ʜ': 'h', 'л': 'n', 'ᴎ': 'n', 'ɜ': '3',
}

// fold1 appends the first folding of s (a lower-case host label) to dst.
func fold1(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return fold1ASCII(dst, skeletonASCII(s))
		}
	}
	return fold1ASCII(dst, s)
}

// skeletonASCII returns the UTS #39 skeleton of s, lower-cased, without combining marks,
// with the extra look-alikes mapped to ASCII.
func skeletonASCII(s string) string {
	sk := norm.NFD.String(strings.ToLower(skeleton(s)))
	var b strings.Builder
	b.Grow(len(sk))
	for _, r := range sk {
		switch {
		case unicode.Is(unicode.Mn, r):
		case r < utf8.RuneSelf:
			b.WriteByte(byte(unicode.ToLower(r)))
		default:
			if c, ok := extraSkeleton[r]; ok {
				b.WriteByte(c)
			} else {
				b.WriteRune(r)
			}
		}
	}
	return b.String()
}

// skeleton is the UTS #39 skeleton of s, as github.com/mtibben/confusables computes it (NFD,
// every character mapped by the confusables table, NFD again), from a copy of its table
// (confusables_gen.go) that the linker lays out: that package builds a map of 6,300 entries
// at every start of the binary, whatever the command (about 2 ms and 220 KB).
func skeleton(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		if i, ok := slices.BinarySearch(confusableRunes[:], r); ok {
			b.WriteString(confusableTo[i])
		} else {
			b.WriteRune(r)
		}
	}
	return norm.NFD.String(b.String())
}

func fold1ASCII(dst []byte, s string) []byte {
	start := len(dst)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '0':
			c = 'o'
		case '1', 'i', '|':
			c = 'l'
		}
		if n := len(dst); n > start {
			if r, ok := pair(dst[n-1], c); ok {
				dst[n-1] = r
				continue
			}
		}
		dst = append(dst, c)
	}
	return dst
}

// pair returns the letter that the two letters a, b read as, if any.
func pair(a, b byte) (byte, bool) {
	switch {
	case a == 'r' && b == 'n':
		return 'm', true
	case a == 'v' && b == 'v':
		return 'w', true
	case a == 'c' && b == 'l':
		return 'd', true
	}
	return 0, false
}

// fold2 appends the second folding of an already fold1-ed name to dst.
func fold2(dst []byte, f1 []byte) []byte {
	var last byte
	for _, c := range f1 {
		switch c {
		case 'd':
			c = 'b'
		case 'c':
			c = 'e'
		case 'q':
			c = 'g'
		case 'm', 'r':
			c = 'n'
		case '3':
			c = '8'
		case '9':
			c = '6'
		}
		if c == last {
			continue
		}
		dst = append(dst, c)
		last = c
	}
	return dst
}

// osa returns the optimal string alignment distance between a and b (insertions, deletions,
// substitutions and swaps of neighbours), stopping early once it exceeds limit.
func osa(a, b []byte, limit int) int {
	la, lb := len(a), len(b)
	if la-lb > limit || lb-la > limit {
		return limit + 1
	}
	if la > 64 || lb > 64 {
		return limit + 1
	}
	var rows [3][65]int
	prev2, prev, cur := &rows[0], &rows[1], &rows[2]
	for j := 0; j <= lb; j++ {
		prev[j] = j
	}
	for i := 1; i <= la; i++ {
		cur[0] = i
		best := cur[0]
		for j := 1; j <= lb; j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				v = min(v, prev2[j-2]+1)
			}
			cur[j] = v
			best = min(best, v)
		}
		if best > limit {
			return limit + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[lb]
}

// editKind names how name differs from brand by one edit, in the words of the signal
// explanation: "missing letter", "extra letter", "doubled letter", "swapped letters",
// "changed letter", "keyboard neighbour", "added hyphen", "look-alike characters".
func editKind(name, brand string) string {
	switch {
	case strings.ReplaceAll(name, "-", "") == brand:
		return "hyphen"
	case len(name) == len(brand)-1:
		return "omission"
	case len(name) == len(brand)+1:
		for i := 0; i+1 < len(name); i++ {
			if name[i] == name[i+1] && name[:i]+name[i+1:] == brand {
				return "repetition"
			}
		}
		return "insertion"
	case len(name) == len(brand):
		diff := -1
		for i := 0; i < len(name); i++ {
			if name[i] != brand[i] {
				if diff >= 0 {
					if i == diff+1 && name[i] == brand[diff] && name[diff] == brand[i] {
						return "transposition"
					}
					return "homoglyph"
				}
				diff = i
			}
		}
		if diff < 0 {
			return "homoglyph"
		}
		a, b := name[diff], brand[diff]
		switch {
		case isVowel(a) && isVowel(b):
			return "vowel"
		case keyboardNear(a, b):
			return "keyboard"
		case bits(a^b) == 1:
			return "bitflip"
		}
		return "replacement"
	}
	return "homoglyph"
}

func isVowel(c byte) bool { return strings.IndexByte("aeiouy", c) >= 0 }

func bits(x byte) int {
	n := 0
	for ; x != 0; x &= x - 1 {
		n++
	}
	return n
}

var keyboardRows = [...]string{"1234567890-", "qwertyuiop", "asdfghjkl", "zxcvbnm"}

// keyboardNear reports whether a and b are next to each other on a QWERTY keyboard.
func keyboardNear(a, b byte) bool {
	ra, ca := keyPos(a)
	rb, cb := keyPos(b)
	if ra < 0 || rb < 0 {
		return false
	}
	dr, dc := ra-rb, ca-cb
	return dr >= -1 && dr <= 1 && dc >= -1 && dc <= 1
}

func keyPos(c byte) (int, int) {
	for r, row := range keyboardRows {
		if i := strings.IndexByte(row, c); i >= 0 {
			return r, i
		}
	}
	return -1, -1
}
