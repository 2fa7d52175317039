package text

import (
	"flag"
	"os"
	"reflect"
	"testing"
)

var update = flag.Bool("update", false, "rewrite data/automaton.bin from the embedded pack")

// TestPrecompiledFresh checks that data/automaton.bin is the automaton this code compiles
// from the embedded pack's patterns, and that it decodes to that automaton; with -update (go
// generate ./detect/text) it rewrites the file.
func TestPrecompiledFresh(t *testing.T) {
	_, p := mustDetector(t)
	var fresh *automaton
	var key [32]byte
	if _, err := newDetector(p, func(patterns []string) *automaton {
		fresh, key = newAutomaton(patterns), patternsKey(patterns)
		return fresh
	}); err != nil {
		t.Fatal(err)
	}
	want := fresh.appendEncoded(nil, key)
	if *update {
		if err := os.WriteFile("data/automaton.bin", want, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if string(precompiled) != string(want) {
		t.Fatal("data/automaton.bin is not the automaton of the embedded pack's patterns: run go generate ./detect/text")
	}
	got, ok := decodeAutomaton(precompiled, key)
	if !ok || !reflect.DeepEqual(got, fresh) {
		t.Fatalf("data/automaton.bin decodes (%v) to another automaton than it was made from", ok)
	}
	key[0]++
	if _, ok := decodeAutomaton(precompiled, key); ok {
		t.Error("the automaton of other patterns was decoded")
	}
	key[0]--
	if _, ok := decodeAutomaton(precompiled[:len(precompiled)-1], key); ok {
		t.Error("a cut file was decoded")
	}
}

// TestEncodedWide checks that an automaton of 32-bit entries decodes to itself.
func TestEncodedWide(t *testing.T) {
	patterns := []string{"定金", "he", "she", "hers"}
	a := newAutomaton(patterns)
	a.delta32 = make([]uint32, len(a.delta16))
	for i, e := range a.delta16 {
		a.delta32[i] = uint32(e)
	}
	a.delta16 = nil
	key := patternsKey(patterns)
	got, ok := decodeAutomaton(a.appendEncoded(nil, key), key)
	if !ok || !reflect.DeepEqual(got, a) {
		t.Fatalf("decoded %v: %+v, want %+v", ok, got, a)
	}
}

// TestDecodedAtAnyAddress checks that an automaton decodes to itself from bytes at any address.
func TestDecodedAtAnyAddress(t *testing.T) {
	patterns := []string{"定金", "he", "she", "hers"}
	a := newAutomaton(patterns)
	key := patternsKey(patterns)
	enc := a.appendEncoded(nil, key)
	for shift := range 4 {
		buf := make([]byte, shift+len(enc))
		copy(buf[shift:], enc)
		got, ok := decodeAutomaton(buf[shift:], key)
		if !ok || !reflect.DeepEqual(got, a) {
			t.Fatalf("shifted by %d: decoded %v: %+v, want %+v", shift, ok, got, a)
		}
	}
}

// TestPrecompiledOr: the automaton decoded ahead of the patterns is used for the embedded
// pack's patterns only; other patterns get their own, and no file gets none.
func TestPrecompiledOr(t *testing.T) {
	_, p := mustDetector(t)
	var patterns []string
	if _, err := newDetector(p, func(ps []string) *automaton { patterns = ps; return newAutomaton(ps) }); err != nil {
		t.Fatal(err)
	}
	pre := decodePrecompiled()
	if pre == nil {
		t.Fatal("the precompiled automaton did not decode")
	}
	if got := precompiledOr(pre, patterns); got != pre {
		t.Error("the embedded pack's patterns did not get the precompiled automaton")
	}
	other := append([]string{"定金定金"}, patterns...)
	if got := precompiledOr(pre, other); got == pre || !reflect.DeepEqual(got, newAutomaton(other)) {
		t.Error("other patterns did not get an automaton of their own")
	}
	if got := precompiledOr(nil, patterns); got == nil || !reflect.DeepEqual(got, pre) {
		t.Error("without a decoded automaton, the patterns did not get their own")
	}
}
