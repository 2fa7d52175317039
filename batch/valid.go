package batch

import (
	"bytes"
	"encoding/binary"
)

// maxDepth is how deeply encoding/json lets arrays and objects nest.
const maxDepth = 10000

// validField reports whether b is one JSON value, exactly as encoding/json.Valid does
// (strings are not checked for UTF-8; arrays and objects nest at most maxDepth deep), in one
// pass without encoding/json's state machine, which took a tenth of `check url --jsonl`.
// In the same pass it finds the value of key name at the top level, as scanField does: val
// is the last value whose key is name in any case (nil when none), and found is false when
// b is no object or one of its top-level keys is not plain ASCII without escapes, for the
// caller to ask encoding/json instead.
func validField(b []byte, name string) (ok bool, val []byte, found bool) {
	var buf [32]byte
	stack := buf[:0] // the open containers: '{' or '['
	i := skipSpace(b, 0)
	found = i < len(b) && b[i] == '{'
	// want is 1 when the value due is name's, 2 once it has started at from.
	want, from := 0, 0
	// key reads a key and its colon from b[i]; at the top level, it notes whether the value
	// that follows is name's.
	key := func(i int) int {
		i, k := skipKey(b, i)
		if i < 0 || len(stack) > 1 {
			return i
		}
		if !plainKey(k) {
			found = false
		} else if len(k) == len(name) && bytes.EqualFold(k, []byte(name)) {
			want = 1
		}
		return i
	}
	for {
		// A value is due at b[i].
		i = skipSpace(b, i)
		if i >= len(b) {
			return false, nil, false
		}
		if want == 1 {
			want, from = 2, i
		}
		switch c := b[i]; c {
		case '{', '[':
			if len(stack) >= maxDepth {
				return false, nil, false
			}
			end := byte('}')
			if c == '[' {
				end = ']'
			}
			i = skipSpace(b, i+1)
			if i < len(b) && b[i] == end {
				i++ // empty: the value ends here
				break
			}
			stack = append(stack, c)
			if c == '{' {
				if i = key(i); i < 0 {
					return false, nil, false
				}
			}
			continue
		case '"':
			i = skipString(b, i)
		case 't':
			i = skipLiteral(b, i, "true")
		case 'f':
			i = skipLiteral(b, i, "false")
		case 'n':
			i = skipLiteral(b, i, "null")
		default:
			i = skipNumber(b, i)
		}
		if i < 0 {
			return false, nil, false
		}
		// A value ended at b[i]: close containers until one goes on with a comma.
		for {
			if want == 2 && len(stack) == 1 {
				want, val = 0, b[from:i]
			}
			i = skipSpace(b, i)
			if len(stack) == 0 {
				if i != len(b) {
					return false, nil, false
				}
				return true, val, found
			}
			if i >= len(b) {
				return false, nil, false
			}
			top := stack[len(stack)-1]
			if b[i] == ',' {
				i++
				if top == '{' {
					if i = key(i); i < 0 {
						return false, nil, false
					}
				}
				break
			}
			if top == '{' && b[i] != '}' || top == '[' && b[i] != ']' {
				return false, nil, false
			}
			stack = stack[:len(stack)-1]
			i++
		}
	}
}

// skipKey skips an object's key and its colon from b[i] (space first), or returns -1; key is
// what lies between the key's quotes.
func skipKey(b []byte, i int) (next int, key []byte) {
	i = skipSpace(b, i)
	start := i
	if i = skipString(b, i); i < 0 {
		return -1, nil
	}
	key = b[start+1 : i-1]
	i = skipSpace(b, i)
	if i >= len(b) || b[i] != ':' {
		return -1, nil
	}
	return i + 1, key
}

// plainKey reports whether k is plain ASCII without escapes.
func plainKey(k []byte) bool {
	for _, c := range k {
		if c == '\\' || c >= 0x80 {
			return false
		}
	}
	return true
}

// skipString returns where the JSON string at b[i] ends, or -1 when there is none.
func skipString(b []byte, i int) int {
	if i >= len(b) || b[i] != '"' {
		return -1
	}
	for i++; i < len(b); i++ {
		// Eight bytes at a time while none of them is a quote, a backslash or a control.
		for i+8 <= len(b) && !special(binary.LittleEndian.Uint64(b[i:])) {
			i += 8
		}
		if i >= len(b) {
			break
		}
		switch c := b[i]; {
		case c == '"':
			return i + 1
		case c < 0x20:
			return -1
		case c == '\\':
			i++
			if i >= len(b) {
				return -1
			}
			switch b[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if i+4 >= len(b) || !isHex(b[i+1]) || !isHex(b[i+2]) || !isHex(b[i+3]) || !isHex(b[i+4]) {
					return -1
				}
				i += 4
			default:
				return -1
			}
		}
	}
	return -1
}

// special reports whether one of the eight bytes of x is a quote, a backslash or below 0x20:
// some byte is below n when subtracting n from each byte sets a top bit that was clear (a
// borrow may set others, but only above a byte that is below n), and equal to c when its xor
// with c is below 1.
func special(x uint64) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	zero := func(v uint64) uint64 { return (v - ones) &^ v & highs }
	return (x-0x20*ones)&^x&highs|zero(x^'"'*ones)|zero(x^'\\'*ones) != 0
}

func isHex(c byte) bool { return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// skipLiteral returns where lit at b[i] ends, or -1.
func skipLiteral(b []byte, i int, lit string) int {
	if len(b)-i < len(lit) || string(b[i:i+len(lit)]) != lit {
		return -1
	}
	return i + len(lit)
}

// skipNumber returns where the JSON number at b[i] ends, or -1: -?(0|[1-9][0-9]*)(.[0-9]+)?
// ([eE][+-]?[0-9]+)?
func skipNumber(b []byte, i int) int {
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i >= len(b) || !isDigit(b[i]):
		return -1
	case b[i] == '0':
		i++
	default:
		for i < len(b) && isDigit(b[i]) {
			i++
		}
	}
	if i < len(b) && b[i] == '.' {
		i++
		if i >= len(b) || !isDigit(b[i]) {
			return -1
		}
		for i < len(b) && isDigit(b[i]) {
			i++
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if i >= len(b) || !isDigit(b[i]) {
			return -1
		}
		for i < len(b) && isDigit(b[i]) {
			i++
		}
	}
	return i
}
