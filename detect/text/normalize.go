package text

import (
	_ "embed"
	"math/bits"
	"slices"
	"sort"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// normText is a text after normalisation, in the form the automaton reads: UTF-8 bytes, and
// a sparse map back to the original text (see origAt). Every normalised rune comes from
// exactly one original rune. digits counts the ASCII digits.
//
// Normalisation folds what scammers vary to slip past filters: compatibility forms (NFKC, so
// full-width letters and circled digits become plain ones), case, traditional characters
// (to simplified), Chinese numerals (to digits), digits standing for letters inside a Latin
// word ("w0n"), and the separators put between characters (dropped; between two Latin words
// one space is kept). Clause ends (。！？；， and the like) become one '\n', which no pattern
// holds, so a negation never reaches across a clause.
type normText struct {
	b       []byte
	breaks  []offsetBreak // where normalised and original runes stop lining up, by n
	delta   int32         // original minus normalised offset since the last break
	digits  int
	invalid bool    // the original is not valid UTF-8
	matches []match // the automaton's matches in b, kept here to reuse the memory
	spare   []match // memory the automaton works in (see scan)
}

// offsetBreak records that the normalised rune at byte n came from the original rune at
// byte o. Until the next break, runes line up: the normalised rune at n+k came from the
// original rune at o+k. Before the first break, offsets are the same in both texts.
type offsetBreak struct{ n, o int32 }

func (t *normText) reset() {
	t.b, t.breaks, t.delta, t.digits, t.invalid = t.b[:0], t.breaks[:0], 0, 0, false
}

// mark records that the normalised rune starting at byte k came from the original rune at
// byte o, adding a break unless the runes before line it up already.
func (t *normText) mark(k int, o int32) {
	if int32(k)+t.delta != o {
		t.breaks = append(t.breaks, offsetBreak{int32(k), o})
		t.delta = o - int32(k)
	}
}

// push appends one normalised byte, a whole rune, that came from the original rune at byte
// offset bi.
func (t *normText) push(c byte, bi int32) {
	t.mark(len(t.b), bi)
	t.b = append(t.b, c)
}

// origAt returns the byte offset of the original rune that normalised byte i came from.
func (t *normText) origAt(i int) int32 {
	for i > 0 && !utf8.RuneStart(t.b[i]) {
		i--
	}
	k := sort.Search(len(t.breaks), func(k int) bool { return t.breaks[k].n > int32(i) })
	if k == 0 {
		return int32(i)
	}
	br := t.breaks[k-1]
	return br.o + int32(i) - br.n
}

// ASCII classes.
const (
	cSep   = iota // dropped (one space kept between two Latin words)
	cBreak        // clause end
	cKeep         // letter or digit, kept (lower case)
	cDot          // '.': clause end before a space or the end, otherwise a separator
)

var asciiClass = func() (t [128]uint8) {
	for c := 0; c < 128; c++ {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
			t[c] = cKeep
		case c == '\n' || c == '!' || c == '?' || c == ';' || c == ',':
			t[c] = cBreak
		case c == '.':
			t[c] = cDot
		default:
			t[c] = cSep
		}
	}
	return t
}()

//go:embed t2s.txt
var t2sPairs string

const hanLo, hanHi = 0x4E00, 0xA000

// keptLo is the first rune encoded with lead byte 0xE4, as are the first ideographs.
const keptLo = 0x4000

// hanTable tells what each CJK unified ideograph is matched as: its simplified form, or an
// ASCII digit for Chinese numerals. Derived from OpenCC's t2s table (Apache-2.0, see t2s.txt's
// note in the package documentation).
type hanTable struct {
	fold []rune // by r-hanLo
	// kept has bit r-keptLo set when r is an ideograph matched as written. Its word is
	// (lead byte-0xE4)<<6 | the second byte's low 6 bits, its bit the third byte's: read
	// straight from the UTF-8 bytes. 3 KB, so it stays in the cache.
	kept [(hanHi - keptLo) / 64]uint64
}

var hanFold = sync.OnceValue(func() *hanTable {
	t := &hanTable{fold: make([]rune, hanHi-hanLo)}
	for i := range t.fold {
		t.fold[i] = rune(hanLo + i)
	}
	rs := []rune(t2sPairs)
	for i := 0; i+1 < len(rs); i += 2 {
		if rs[i] >= hanLo && rs[i] < hanHi {
			t.fold[rs[i]-hanLo] = rs[i+1]
		}
	}
	for d, s := range []string{"零〇", "一壹幺", "二贰貳两兩", "三叁參", "四肆", "五伍", "六陆陸", "七柒", "八捌", "九玖"} {
		for _, r := range s {
			if r >= hanLo && r < hanHi {
				t.fold[r-hanLo] = rune('0' + d)
			}
		}
	}
	for i, f := range t.fold {
		if r := hanLo + i; f == rune(r) {
			t.kept[(r-keptLo)/64] |= 1 << ((r - keptLo) % 64)
		}
	}
	return t
})

// normalizer carries the state of one normalisation.
type normalizer struct {
	out     *normText
	han     *hanTable
	pendSep bool  // separators seen since the last kept rune
	pendBrk bool  // a clause end seen since the last kept rune
	pendAt  int32 // byte offset of the first pending separator
	bi      int32 // byte offset of the original rune being read
	tmp     []byte
}

// normalize appends the normalised form of s to out.
func normalize(s string, out *normText) {
	n := normalizer{out: out, han: hanFold()}
	if cap(out.b) < len(s)+8 {
		out.b = make([]byte, 0, len(s)+8)
	}
	for i := 0; i < len(s); {
		n.bi = int32(i)
		c := s[i]
		if c < utf8.RuneSelf {
			switch asciiClass[c] {
			case cKeep:
				if c > '9' {
					i = n.letters(s, i)
					continue
				}
				n.emitByte(c)
			case cBreak:
				n.sep(true)
			case cDot:
				n.sep(i+1 >= len(s) || s[i+1] == ' ' || s[i+1] == '\n' || s[i+1] == '\r' || s[i+1] == '\t')
			default:
				n.sep(false)
			}
			i++
			continue
		}
		if j := n.ideographs(s, i); j > i {
			i = j
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		out.invalid = out.invalid || r == utf8.RuneError && size == 1
		n.rune(r)
		i += size
	}
}

func isASCIILetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

// letters writes the run of ASCII letters at s[i:], words parted by single spaces, in lower
// case, and returns where it ends. Only its first letter can follow pending separators or a
// digit; what comes after is written as it stands (a space between two letters is kept),
// lined up with the original.
func (n *normalizer) letters(s string, i int) int {
	out := n.out
	if k := len(out.b); n.pendSep || n.pendBrk || k > 0 && out.b[k-1] <= '9' && out.b[k-1] >= '0' {
		n.emitByte(s[i] | 0x20)
		i++
	}
	k := len(out.b)
	out.mark(k, int32(i))
	out.b = slices.Grow(out.b, len(s)-i)
	dst := out.b[k : k+len(s)-i]
	j := i
	for j < len(s) {
		if c := s[j] | 0x20; c >= 'a' && c <= 'z' { // lower case
			dst[j-i] = c
			j++
		} else if s[j] == ' ' && j+1 < len(s) && isASCIILetter(s[j+1]) {
			dst[j-i], dst[j+1-i] = ' ', s[j+1]|0x20
			j += 2
		} else {
			break
		}
	}
	out.b = out.b[:k+j-i]
	return j
}

// ideographs writes the run of CJK unified ideographs (U+4E00–U+9FFF, the bulk of Chinese
// text) at s[i:] that are matched as written, and returns where it ends: i when there is
// none.
func (n *normalizer) ideographs(s string, i int) int {
	j := i
	for j+2 < len(s) {
		c := s[j : j+3]
		if !isHan3(c) || n.han.kept[(uint(c[0])-0xE4)<<6|uint(c[1]&0x3F)]&(1<<(c[2]&0x3F)) == 0 {
			break
		}
		j += 3
	}
	if j > i {
		if n.pendSep || n.pendBrk {
			n.flush(s[i])
		}
		n.out.mark(len(n.out.b), int32(i))
		n.out.b = append(n.out.b, s[i:j]...)
	}
	return j
}

// isHan3 reports whether the three bytes c encode a rune from U+4000 to U+9FFF (lead byte
// E4–E9, then two continuation bytes: always valid UTF-8), as the CJK unified ideographs are.
func isHan3(c string) bool {
	return c[0]-0xE4 <= 5 && c[1]&0xC0 == 0x80 && c[2]&0xC0 == 0x80
}

// runeStarts returns the number of bytes of s that start a rune: its rune count when s is
// valid UTF-8. It reads eight bytes at a time.
func runeStarts(s string) int {
	n := len(s)
	for ; len(s) >= 8; s = s[8:] {
		x := uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
			uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
		n -= bits.OnesCount64(x &^ (x << 1) & 0x8080808080808080) // continuation bytes, 10xxxxxx
	}
	for i := 0; i < len(s); i++ {
		if s[i]&0xC0 == 0x80 {
			n--
		}
	}
	return n
}

// leet maps the digits written for look-alike letters ("w0n", "FL1PKART").
var leet = [10]byte{'o', 'i', 0, 'e', 'a', 's', 0, 't', 0, 0}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' }

// rune handles one non-ASCII rune of the original text.
func (n *normalizer) rune(r rune) {
	switch {
	case r >= hanLo && r < hanHi:
		n.emitRune(n.han.fold[r-hanLo])
		return
	case r >= 0xFF01 && r <= 0xFF5E: // full-width ASCII
		n.ascii(byte(r - 0xFEE0))
		return
	case r == 0x3002 || r == 0xFF61 || r == 0x2026: // 。｡…
		n.sep(true)
		return
	case r == utf8.RuneError:
		n.sep(false)
		return
	case unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf):
		return // combining marks and invisible format characters: dropped without a trace
	case !unicode.In(r, unicode.L, unicode.N):
		n.sep(false)
		return
	}
	var buf [utf8.UTFMax]byte
	k := utf8.EncodeRune(buf[:], r)
	n.tmp = norm.NFKC.Append(n.tmp[:0], buf[:k]...)
	for _, m := range string(n.tmp) {
		switch {
		case m < utf8.RuneSelf:
			n.ascii(byte(m))
		case m >= hanLo && m < hanHi:
			n.emitRune(n.han.fold[m-hanLo])
		case unicode.In(m, unicode.L, unicode.N):
			n.emitRune(unicode.ToLower(m))
		}
	}
}

// ascii handles an ASCII rune that came from the non-ASCII rune being read.
func (n *normalizer) ascii(c byte) {
	switch asciiClass[c] {
	case cKeep:
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		n.emitByte(c)
	case cBreak, cDot:
		n.sep(true)
	default:
		n.sep(false)
	}
}

func (n *normalizer) sep(brk bool) {
	if !n.pendSep && !n.pendBrk {
		n.pendAt = n.bi
	}
	if brk {
		n.pendBrk = true
	} else {
		n.pendSep = true
	}
}

func isWordByte(c byte) bool { return c < utf8.RuneSelf && asciiClass[c] == cKeep }

// flush writes what the pending separators leave before a kept rune whose first byte is c.
func (n *normalizer) flush(c byte) {
	out := n.out
	if len(out.b) > 0 {
		last := out.b[len(out.b)-1]
		switch {
		case n.pendBrk && last != '\n':
			out.push('\n', n.pendAt)
		case n.pendSep && !n.pendBrk && isWordByte(last) && isWordByte(c):
			out.push(' ', n.pendAt)
		}
	}
	n.pendSep, n.pendBrk = false, false
}

// emitByte writes a kept ASCII letter or digit. A digit between two letters stands for the
// letter it looks like ("w0n"): it is replaced once the letter after it is seen.
func (n *normalizer) emitByte(c byte) {
	if n.pendSep || n.pendBrk {
		n.flush(c)
	}
	b := n.out.b
	switch {
	case c <= '9':
		n.out.digits++
	case len(b) >= 2 && b[len(b)-1] <= '9' && b[len(b)-1] >= '0' && leet[b[len(b)-1]-'0'] != 0 && isLetter(b[len(b)-2]):
		b[len(b)-1] = leet[b[len(b)-1]-'0']
		n.out.digits--
	}
	n.out.push(c, n.bi)
}

func (n *normalizer) emitRune(r rune) {
	if r < utf8.RuneSelf {
		n.emitByte(byte(r))
		return
	}
	var buf [utf8.UTFMax]byte
	k := utf8.EncodeRune(buf[:], r)
	if n.pendSep || n.pendBrk {
		n.flush(buf[0])
	}
	n.out.mark(len(n.out.b), n.bi)
	n.out.b = append(n.out.b, buf[:k]...)
}

// normalizeString returns the normalised form of s, as patterns are compiled.
func normalizeString(s string) string {
	var n normText
	normalize(s, &n)
	return string(n.b)
}

// Normalize returns s as the detector reads it (see normText): folded forms, lower case,
// simplified characters, separators dropped, clause ends as '\n'. The learned layer
// (detect/model) reads the same text (see AppendNormalized).
func Normalize(s string) string { return normalizeString(s) }

// normTexts holds the normTexts AppendNormalized works in.
var normTexts = sync.Pool{New: func() any { return new(normText) }}

// AppendNormalized appends Normalize(s) to dst and returns the extended buffer. It works in
// pooled memory: with room in dst, it allocates nothing.
func AppendNormalized(dst []byte, s string) []byte {
	t := normTexts.Get().(*normText)
	t.reset()
	normalize(s, t)
	dst = append(dst, t.b...)
	if cap(t.b) <= maxPooledNorm {
		normTexts.Put(t)
	}
	return dst
}

// maxPooledNorm is the largest normalised text whose memory AppendNormalized keeps for reuse.
const maxPooledNorm = 1 << 20
