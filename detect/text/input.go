package text

import (
	"bytes"
	"encoding/json"
	"unicode/utf8"
	"unsafe"
)

// ParseValidInput is ParseInput for data already known to be valid JSON, as batch.Run hands
// a line to its Func. The common shape, an object whose keys are plain ASCII and whose "id",
// "text" and "messages" (each at most once) hold a string, a string and an array of objects
// with string members, is read in one pass without reflection, and its strings without
// escapes are read in place: they share data's memory, so data must not change while the
// Input is in use (batch.Run reuses a line's bytes only once its Func has returned).
// Anything else goes through ParseInput, whose answer (and error) it is. On data that is
// not valid JSON its answer is undefined.
func ParseValidInput(data []byte) (Input, error) {
	s := inputScanner{b: data}
	in, ok := s.input()
	if !ok {
		return ParseInput(data)
	}
	return in, in.Validate()
}

// inputScanner reads an Input from valid JSON; each method reports false on a shape it
// leaves to encoding/json.
type inputScanner struct {
	b []byte
	i int
}

func (s *inputScanner) space() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// peek skips white space and returns the next byte (0 at the end).
func (s *inputScanner) peek() byte {
	s.space()
	if s.i >= len(s.b) {
		return 0
	}
	return s.b[s.i]
}

// literal returns the string literal at s.i, quotes included, and moves past it: to the
// first quote after an even run of backslashes.
func (s *inputScanner) literal() []byte {
	start := s.i
	for s.i++; ; s.i++ {
		q := bytes.IndexByte(s.b[s.i:], '"')
		if q < 0 {
			s.i = len(s.b)
			return s.b[start:]
		}
		s.i += q
		n := 0
		for k := s.i - 1; k > start && s.b[k] == '\\'; k-- {
			n++
		}
		if n%2 == 0 {
			s.i++
			return s.b[start:s.i]
		}
	}
}

// str reads a string value as encoding/json decodes it: escapes resolved and invalid UTF-8
// replaced (both by encoding/json itself, on the literal alone). A string without either is
// s.b's own bytes, not a copy.
func (s *inputScanner) str() (string, bool) {
	if s.peek() != '"' {
		return "", false
	}
	raw := s.literal()
	if len(raw) >= 2 && bytes.IndexByte(raw, '\\') < 0 && utf8.Valid(raw) {
		if len(raw) == 2 {
			return "", true
		}
		return unsafe.String(&raw[1], len(raw)-2), true
	}
	if v, ok := unescape(raw); ok {
		return v, true
	}
	var v string
	return v, json.Unmarshal(raw, &v) == nil
}

// unescape decodes the string literal raw (quotes included) of valid JSON when it is valid
// UTF-8 and its escapes are all of one character (\" \\ \/ \b \f \n \r \t): what
// encoding/json decodes then, without its decoder. ok is false otherwise (a \u escape,
// invalid UTF-8), for encoding/json.
func unescape(raw []byte) (string, bool) {
	if len(raw) < 2 || !utf8.Valid(raw) {
		return "", false
	}
	body := raw[1 : len(raw)-1]
	out := make([]byte, 0, len(body))
	for {
		k := bytes.IndexByte(body, '\\')
		if k < 0 || k+1 >= len(body) {
			out = append(out, body...)
			return unsafe.String(unsafe.SliceData(out), len(out)), k < 0
		}
		out = append(out, body[:k]...)
		switch c := body[k+1]; c {
		case '"', '\\', '/':
			out = append(out, c)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		default:
			return "", false
		}
		body = body[k+2:]
	}
}

// key reads an object's key and the colon after it: plain ASCII without escapes only, so
// that it matches a field as encoding/json would only when it is the field's name exactly
// (a key that matches one of names, lower-case ASCII, in another case is left to
// encoding/json). It returns the name the key is, or "" for a key that is none of names,
// without making a string of it.
func (s *inputScanner) key(names ...string) (key string, ok bool) {
	if s.peek() != '"' {
		return "", false
	}
	raw := s.literal()
	if len(raw) < 2 {
		return "", false
	}
	raw = raw[1 : len(raw)-1]
	for _, c := range raw {
		if c == '\\' || c >= utf8.RuneSelf {
			return "", false
		}
	}
	for _, n := range names {
		if string(raw) == n {
			key = n
		} else if asciiFold(raw, n) {
			return "", false
		}
	}
	if s.peek() != ':' {
		return "", false
	}
	s.i++
	return key, true
}

// asciiFold reports whether the ASCII bytes b are the lower-case ASCII name n in some case.
func asciiFold(b []byte, n string) bool {
	if len(b) != len(n) {
		return false
	}
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != n[i] {
			return false
		}
	}
	return true
}

// skip moves past a value of any kind.
func (s *inputScanner) skip() {
	depth := 0
	s.space()
	for s.i < len(s.b) {
		c := s.b[s.i]
		switch {
		case c == '"':
			s.literal()
		case c == '{' || c == '[':
			depth++
			s.i++
		case c == '}' || c == ']':
			if depth == 0 {
				return // the end of the enclosing object or array
			}
			depth--
			s.i++
		case depth == 0 && (c == ',' || c == ' ' || c == '\t' || c == '\n' || c == '\r'):
			return // the end of a number, true, false or null
		default:
			s.i++
		}
		if depth == 0 && (c == '"' || c == '}' || c == ']') {
			return // a string, object or array ended
		}
	}
}

// object reads the members of an object, calling member with each key after its colon;
// member reads the value.
func (s *inputScanner) object(names []string, member func(key string) bool) bool {
	if s.peek() != '{' {
		return false
	}
	s.i++
	if s.peek() == '}' {
		s.i++
		return true
	}
	for {
		k, ok := s.key(names...)
		if !ok || !member(k) {
			return false
		}
		switch s.peek() {
		case ',':
			s.i++
		case '}':
			s.i++
			return true
		default:
			return false
		}
	}
}

func (s *inputScanner) input() (Input, bool) {
	var in Input
	var seen [3]bool
	ok := s.object([]string{"id", "text", "messages"}, func(k string) bool {
		var ok bool
		switch k {
		case "id":
			in.ID, ok = s.str()
			return ok && once(&seen[0])
		case "text":
			in.Text, ok = s.str()
			return ok && once(&seen[1])
		case "messages":
			in.Messages, ok = s.messages()
			return ok && once(&seen[2])
		}
		s.skip()
		return true
	})
	return in, ok && s.peek() == 0
}

// once reports whether *seen was false, and sets it: a key given twice is left to
// encoding/json.
func once(seen *bool) bool {
	first := !*seen
	*seen = true
	return first
}

func (s *inputScanner) messages() ([]Message, bool) {
	if s.peek() != '[' {
		return nil, false
	}
	s.i++
	msgs := []Message{}
	if s.peek() == ']' {
		s.i++
		return msgs, true
	}
	for {
		var m Message
		ok := s.object([]string{"from", "text", "time"}, func(k string) bool {
			var ok bool
			switch k {
			case "from":
				m.From, ok = s.str()
			case "text":
				m.Text, ok = s.str()
			case "time":
				m.Time, ok = s.str()
			default:
				s.skip()
				ok = true
			}
			return ok
		})
		if !ok {
			return nil, false
		}
		msgs = append(msgs, m)
		switch s.peek() {
		case ',':
			s.i++
		case ']':
			s.i++
			return msgs, true
		default:
			return nil, false
		}
	}
}
