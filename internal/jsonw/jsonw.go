// Package jsonw appends JSON values to a byte slice without reflection, byte for byte as
// encoding/json writes them (HTML characters escaped), for the hot paths that write many
// results.
package jsonw

import (
	"maps"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"
)

const hex = "0123456789abcdef"

// plain[b] is true for an ASCII byte a JSON string holds as it is: printable but ", \, <, >
// and &.
var plain = func() (t [utf8.RuneSelf]bool) {
	for b := 0x20; b < utf8.RuneSelf; b++ {
		t[b] = b != '"' && b != '\\' && b != '<' && b != '>' && b != '&'
	}
	return t
}()

// String appends s as a JSON string, as encoding/json.Marshal writes it: <, > and & escaped,
// U+2028 and U+2029 escaped, invalid UTF-8 as U+FFFD. One pass: ASCII through a table, the
// three-byte characters of Chinese text checked in place, the rest decoded.
func String(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		b := s[i]
		if b < utf8.RuneSelf {
			if plain[b] {
				i++
				for i+8 <= len(s) && plainWord(s[i:i+8]) {
					i += 8 // eight plain ASCII bytes at once: English text
				}
				continue
			}
			dst = appendEscape(append(dst, s[start:i]...), b)
			i++
			start = i
			continue
		}
		if b >= 0xE1 && b <= 0xEF && b != 0xED && i+2 < len(s) && s[i+1]&0xC0 == 0x80 && s[i+2]&0xC0 == 0x80 {
			// A valid three-byte character whose lead byte takes any continuation
			// (U+1000–U+CFFF, U+E000–U+FFFF): as it is, but U+2028 and U+2029.
			if b == 0xE2 && s[i+1] == 0x80 && (s[i+2] == 0xA8 || s[i+2] == 0xA9) {
				dst = append(dst, s[start:i]...)
				dst = append(dst, '\\', 'u', '2', '0', '2', hex[s[i+2]&0xF])
				start = i + 3
			}
			i += 3
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			start = i + size
		case r == '\u2028' || r == '\u2029':
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hex[r&0xF])
			start = i + size
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// plainWord reports whether the eight bytes of w are all plain (see plain), by a word test:
// none at or above 0x80, none under 0x20, none of " \ < > &.
func plainWord(w string) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	x := uint64(w[0]) | uint64(w[1])<<8 | uint64(w[2])<<16 | uint64(w[3])<<24 |
		uint64(w[4])<<32 | uint64(w[5])<<40 | uint64(w[6])<<48 | uint64(w[7])<<56
	zero := func(v uint64) uint64 { return (v - ones) &^ v & highs }
	return (x&highs | (x-0x20*ones)&^x&highs | zero(x^'"'*ones) | zero(x^'\\'*ones) |
		zero(x^'<'*ones) | zero(x^'>'*ones) | zero(x^'&'*ones)) == 0
}

// appendEscape appends the escape of the ASCII byte b.
func appendEscape(dst []byte, b byte) []byte {
	switch b {
	case '"', '\\':
		return append(dst, '\\', b)
	case '\b':
		return append(dst, '\\', 'b')
	case '\f':
		return append(dst, '\\', 'f')
	case '\n':
		return append(dst, '\\', 'n')
	case '\r':
		return append(dst, '\\', 'r')
	case '\t':
		return append(dst, '\\', 't')
	}
	return append(dst, '\\', 'u', '0', '0', hex[b>>4], hex[b&0xF])
}

// Int appends n.
func Int(dst []byte, n int) []byte { return strconv.AppendInt(dst, int64(n), 10) }

// Key appends "name": after a comma unless it opens an object (dst ends with '{').
func Key(dst []byte, name string) []byte {
	if len(dst) > 0 && dst[len(dst)-1] != '{' {
		dst = append(dst, ',')
	}
	dst = append(dst, '"')
	dst = append(dst, name...)
	return append(dst, '"', ':')
}

// Strings appends ss as a JSON array of strings; a nil slice is null, as encoding/json
// writes it.
func Strings(dst []byte, ss []string) []byte {
	return array(dst, ss, String)
}

// array appends ss as a JSON array, each string written by str; a nil slice is null.
func array(dst []byte, ss []string, str func([]byte, string) []byte) []byte {
	if ss == nil {
		return append(dst, "null"...)
	}
	dst = append(dst, '[')
	for i, s := range ss {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = str(dst, s)
	}
	return append(dst, ']')
}

// Memo keeps the JSON of strings that are written again and again (the texts of a knowledge
// pack: the advice, the explanation of a signal), so that each is escaped once and then
// copied. It keeps at most memoStrings strings of at most memoBytes bytes each, the first
// seen; any other string is escaped every time, so a Memo given strings made from input
// (a signal's explanation that names a host) costs at most that much memory. Reads take no
// lock: the strings kept are in a map that is never changed once published, and strings
// are added by publishing a larger copy, a batch at a time (at least an eighth of those
// kept, or those that fill it), so that the copying stays linear in the strings kept; once
// full, a miss takes no lock either. The zero Memo is ready; it is safe for concurrent use.
type Memo struct {
	kept atomic.Pointer[map[string]string] // string → its JSON, published
	full atomic.Bool                       // no more strings are kept: misses take no lock
	mu   sync.Mutex
	next map[string]string // seen since kept was published, to publish with it
}

const (
	memoStrings = 1024
	memoBytes   = 4 << 10
)

// String appends s as String does, copied from the memo when s is in it.
func (m *Memo) String(dst []byte, s string) []byte {
	if kept := m.kept.Load(); kept != nil {
		if js, ok := (*kept)[s]; ok {
			return append(dst, js...)
		}
	}
	at := len(dst)
	dst = String(dst, s)
	if len(s) <= memoBytes && !m.full.Load() {
		m.add(s, dst[at:])
	}
	return dst
}

// Strings appends ss as Strings does, each string through the memo.
func (m *Memo) Strings(dst []byte, ss []string) []byte {
	return array(dst, ss, m.String)
}

// add keeps s, whose JSON is js, unless the memo is full; it publishes the strings waiting
// once they are more than an eighth of those kept, or fill the memo.
func (m *Memo) add(s string, js []byte) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var kept map[string]string
	if p := m.kept.Load(); p != nil {
		kept = *p
	}
	if _, ok := kept[s]; ok || m.full.Load() {
		return
	}
	if _, ok := m.next[s]; ok {
		return
	}
	if m.next == nil {
		m.next = map[string]string{}
	}
	m.next[strings.Clone(s)] = string(js)
	full := len(kept)+len(m.next) >= memoStrings
	if !full && len(m.next) <= len(kept)/8 {
		return
	}
	all := make(map[string]string, len(kept)+len(m.next))
	maps.Copy(all, kept)
	maps.Copy(all, m.next)
	m.kept.Store(&all)
	m.next = nil
	m.full.Store(full)
}
