package text

import (
	"crypto/sha256"
	_ "embed" // the precompiled automaton
	"encoding/binary"
	"unsafe"

	"github.com/shopguard/shopguard/knowledge"
)

// The automaton of the embedded pack's patterns is compiled ahead, by go generate, into
// data/automaton.bin: compiling it is most of New's time, which every start of the CLI pays.
// The file is keyed by the SHA-256 of the patterns it was compiled from, so a detector of any
// other patterns (an operator's pack, or cues changed since the last go generate) compiles
// its own. TestPrecompiledFresh fails when the file is not the compilation of the embedded
// pack's patterns by this code.

//go:generate go test -run TestPrecompiledFresh -update

//go:embed data/automaton.bin
var precompiled []byte

// The patterns of the embedded pack's cues, normalised and with every spelling of their
// aliases (compilePatterns, the rest of New's time), are compiled ahead too, into
// data/patterns.bin, keyed by the SHA-256 of the cues' raw patterns (cuesKey). The file holds
// what the code that compiles them made of them: TestPrecompiledFresh fails when it is not
// what this code makes of the embedded pack.

//go:embed data/patterns.bin
var precompiledPats []byte

// patternsMagic starts encoded patterns; the number changes with the encoding.
const patternsMagic = "SGPT2"

// cuesKey returns the SHA-256 of the raw patterns of p's cues, cue by cue: the number of
// cues, then for each its patterns (zh and en) and its exceptions, each list with its length
// and each pattern with its length.
func cuesKey(p *knowledge.Pack) [sha256.Size]byte {
	h := sha256.New()
	var b []byte
	b = binary.LittleEndian.AppendUint32(b, uint32(len(p.Cues)))
	for _, c := range p.Cues {
		for _, list := range [...][]string{c.ZH, c.EN, c.Except} {
			b = binary.LittleEndian.AppendUint32(b, uint32(len(list)))
			for _, s := range list {
				b = binary.LittleEndian.AppendUint32(b, uint32(len(s)))
				b = append(b, s...)
			}
		}
		if len(b) > 32<<10 {
			h.Write(b)
			b = b[:0]
		}
	}
	h.Write(b)
	var key [sha256.Size]byte
	h.Sum(key[:0])
	return key
}

// Each pattern's flags in the encoding, in the order appendPatterns sets them.
const (
	patStartBound = 1 << iota
	patEndBound
	patWholeStart
	patWholeEnd
	patButton
)

// appendPatterns appends patterns and their texts, compiled from cues of key, to b: the magic,
// the key, then little-endian 32-bit numbers (the number of patterns, then for each its
// text's length, its flags, and the number and indexes of its cues and of its exceptions),
// then the texts one after the other.
func appendPatterns(b []byte, key [sha256.Size]byte, patterns []pattern, texts []string) []byte {
	b = append(b, patternsMagic...)
	b = append(b, key[:]...)
	u32 := binary.LittleEndian.AppendUint32
	b = u32(b, uint32(len(patterns)))
	for i, p := range patterns {
		var flags uint32
		for bit, on := range [...]bool{p.startBound, p.endBound, p.wholeStart, p.wholeEnd, p.button} {
			if on {
				flags |= 1 << bit
			}
		}
		b = u32(u32(b, uint32(len(texts[i]))), flags)
		for _, list := range [2][]int32{p.cues, p.excepts} {
			b = u32(b, uint32(len(list)))
			for _, ci := range list {
				b = u32(b, uint32(ci))
			}
		}
	}
	for _, t := range texts {
		b = append(b, t...)
	}
	return b
}

// precompiledPatterns decodes data/patterns.bin when it was compiled from cues of key.
func precompiledPatterns(key [sha256.Size]byte) ([]pattern, []string, bool) {
	return decodePatterns(precompiledPats, key)
}

// decodePatterns decodes what appendPatterns wrote, if it was compiled from cues of key and
// is whole. The patterns' cue lists share one array, and their texts one string.
func decodePatterns(data []byte, key [sha256.Size]byte) ([]pattern, []string, bool) {
	head := len(patternsMagic) + len(key)
	if len(data) < head+4 || string(data[:len(patternsMagic)]) != patternsMagic || string(data[len(patternsMagic):head]) != string(key[:]) {
		return nil, nil, false
	}
	data = data[head:]
	bad := false
	next := func() int {
		if len(data) < 4 {
			bad = true
			return 0
		}
		v := binary.LittleEndian.Uint32(data)
		data = data[4:]
		return int(v)
	}
	n := next()
	if n > len(data)/16 { // each pattern takes at least 16 bytes
		return nil, nil, false
	}
	patterns := make([]pattern, n)
	lens := make([]int, n)
	refs := make([]int32, 0, len(data)/4)
	at := make([][2]int, n) // by pattern and list: where its indexes start in refs
	for i := range patterns {
		lens[i] = next()
		flags := next()
		patterns[i] = pattern{n: lens[i], startBound: flags&patStartBound != 0, endBound: flags&patEndBound != 0,
			wholeStart: flags&patWholeStart != 0, wholeEnd: flags&patWholeEnd != 0, button: flags&patButton != 0}
		for l := range 2 {
			at[i][l] = len(refs)
			for k := next(); k > 0 && !bad; k-- {
				refs = append(refs, int32(next()))
			}
		}
		if bad {
			return nil, nil, false
		}
	}
	for i := range patterns {
		end := len(refs)
		if i+1 < n {
			end = at[i+1][0]
		}
		if c := refs[at[i][0]:at[i][1]:at[i][1]]; len(c) > 0 {
			patterns[i].cues = c
		}
		if e := refs[at[i][1]:end:end]; len(e) > 0 {
			patterns[i].excepts = e
		}
	}
	all := string(data)
	texts := make([]string, n)
	for i, l := range lens {
		if l > len(all) {
			return nil, nil, false
		}
		texts[i], all = all[:l], all[l:]
	}
	if all != "" {
		return nil, nil, false
	}
	return patterns, texts, true
}

// tablesMagic starts an encoded automaton; the number changes with the encoding.
const tablesMagic = "SGAC3"

// decodePrecompiled decodes the precompiled automaton, whichever patterns it was compiled
// from; nil when the file is not whole.
func decodePrecompiled() *automaton {
	key, ok := precompiledKey()
	if !ok {
		return nil
	}
	a, _ := decodeAutomaton(precompiled, key)
	return a
}

// precompiledOr returns pre, the precompiled automaton (or nil), when it was compiled from
// patterns, else a new automaton of them.
func precompiledOr(pre *automaton, patterns []string) *automaton {
	if key, ok := precompiledKey(); pre != nil && ok && key == patternsKey(patterns) {
		return pre
	}
	return newAutomaton(patterns)
}

// precompiledKey returns the key the precompiled automaton was compiled from.
func precompiledKey() (key [sha256.Size]byte, ok bool) {
	if len(precompiled) < len(tablesMagic)+len(key) || string(precompiled[:len(tablesMagic)]) != tablesMagic {
		return key, false
	}
	copy(key[:], precompiled[len(tablesMagic):])
	return key, true
}

// patternsKey returns the SHA-256 of patterns, each with its length.
func patternsKey(patterns []string) [sha256.Size]byte {
	h := sha256.New()
	var n [4]byte
	for _, p := range patterns {
		binary.LittleEndian.PutUint32(n[:], uint32(len(p)))
		h.Write(n[:])
		h.Write([]byte(p))
	}
	var key [sha256.Size]byte
	h.Sum(key[:0])
	return key
}

// appendEncoded appends a, compiled from the patterns of key, to b: the magic, the key,
// then little-endian 32-bit numbers (reset, start, firstOut, longest, the bits of the
// table's entries, the lengths of the table, outStart and outs), the columns, and the entries of the table,
// outStart and outs, each of these three from an offset in b that is a multiple of 8 (zeros
// before it), so that they can be read in place.
func (a *automaton) appendEncoded(b []byte, key [sha256.Size]byte) []byte {
	b = append(b, tablesMagic...)
	b = append(b, key[:]...)
	bits := 16
	if a.delta16 == nil {
		bits = 32
	}
	for _, n := range []int{int(a.reset), int(a.start), int(a.firstOut), int(a.longest), bits, len(a.delta16) + len(a.delta32), len(a.outStart), len(a.outs)} {
		b = binary.LittleEndian.AppendUint32(b, uint32(n))
	}
	for _, c := range a.column {
		b = binary.LittleEndian.AppendUint32(b, c)
	}
	b = pad8(b)
	for _, e := range a.delta16 {
		b = binary.LittleEndian.AppendUint16(b, e)
	}
	for _, e := range a.delta32 {
		b = binary.LittleEndian.AppendUint32(b, e)
	}
	b = pad8(b)
	for _, o := range a.outStart {
		b = binary.LittleEndian.AppendUint32(b, o)
	}
	b = pad8(b)
	for _, o := range a.outs {
		b = binary.LittleEndian.AppendUint32(b, uint32(o))
	}
	return b
}

// pad8 appends zeros to b up to a length that is a multiple of 8.
func pad8(b []byte) []byte {
	for len(b)%8 != 0 {
		b = append(b, 0)
	}
	return b
}

// decodeAutomaton decodes what appendEncoded wrote, if it was compiled from the patterns of
// key and is whole. On a little-endian machine the table, outStart and outs are read in
// place when data lies at an address that keeps their entries aligned (the embedded file
// does): the automaton then holds data, which must not change.
func decodeAutomaton(data []byte, key [sha256.Size]byte) (*automaton, bool) {
	head := len(tablesMagic) + len(key)
	if len(data) < head+4*(8+256) || string(data[:len(tablesMagic)]) != tablesMagic || string(data[len(tablesMagic):head]) != string(key[:]) {
		return nil, false
	}
	at := head
	next := func() uint32 {
		v := binary.LittleEndian.Uint32(data[at:])
		at += 4
		return v
	}
	a := &automaton{reset: next(), start: next(), firstOut: next(), longest: next()}
	bits, n, nStarts, nOuts := next(), int(next()), int(next()), int(next())
	if bits != 16 && bits != 32 {
		return nil, false
	}
	for i := range a.column {
		a.column[i] = next()
	}
	// where each array lies, each from a multiple of 8
	up8 := func(i int) int { return (i + 7) &^ 7 }
	table := up8(at)
	starts := up8(table + n*int(bits/8))
	outs := up8(starts + 4*nStarts)
	if n < 0 || nStarts < 0 || nOuts < 0 || len(data) != outs+4*nOuts {
		return nil, false
	}
	if bits == 16 {
		a.delta16 = decodeUint16s(data[table : table+2*n])
	} else {
		a.delta32 = decodeUint32s(data[table : table+4*n])
	}
	a.outStart = decodeUint32s(data[starts : starts+4*nStarts])
	o := decodeUint32s(data[outs:])
	if len(o) > 0 {
		a.outs = unsafe.Slice((*int32)(unsafe.Pointer(unsafe.SliceData(o))), len(o))
	} else {
		a.outs = []int32{}
	}
	return a, true
}

// littleEndian reports whether the machine stores a number's low byte first, as the file does.
var littleEndian = binary.NativeEndian.Uint16([]byte{1, 0}) == 1

// decodeUint16s decodes little-endian 16-bit numbers (see decodeLE).
func decodeUint16s(b []byte) []uint16 { return decodeLE(b, binary.LittleEndian.Uint16) }

// decodeUint32s decodes little-endian 32-bit numbers (see decodeLE).
func decodeUint32s(b []byte) []uint32 { return decodeLE(b, binary.LittleEndian.Uint32) }

// decodeLE decodes the little-endian numbers of b, read by get: on a little-endian machine,
// when b lies at an address aligned for T, in place (the numbers are b's bytes, which must not
// change), else into new memory. In place saves copying the 2.8 MB table at every start; the
// scan reads it about 2% slower than a copy in the heap (BenchmarkScanMixed/text, five pairs
// in turn, 2026-12-06), a cost taken for the start of every command.
func decodeLE[T uint16 | uint32](b []byte, get func([]byte) T) []T {
	size := int(unsafe.Sizeof(T(0)))
	if len(b) < size {
		return []T{}
	}
	if littleEndian && uintptr(unsafe.Pointer(unsafe.SliceData(b)))%uintptr(size) == 0 {
		return unsafe.Slice((*T)(unsafe.Pointer(unsafe.SliceData(b))), len(b)/size)
	}
	out := make([]T, len(b)/size)
	for i := range out {
		out[i] = get(b[size*i:])
	}
	return out
}
