package http

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"slices"
	"sync"
	"unicode/utf8"

	"github.com/shopguard/shopguard"
)

// smallBody is the most of a body decodeStrings reads itself; a longer one goes to
// decodeJSON.
const smallBody = 4 << 10

var smallBodies = sync.Pool{New: func() any { return new([smallBody]byte) }}

// decodeStrings is decodeJSON for a request whose fields are all strings, named by keys (their
// JSON names, in v's field order) and set through vals. A body of at most smallBody bytes
// that is one flat object of those fields (a name in any case, the last of a repeated one
// winning, as encoding/json matches them), each a string in valid UTF-8 without escapes, is
// read by one scan, without reflection; any other body goes through decodeJSON, on the same
// bytes, whose answer and errors it is.
func decodeStrings(r *http.Request, v any, keys []string, vals []*string) error {
	if err := checkJSONType(r); err != nil {
		return err
	}
	buf := smallBodies.Get().(*[smallBody]byte)
	defer smallBodies.Put(buf)
	n, err := io.ReadFull(r.Body, buf[:])
	var rest io.Reader
	switch {
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		if scanStrings(buf[:n], keys, vals) {
			// CheckAllText(v) without reflection: keys are v's JSON names in its order.
			for i, k := range keys {
				if err := shopguard.CheckText(k, *vals[i]); err != nil {
					return err
				}
			}
			return nil
		}
		rest = bytes.NewReader(nil)
	case err != nil:
		rest = errReader{err}
	default: // more than smallBody bytes
		rest = r.Body
	}
	r.Body = io.NopCloser(io.MultiReader(bytes.NewReader(buf[:n]), rest))
	return decodeJSON(r, v)
}

// errReader fails every read with err.
type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// maxStrings is the most fields scanStrings reads.
const maxStrings = 8

// scanStrings reads b, when it is {"key":"value",…} as decodeStrings says (JSON space
// allowed), into *vals[i] for keys[i], and reports whether it could; it sets nothing when it
// could not.
func scanStrings(b []byte, keys []string, vals []*string) bool {
	if len(keys) > maxStrings {
		return false
	}
	var found [maxStrings]string
	var has [maxStrings]bool
	i := skipJSONSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return false
	}
	i = skipJSONSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		i++
	} else {
		for {
			key, next, ok := plainString(b, i)
			if !ok {
				return false
			}
			k := slices.IndexFunc(keys, func(name string) bool { return asciiEqualFold(key, name) })
			if k < 0 {
				return false // unknown, or not plain ASCII: decodeJSON says which
			}
			i = skipJSONSpace(b, next)
			if i >= len(b) || b[i] != ':' {
				return false
			}
			val, next, ok := plainString(b, skipJSONSpace(b, i+1))
			if !ok || !utf8.Valid(val) {
				return false
			}
			found[k], has[k] = string(val), true
			i = skipJSONSpace(b, next)
			if i < len(b) && b[i] == ',' {
				i = skipJSONSpace(b, i+1)
				continue
			}
			if i < len(b) && b[i] == '}' {
				i++
				break
			}
			return false
		}
	}
	if skipJSONSpace(b, i) != len(b) {
		return false
	}
	for k := range keys {
		if has[k] {
			*vals[k] = found[k]
		}
	}
	return true
}

// plainString returns the bytes of the JSON string at b[i] and where it ends, when it has
// no escape and no control character.
func plainString(b []byte, i int) ([]byte, int, bool) {
	if i >= len(b) || b[i] != '"' {
		return nil, 0, false
	}
	for j := i + 1; j < len(b); j++ {
		switch c := b[j]; {
		case c == '"':
			return b[i+1 : j], j + 1, true
		case c == '\\' || c < 0x20:
			return nil, 0, false
		}
	}
	return nil, 0, false
}

// asciiEqualFold reports whether the key b, plain ASCII, is name in any case.
func asciiEqualFold(b []byte, name string) bool {
	if len(b) != len(name) {
		return false
	}
	for i := range b {
		c, d := b[i], name[i]
		if c >= utf8.RuneSelf {
			return false
		}
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if d >= 'A' && d <= 'Z' {
			d += 'a' - 'A'
		}
		if c != d {
			return false
		}
	}
	return true
}

func skipJSONSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}
