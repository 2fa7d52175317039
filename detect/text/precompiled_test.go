package text

import (
	"flag"
	"os"
	"reflect"
	"slices"
	"testing"
	"unsafe"

	"github.com/shopguard/shopguard/knowledge"
)

var update = flag.Bool("update", false, "rewrite data/automaton.bin and data/patterns.bin from the embedded pack")

// TestPrecompiledFresh checks that data/automaton.bin is the automaton this code compiles
// from the embedded pack's patterns and data/patterns.bin the patterns it compiles from its
// cues, and that they decode to them; with -update (go generate ./detect/text) it rewrites
// the files.
func TestPrecompiledFresh(t *testing.T) {
	_, p := mustDetector(t)
	compiled := &Detector{}
	texts, err := compiled.compilePatterns(p)
	if err != nil {
		t.Fatal(err)
	}
	fresh, key := newAutomaton(texts), patternsKey(texts)
	want := fresh.appendEncoded(nil, key)
	wantPats := appendPatterns(nil, cuesKey(p), compiled.patterns, texts)
	if *update {
		if err := os.WriteFile("data/automaton.bin", want, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile("data/patterns.bin", wantPats, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if string(precompiledPats) != string(wantPats) {
		t.Fatal("data/patterns.bin is not the patterns of the embedded pack's cues: run go generate ./detect/text")
	}
	pats, gotTexts, ok := precompiledPatterns(cuesKey(p))
	if !ok || !reflect.DeepEqual(pats, compiled.patterns) || !reflect.DeepEqual(gotTexts, texts) {
		t.Fatalf("data/patterns.bin decodes (%v) to other patterns than it was made from", ok)
	}
	for cut := range len(precompiledPats) {
		if _, _, ok := decodePatterns(precompiledPats[:cut], cuesKey(p)); ok {
			t.Fatalf("patterns cut to %d bytes were decoded", cut)
		}
		if cut > 2000 {
			break
		}
	}
	if _, _, ok := decodePatterns(precompiledPats[:len(precompiledPats)-1], cuesKey(p)); ok {
		t.Error("cut patterns were decoded")
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

// TestPrecompiledPatterns: a detector of the embedded pack takes its patterns from
// data/patterns.bin, without compiling them (a few hundred allocations, not the tens of
// thousands of compiling), and finds what a detector that compiled them finds; a pack whose
// cues differ in any pattern gets its own.
func TestPrecompiledPatterns(t *testing.T) {
	det, p := mustDetector(t)
	compiled, err := newDetector(p, newAutomaton)
	if err != nil {
		t.Fatal(err)
	}
	want := &Detector{}
	if _, err := want.compilePatterns(p); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(det.patterns, want.patterns) || !reflect.DeepEqual(det.ac, compiled.ac) {
		t.Fatal("the precompiled patterns differ from the compiled ones")
	}
	if n := testing.AllocsPerRun(3, func() {
		if _, err := New(p); err != nil {
			t.Fatal(err)
		}
	}); n > 5000 {
		t.Errorf("New made %v allocations: the patterns were compiled", n)
	}
	for _, change := range []func(c *knowledge.Cue){
		func(c *knowledge.Cue) { c.ZH = append(c.ZH[:len(c.ZH):len(c.ZH)], "定金定金") },
		func(c *knowledge.Cue) {
			c.EN, c.Except = c.EN[:len(c.EN)-1], append(c.Except[:len(c.Except):len(c.Except)], c.EN[len(c.EN)-1])
		},
	} {
		other := knowledge.Pack{Cues: slices.Clone(p.Cues), Playbooks: p.Playbooks}
		i := slices.IndexFunc(other.Cues, func(c knowledge.Cue) bool { return len(c.ZH) > 0 && len(c.EN) > 0 })
		change(&other.Cues[i])
		got, err := New(&other)
		if err != nil {
			t.Fatal(err)
		}
		want := &Detector{}
		if _, err := want.compilePatterns(&other); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got.patterns, want.patterns) {
			t.Errorf("cue %s changed: the detector kept the precompiled patterns", other.Cues[i].ID)
		}
	}
}

// TestPrecompiledInPlace: on a little-endian machine the embedded automaton's table and
// outputs are read where the binary holds them, not copied.
func TestPrecompiledInPlace(t *testing.T) {
	if !littleEndian {
		t.Skip("big-endian: the table is decoded into new memory")
	}
	a := decodePrecompiled()
	if a == nil {
		t.Fatal("the precompiled automaton did not decode")
	}
	within := func(p unsafe.Pointer) bool {
		lo := uintptr(unsafe.Pointer(unsafe.SliceData(precompiled)))
		return uintptr(p) >= lo && uintptr(p) < lo+uintptr(len(precompiled))
	}
	if !within(unsafe.Pointer(unsafe.SliceData(a.delta16))) || !within(unsafe.Pointer(unsafe.SliceData(a.outStart))) || !within(unsafe.Pointer(unsafe.SliceData(a.outs))) {
		t.Error("the embedded automaton was copied")
	}
}
