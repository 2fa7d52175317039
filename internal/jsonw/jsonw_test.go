package jsonw

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
)

// fuzzMemo is the memo FuzzString holds to encoding/json: it fills up as the fuzzer goes.
var fuzzMemo Memo

func FuzzString(f *testing.F) {
	for _, s := range []string{"", "plain", "<a href=\"x\">&amp;</a>", "\x00\x01\b\f\n\r\t\x1f", "中文\u2028\u2029", "bad \xff\xfe utf-8", "\\", "\u2027\u202a\u20ac", "end \xe2\x80"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, _ := json.Marshal(s)
		if got := String(nil, s); string(got) != string(want) {
			t.Fatalf("String(%q) = %s, want %s", s, got, want)
		}
		for range 2 { // seen first, then (unless the memo is full) from the memo
			if got := fuzzMemo.String(nil, s); string(got) != string(want) {
				t.Fatalf("Memo.String(%q) = %s, want %s", s, got, want)
			}
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

// TestMemo holds the memo's answers to String's, for strings seen once and again, past the
// number of strings it keeps and past the length it keeps, from several goroutines at once,
// and checks that it keeps (and copies) the strings it has seen.
func TestMemo(t *testing.T) {
	var m Memo
	texts := []string{"", "plain", "<a>&amp;</a>", "中文\u2028", "bad \xff", strings.Repeat("x", memoBytes+1)}
	for i := range 2 * memoStrings {
		texts = append(texts, fmt.Sprintf("advice %d: \"stop\" & call", i))
	}
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 3 {
				for _, s := range texts {
					if got, want := string(m.String([]byte("x"), s)), "x"+string(String(nil, s)); got != want {
						t.Errorf("Memo.String(%.40q) = %.60s, want %.60s", s, got, want)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	kept := *m.kept.Load()
	if len(kept) != memoStrings || len(m.next) != 0 {
		t.Errorf("the memo publishes %d strings and holds %d back, want %d and none", len(kept), len(m.next), memoStrings)
	}
	if js, ok := kept["<a>&amp;</a>"]; !ok || js != `"\u003ca\u003e\u0026amp;\u003c/a\u003e"` {
		t.Errorf("kept %q, %v", js, ok)
	}
	if _, ok := kept[texts[5]]; ok {
		t.Error("the memo keeps a string longer than memoBytes")
	}
	if !m.full.Load() {
		t.Error("a full memo is not marked full: every miss would take its lock")
	}
	if got := string(m.Strings(nil, []string{"a", "<"})); got != `["a","\u003c"]` {
		t.Errorf("Memo.Strings = %s", got)
	}
	if got := string(m.Strings(nil, nil)); got != "null" {
		t.Errorf("Memo.Strings(nil) = %s", got)
	}
}

// BenchmarkMemo writes the advice texts of BenchmarkString from a memo.
func BenchmarkMemo(b *testing.B) {
	texts := []string{"没有发现明显的诈骗迹象，但付款前仍请通过官方渠道核实。“淘宝”不会让你点这个链接。",
		"No clear sign of a scam, but check through the official channel before you pay."}
	var m Memo
	var buf []byte
	b.ReportAllocs()
	for b.Loop() {
		for _, s := range texts {
			buf = m.String(buf[:0], s)
		}
	}
}
