package text

import "sort"

// automaton is an Aho-Corasick automaton over bytes, compiled to a dense table: one lookup
// per input byte, whatever the number of patterns. Bytes are first mapped to classes (the
// bytes that occur in some pattern, plus one class for all others) to keep the table small.
//
// The table is stored by class: the next states of all states on one class, then on the
// next class. A byte then maps straight to the start of its class's column, and a step is
// one addition and one load. States are numbered breadth first (see firstOut), so in each
// column the shallow states, those most text keeps coming back to, sit close together.
//
// States are numbered so that every state that ends a pattern comes at or after firstOut.
// With up to 65,535 states the table holds 16-bit entries, halving its size (and the cache
// misses); beyond, 32-bit ones.
type automaton struct {
	column   [256]uint32 // byte -> its class times the number of states
	delta16  []uint16    // (column[byte] + state) -> next state
	delta32  []uint32    // the same, when there are too many states for 16 bits
	firstOut uint32      // states at or above end at least one pattern
	outStart []uint32    // per output state (from firstOut): range of outs
	outs     []int32     // pattern ids
}

// match is a pattern found by the automaton, ending before byte end.
type match struct {
	pattern int32
	end     int32
}

type trieNode struct {
	next map[byte]int32
	fail int32
	out  []int32
}

// newAutomaton builds the automaton of patterns; a match of patterns[i] reports i.
func newAutomaton(patterns []string) *automaton {
	a := &automaton{}
	used := [256]bool{}
	for _, p := range patterns {
		for i := 0; i < len(p); i++ {
			used[p[i]] = true
		}
	}
	var class [256]int
	n := 1 // class 0: bytes in no pattern
	for b := 0; b < 256; b++ {
		if used[b] {
			class[b] = n
			n++
		}
	}

	nodes := []trieNode{{next: map[byte]int32{}}}
	for id, p := range patterns {
		s := int32(0)
		for i := 0; i < len(p); i++ {
			nx, ok := nodes[s].next[p[i]]
			if !ok {
				nx = int32(len(nodes))
				nodes = append(nodes, trieNode{next: map[byte]int32{}})
				nodes[s].next[p[i]] = nx
			}
			s = nx
		}
		nodes[s].out = append(nodes[s].out, int32(id))
	}
	// Breadth-first: failure links, outputs inherited along them.
	order := make([]int32, 0, len(nodes))
	queue := []int32{0}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		order = append(order, s)
		keys := sortedKeys(nodes[s].next)
		for _, b := range keys {
			t := nodes[s].next[b]
			if s != 0 {
				f := nodes[s].fail
				for {
					if nx, ok := nodes[f].next[b]; ok {
						nodes[t].fail = nx
						break
					}
					if f == 0 {
						break
					}
					f = nodes[f].fail
				}
				nodes[t].out = append(nodes[t].out, nodes[nodes[t].fail].out...)
			}
			queue = append(queue, t)
		}
	}
	// Renumber: states without outputs first.
	newID := make([]uint32, len(nodes))
	k := uint32(0)
	for _, s := range order {
		if len(nodes[s].out) == 0 {
			newID[s] = k
			k++
		}
	}
	a.firstOut = k
	for _, s := range order {
		if len(nodes[s].out) > 0 {
			newID[s] = k
			k++
			a.outStart = append(a.outStart, uint32(len(a.outs)))
			a.outs = append(a.outs, nodes[s].out...)
		}
	}
	a.outStart = append(a.outStart, uint32(len(a.outs)))
	// Dense transitions, in BFS order so a state's failure transitions are filled before it.
	states := len(nodes)
	for b, c := range class {
		a.column[b] = uint32(c * states)
	}
	delta := make([]uint32, n*states)
	for _, s := range order {
		id := int(newID[s])
		if s != 0 {
			fail := int(newID[nodes[s].fail])
			for c := 0; c < n; c++ {
				delta[c*states+id] = delta[c*states+fail]
			}
		}
		for b, t := range nodes[s].next {
			delta[class[b]*states+id] = newID[t]
		}
	}
	if len(nodes) <= 1<<16 {
		a.delta16 = make([]uint16, len(delta))
		for i, v := range delta {
			a.delta16[i] = uint16(v)
		}
	} else {
		a.delta32 = delta
	}
	return a
}

func sortedKeys(m map[byte]int32) []byte {
	ks := make([]byte, 0, len(m))
	for b := range m {
		ks = append(ks, b)
	}
	sort.Slice(ks, func(i, j int) bool { return ks[i] < ks[j] })
	return ks
}

// scan appends every match in b to out, in order of end, and returns it, with spare: memory
// it works in, to pass again.
//
// A step waits on its lookup, which the cache often misses. So a long b is cut in two at a
// byte that no pattern holds, after which the automaton is at its start whatever came
// before, and both halves are read side by side: their lookups overlap.
func (a *automaton) scan(b []byte, out, spare []match) ([]match, []match) {
	if a.delta16 != nil {
		return scanWith(a, a.delta16, b, out, spare)
	}
	return scanWith(a, a.delta32, b, out, spare)
}

// minCut is the length from which scan cuts a text in two.
const minCut = 32

// scanWith is scan with the table delta, of 16- or 32-bit entries.
func scanWith[T uint16 | uint32](a *automaton, delta []T, b []byte, out, spare []match) ([]match, []match) {
	cut := len(b)
	if len(b) >= minCut {
		cut = a.cut(b)
	}
	b1, b2 := b[:cut], b[min(cut+1, len(b)):]
	s1, s2 := uint32(0), uint32(0)
	column, first := &a.column, a.firstOut
	later := spare[:0] // the second half's matches
	i := 0
	for ; i < len(b1) && i < len(b2); i++ {
		s1 = uint32(delta[column[b1[i]]+s1])
		s2 = uint32(delta[column[b2[i]]+s2])
		if s1 >= first {
			out = a.emit(out, s1, i)
		}
		if s2 >= first {
			later = a.emit(later, s2, cut+1+i)
		}
	}
	for j := i; j < len(b1); j++ {
		s1 = uint32(delta[column[b1[j]]+s1])
		if s1 >= first {
			out = a.emit(out, s1, j)
		}
	}
	for j := i; j < len(b2); j++ {
		s2 = uint32(delta[column[b2[j]]+s2])
		if s2 >= first {
			later = a.emit(later, s2, cut+1+j)
		}
	}
	return append(out, later...), later
}

// cut returns where scan cuts b: at a byte no pattern holds, the nearest to the middle within
// a quarter of b's length, or else len(b).
func (a *automaton) cut(b []byte) int {
	mid := len(b) / 2
	for d := 0; d < len(b)/4; d++ {
		if a.column[b[mid+d]] == 0 {
			return mid + d
		}
		if a.column[b[mid-d]] == 0 {
			return mid - d
		}
	}
	return len(b)
}

// emit appends the patterns that output state s ends at byte i.
func (a *automaton) emit(out []match, s uint32, i int) []match {
	o := s - a.firstOut
	for _, p := range a.outs[a.outStart[o]:a.outStart[o+1]] {
		out = append(out, match{pattern: p, end: int32(i + 1)})
	}
	return out
}

// size returns the memory the automaton holds, in bytes.
func (a *automaton) size() int {
	return len(a.delta16)*2 + len(a.delta32)*4 + len(a.outStart)*4 + len(a.outs)*4 + len(a.column)*4
}
