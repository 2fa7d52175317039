package text

import "sort"

// automaton is an Aho-Corasick automaton over bytes, compiled to a dense table: one lookup
// per input byte, whatever the number of patterns. Bytes are first mapped to classes (the
// bytes that occur in some pattern, plus one class for all others) to keep the table small.
//
// States are numbered so that every state that ends a pattern comes at or after firstOut;
// table entries hold the next state already multiplied by the number of classes.
type automaton struct {
	class    [256]uint8
	nclass   int
	delta    []uint32 // (state*nclass + class) -> next state * nclass
	firstOut uint32   // premultiplied: states at or above end at least one pattern
	outStart []uint32 // per output state (from firstOut): range of outs
	outs     []int32  // pattern ids
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
	n := 1 // class 0: bytes in no pattern
	for b := 0; b < 256; b++ {
		if used[b] {
			a.class[b] = uint8(n)
			n++
		}
	}
	a.nclass = n

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
	a.firstOut = k * uint32(n)
	for _, s := range order {
		if len(nodes[s].out) > 0 {
			newID[s] = k
			k++
			a.outStart = append(a.outStart, uint32(len(a.outs)))
			a.outs = append(a.outs, nodes[s].out...)
		}
	}
	a.outStart = append(a.outStart, uint32(len(a.outs)))
	// Dense transitions, in BFS order so a state's failure row is filled before it.
	a.delta = make([]uint32, len(nodes)*n)
	for _, s := range order {
		row := a.delta[int(newID[s])*n : int(newID[s]+1)*n]
		if s != 0 {
			copy(row, a.delta[int(newID[nodes[s].fail])*n:int(newID[nodes[s].fail]+1)*n])
		}
		for b, t := range nodes[s].next {
			row[a.class[b]] = newID[t] * uint32(n)
		}
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

// scan calls found(pattern, end) for every match in b, end being the index after its last
// byte, in order of end.
func (a *automaton) scan(b []byte, found func(pattern int32, end int)) {
	s := uint32(0)
	delta, class, first := a.delta, &a.class, a.firstOut
	for i := 0; i < len(b); i++ {
		s = delta[s+uint32(class[b[i]])]
		if s >= first {
			o := (s - first) / uint32(a.nclass)
			for _, p := range a.outs[a.outStart[o]:a.outStart[o+1]] {
				found(p, i+1)
			}
		}
	}
}

// size returns the memory the automaton holds, in bytes.
func (a *automaton) size() int {
	return len(a.delta)*4 + len(a.outStart)*4 + len(a.outs)*4 + 256
}
