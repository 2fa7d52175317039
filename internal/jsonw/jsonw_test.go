package jsonw

import (
	"encoding/json"
	"testing"
)

func FuzzString(f *testing.F) {
	for _, s := range []string{"", "plain", "<a href=\"x\">&amp;</a>", "\x00\x01\b\f\n\r\t\x1f", "中文\u2028\u2029", "bad \xff\xfe utf-8", "\\", "\u2027\u202a\u20ac", "end \xe2\x80"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, _ := json.Marshal(s)
		if got := String(nil, s); string(got) != string(want) {
			t.Fatalf("String(%q) = %s, want %s", s, got, want)
		}
		wantSS, _ := json.Marshal([]string{s, "x"})
		if got := Strings(nil, []string{s, "x"}); string(got) != string(wantSS) {
			t.Fatalf("Strings = %s, want %s", got, wantSS)
		}
	})
}

func TestStringsNil(t *testing.T) {
	if got := string(Strings(nil, nil)); got != "null" {
		t.Errorf("Strings(nil) = %s", got)
	}
	if got := string(Strings(nil, []string{})); got != "[]" {
		t.Errorf("Strings([]) = %s", got)
	}
}
