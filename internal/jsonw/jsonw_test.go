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

// TestStringThreeByteEdges holds the characters at the edges of the three-byte ranges that
// String checks in place, and the malformed ones beside them, to encoding/json.
func TestStringThreeByteEdges(t *testing.T) {
	for _, s := range []string{"\u1000\ucfff\ud7ff\ue000\uffff\u0800\u2027\u2028\u2029\u202a",
		"\xe1\x80", "\xe1\x80x", "\xe1\xc0\x80", "\xed\xa0\x80", "\xe0\x80\x80", "\xef\xbf\xbd", "a\xe2\x80\xa8b", "\xe2\x80\xa9"} {
		want, _ := json.Marshal(s)
		if got := String(nil, s); string(got) != string(want) {
			t.Errorf("String(%q) = %s, want %s", s, got, want)
		}
	}
}

// BenchmarkString writes an advice text in Chinese and one in English, as the answers of
// the checks hold them.
func BenchmarkString(b *testing.B) {
	texts := []string{"没有发现明显的诈骗迹象，但付款前仍请通过官方渠道核实。“淘宝”不会让你点这个链接。",
		"No clear sign of a scam, but check through the official channel before you pay."}
	var buf []byte
	b.ReportAllocs()
	for b.Loop() {
		for _, s := range texts {
			buf = String(buf[:0], s)
		}
	}
}

// TestStringWordAtATime puts every byte at every place of a run of plain ASCII, which String
// reads eight bytes at a time, and holds the answer to encoding/json.
func TestStringWordAtATime(t *testing.T) {
	base := []byte("abcdefghijklmnopqrstuvwxy")
	for c := 0; c < 256; c++ {
		for i := range base {
			s := append([]byte(nil), base...)
			s[i] = byte(c)
			want, _ := json.Marshal(string(s))
			if got := String(nil, string(s)); string(got) != string(want) {
				t.Fatalf("String(%q) = %s, want %s", s, got, want)
			}
		}
	}
}
