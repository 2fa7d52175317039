package batch

import (
	"encoding/binary"
	"encoding/json"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

var validSeeds = []string{``, ` `, `{}`, `[]`, `{"id":"a","url":"x.com"}`, ` {"a" : [1, -2.5e+3, true, false, null, "\u00e9\n"] } `,
	`{"a":}`, `{"a" 1}`, `{,}`, `[1,]`, `[,1]`, `{"a":1,}`, `01`, `-`, `1.`, `1e`, `1e+`, `-0.0E-0`, `"\x01"`, `"\ud83d"`,
	`"\u12g4"`, `"\q"`, `"unterminated`, `tru`, `nulll`, `{"a":1}{}`, `[[[]]]`, `[[[]]`, `"\xff"`, "{\"a\":\"\t\"}", `{"a":[}`,
	`[1 2]`, `{"a":1 "b":2}`, `{1:2}`, `[{"a":[{}]},{}]`}

// valid is validField's answer to whether b is valid JSON.
func valid(b []byte) bool {
	ok, _, _ := validField(b, "id")
	return ok
}

func TestValidIsEncodingJSON(t *testing.T) {
	seeds := append(validSeeds, strings.Repeat("[", maxDepth)+strings.Repeat("]", maxDepth),
		strings.Repeat("[", maxDepth+1)+strings.Repeat("]", maxDepth+1),
		strings.Repeat(`{"a":`, maxDepth)+"1"+strings.Repeat("}", maxDepth),
		strings.Repeat(`{"a":`, maxDepth)+"{}"+strings.Repeat("}", maxDepth))
	for _, s := range seeds {
		if got, want := valid([]byte(s)), json.Valid([]byte(s)); got != want {
			t.Errorf("valid(%.40q) = %v, json.Valid %v", s, got, want)
		}
	}
}

func FuzzValid(f *testing.F) {
	for _, s := range validSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := valid([]byte(s)), json.Valid([]byte(s)); got != want {
			t.Fatalf("valid(%q) = %v, json.Valid %v", s, got, want)
		}
		sameField(t, []byte(s))
	})
}

// sameField checks that validField finds on valid JSON the field that scanField finds, and
// leaves to encoding/json the same documents.
func sameField(t *testing.T, b []byte) {
	t.Helper()
	ok, val, found := validField(b, "id")
	if !ok {
		return
	}
	want, wantFound := scanField(b, "id")
	if found != wantFound || found && string(val) != string(want) || found && (val == nil) != (want == nil) {
		t.Fatalf("validField(%q) = %q, %v; scanField %q, %v", b, val, found, want, wantFound)
	}
}

// TestValidField holds validField's top-level field to scanField's.
func TestValidField(t *testing.T) {
	for _, s := range append(validSeeds, `{"id":1}`, `{"ID":"a","x":{"id":2},"y":[{"id":3}]}`, ` { "Id" : {"a":[1,{}]} , "id" :[ ] } `,
		`{"x":{"id":"deep"}}`, `{"id":{}}`, `{"id":[],"b":1}`, `{"\u0069d":1}`, `{"é":1,"id":2}`, `{"id":"a","id":"b"}`, `[{"id":1}]`, `"id"`, `7`,
		`{"id":null}`, `{"idx":1,"i":2}`, `{"id":"\"q\""}`) {
		sameField(t, []byte(s))
	}
	if ok, val, found := validField([]byte(`{"ID":"a","x":{"id":2},"id":{"b":[1]} }`), "id"); !ok || !found || string(val) != `{"b":[1]}` {
		t.Errorf("validField = %v %q %v", ok, val, found)
	}
}

// BenchmarkValid checks a line of the development URL file's shape.
func BenchmarkValid(b *testing.B) {
	line := []byte(`{"id": "jarelllama-2", "url": "00100.zzzly0925.workers.dev", "label": "scam", "target": "", "source": "jarelllama Scam-Blocklist light"}`)
	for _, c := range []struct {
		name string
		f    func([]byte) bool
	}{{"batch", valid}, {"encoding_json", json.Valid}} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(line)))
			for b.Loop() {
				c.f(line)
			}
		})
	}
}

// TestSpecial checks the eight-byte test of skipString against a byte-by-byte one: every byte
// value in every place among plain bytes, and words of random bytes.
func TestSpecial(t *testing.T) {
	isSpecial := func(c byte) bool { return c < 0x20 || c == '"' || c == '\\' }
	check := func(w [8]byte) {
		want := slices.ContainsFunc(w[:], isSpecial)
		if got := special(binary.LittleEndian.Uint64(w[:])); got != want {
			t.Fatalf("special(%q) = %v, want %v", w, got, want)
		}
	}
	for c := range 256 {
		for at := range 8 {
			w := [8]byte{'a', 0xff, ' ', '!', 0x80, '#', '[', 0x21}
			w[at] = byte(c)
			check(w)
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 100000 {
		var w [8]byte
		for i := range w {
			w[i] = byte(r.IntN(256))
			if r.IntN(2) == 0 {
				w[i] = byte(0x20 + r.IntN(0xe0)) // mostly plain
			}
		}
		check(w)
	}
}
