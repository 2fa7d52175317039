package text

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// automaton is an Aho-Corasick automaton over the bytes of valid UTF-8 text, compiled to a
// dense table: one lookup per input byte, whatever the number of patterns.
//
// Bytes are mapped to classes to keep the table small: each byte that occurs in some pattern
// is a class of its own; the others share a class with the bytes of their kind. A state lies
// either between two characters (a boundary state: the start, and the pattern prefixes that
// end a character) or inside one (a mid state: the prefixes that end inside a character, and
// "no prefix, k more bytes of this character to come"). In valid UTF-8 a boundary state only
// ever reads an ASCII byte or a lead byte, and a mid state only a continuation byte, so the
// table has a column per ASCII or lead class for the boundary states and a column per
// continuation class for the mid states: about half a table of every state by every class.
// On invalid UTF-8 a step stays within the table but the matches are nonsense, so only
// normalised text (always valid) is scanned.
//
// The table is stored by class: the next states of all states of its kind on one class, then
// on the next class. A byte then maps straight to its class's column, and a step is one
// addition and one load. Mid states come first, then boundary states, each kind numbered
// breadth first, so in each column the shallow states, those most text keeps coming back to,
// sit close together. The boundary states that end a pattern come last, from firstOut (a
// pattern, being whole characters, never ends inside one).
//
// With up to 65,535 states the table holds 16-bit entries, halving its size (and the cache
// misses); beyond, 32-bit ones.
type automaton struct {
	column   [256]uint32 // byte -> its column's offset in the table, less its kind's first state
	reset    uint32      // the column of the bytes after which the automaton is at its start
	start    uint32      // the start state
	delta16  []uint16    // (column[byte] + state) -> next state
	delta32  []uint32    // the same, when there are too many states for 16 bits
	firstOut uint32      // states at or above end at least one pattern
	outStart []uint32    // per output state (from firstOut): range of outs
	outs     []int32     // pattern ids
	longest  uint32      // the length of the longest pattern
}

// match is a pattern found by the automaton, ending before byte end.
type match struct {
	pattern int32
	end     int32
}

// trieNode is a state of the automaton while it is built: a prefix of some pattern (or, past
// the trie, a mid state with no prefix). Its children are a list in increasing order of byte.
type trieNode struct {
	first int32 // its first child, or -1
	next  int32 // its next sibling, or -1
	b     byte  // the byte that leads to it from its parent
	rest  int   // bytes of its last character still to come: 0 for a boundary state
	fail  int32
	out   []int32
}

// trie is the patterns' trie: its nodes (node 0 the start) and, for the start, its child on
// each byte (0 for none), the node most text comes back to.
type trie struct {
	nodes []trieNode
	root  [256]int32
	used  [256]bool // the bytes that occur in some pattern
}

// child returns s's child on byte b, or -1.
func (tr *trie) child(s int32, b byte) int32 {
	if s == 0 {
		if t := tr.root[b]; t != 0 {
			return t
		}
		return -1
	}
	for t := tr.nodes[s].first; t >= 0 && tr.nodes[t].b <= b; t = tr.nodes[t].next {
		if tr.nodes[t].b == b {
			return t
		}
	}
	return -1
}

// utf8Rest returns how many continuation bytes follow byte c at the start of a character: 0
// for ASCII, -1 for a continuation byte or a byte that never occurs in UTF-8.
func utf8Rest(c byte) int {
	switch {
	case c < utf8.RuneSelf:
		return 0
	case c >= 0xC2 && c <= 0xDF:
		return 1
	case c >= 0xE0 && c <= 0xEF:
		return 2
	case c >= 0xF0 && c <= 0xF4:
		return 3
	}
	return -1
}

// newAutomaton builds the automaton of patterns; a match of patterns[i] reports i. It panics
// if a pattern is not valid UTF-8.
//
// The trie is built from the patterns in sorted order, so that a node's children come in
// order of byte and each new node is its parent's last child: no map, and the breadth-first
// walk below reads children in order of byte without sorting them.
func newAutomaton(patterns []string) *automaton {
	for _, p := range patterns {
		if !utf8.ValidString(p) {
			panic(fmt.Sprintf("text: pattern %q is not valid UTF-8", p))
		}
	}
	ids := make([]int32, len(patterns))
	longest := 0
	for i, p := range patterns {
		ids[i] = int32(i)
		longest = max(longest, len(p))
	}
	slices.SortStableFunc(ids, func(a, b int32) int { return strings.Compare(patterns[a], patterns[b]) })
	tr := &trie{nodes: make([]trieNode, 1, len(patterns)*8)}
	tr.nodes[0] = trieNode{first: -1, next: -1}
	path := []int32{0} // the nodes of the last pattern added, by depth
	prev := ""
	for _, id := range ids {
		p := patterns[id]
		l := 0 // the prefix p shares with prev, which is in the trie
		for l < len(p) && l < len(prev) && p[l] == prev[l] {
			l++
		}
		last := int32(-1) // the last child of path[l]: the node of prev after the shared prefix
		if len(path) > l+1 {
			last = path[l+1]
		}
		path = path[:l+1]
		s := path[l]
		for i := l; i < len(p); i++ {
			rest := utf8Rest(p[i])
			if !utf8.RuneStart(p[i]) {
				rest = tr.nodes[s].rest - 1
			}
			t := int32(len(tr.nodes))
			tr.nodes = append(tr.nodes, trieNode{first: -1, next: -1, b: p[i], rest: rest})
			tr.used[p[i]] = true
			if last >= 0 {
				tr.nodes[last].next = t
			} else {
				tr.nodes[s].first = t
			}
			if s == 0 {
				tr.root[p[i]] = t
			}
			path = append(path, t)
			s, last = t, -1
		}
		tr.nodes[s].out = append(tr.nodes[s].out, id)
		prev = p
	}
	nodes := tr.nodes
	// The mid states with no prefix: inside[k] has k bytes to come (inside[0] is the start).
	var inside [4]int32
	for k := 1; k <= 3; k++ {
		inside[k] = int32(len(nodes))
		nodes = append(nodes, trieNode{first: -1, next: -1, rest: k})
	}
	tr.nodes = nodes
	// Breadth-first (order is the queue): failure links, outputs inherited along them. A
	// state with no proper suffix in the trie fails to the state with no prefix of its kind.
	order := make([]int32, 0, len(nodes))
	order = append(order, inside[1], inside[2], inside[3], 0)
	for head := 3; head < len(order); head++ {
		s := order[head]
		for t := nodes[s].first; t >= 0; t = nodes[t].next {
			b := nodes[t].b
			nodes[t].fail = inside[nodes[t].rest]
			for f := nodes[s].fail; s != 0; f = nodes[f].fail {
				if nx := tr.child(f, b); nx >= 0 {
					nodes[t].fail = nx
					break
				}
				if f == 0 || f >= inside[1] {
					break
				}
			}
			nodes[t].out = append(nodes[t].out, nodes[nodes[t].fail].out...)
			order = append(order, t)
		}
	}
	a := compile(tr, order, inside)
	a.longest = uint32(longest)
	return a
}

// compile lays out the automaton of the trie nodes, with their failure links and outputs,
// in breadth-first order.
func compile(tr *trie, order []int32, inside [4]int32) *automaton {
	nodes := tr.nodes
	// Classes: continuation bytes (mid states' columns) and the others (boundary states').
	var class [256]int
	mids, bounds := 0, 1           // classes of each kind; boundary class 0 is the reset class
	other := [4]int{0, -1, -1, -1} // the class of unused lead bytes, by bytes to come
	otherCont := -1                // the class of unused continuation bytes
	for b := 0; b < 256; b++ {
		c, rest := byte(b), utf8Rest(byte(b))
		switch {
		case !utf8.RuneStart(c) && tr.used[b]:
			class[b] = mids
			mids++
		case !utf8.RuneStart(c):
			if otherCont < 0 {
				otherCont = mids
				mids++
			}
			class[b] = otherCont
		case tr.used[b]:
			class[b] = bounds
			bounds++
		case rest > 0:
			if other[rest] < 0 {
				other[rest] = bounds
				bounds++
			}
			class[b] = other[rest]
		default: // unused ASCII, and bytes never in UTF-8
			class[b] = 0
		}
	}
	// Numbering: mid states, then boundary states without and with outputs, each in order.
	newID := make([]uint32, len(nodes))
	m := uint32(0) // mid states
	for _, s := range order {
		if nodes[s].rest > 0 {
			newID[s] = m
			m++
		}
	}
	k := m
	a := &automaton{}
	for pass := 0; pass < 2; pass++ {
		for _, s := range order {
			if nodes[s].rest == 0 && (len(nodes[s].out) > 0) == (pass == 1) {
				newID[s] = k
				k++
				if pass == 1 {
					a.outStart = append(a.outStart, uint32(len(a.outs)))
					a.outs = append(a.outs, nodes[s].out...)
				}
			}
		}
		if pass == 0 {
			a.firstOut = k
		}
	}
	a.outStart = append(a.outStart, uint32(len(a.outs)))
	a.start = newID[0]
	nb := k - m // boundary states
	for b := range class {
		if !utf8.RuneStart(byte(b)) {
			a.column[b] = uint32(class[b]) * m
		} else {
			a.column[b] = uint32(mids)*m + uint32(class[b])*nb - m
		}
	}
	a.reset = uint32(mids)*m - m
	l := layout{class: &class, newID: newID, m: m, nb: nb, mids: mids, bounds: bounds, inside: inside}
	size := uint32(mids)*m + uint32(bounds)*nb
	if len(nodes) <= 1<<16 {
		a.delta16 = make([]uint16, size)
		fillDelta(tr, order, &l, a.delta16)
	} else {
		a.delta32 = make([]uint32, size)
		fillDelta(tr, order, &l, a.delta32)
	}
	return a
}

// layout is where compile puts the states and classes in the table.
type layout struct {
	class        *[256]int
	newID        []uint32 // by trie node: its state
	m, nb        uint32   // mid and boundary states
	mids, bounds int      // classes of each kind
	inside       [4]int32
}

// at returns the index of state id's next state on class c (of id's kind).
func (l *layout) at(id uint32, c int, mid bool) uint32 {
	if mid {
		return uint32(c)*l.m + id
	}
	return uint32(l.mids)*l.m + uint32(c)*l.nb + id - l.m
}

// fillDelta fills the table: the rows in breadth-first order, so that a state's failure row
// is filled before it.
func fillDelta[T uint16 | uint32](tr *trie, order []int32, l *layout, delta []T) {
	nodes, newID, inside := tr.nodes, l.newID, l.inside
	for _, s := range order {
		id, mid := newID[s], nodes[s].rest > 0
		classes := l.bounds
		if mid {
			classes = l.mids
		}
		switch {
		case s >= inside[1]: // no prefix, k to come: one byte less to come
			next := T(newID[inside[nodes[s].rest-1]])
			for c := range classes {
				delta[l.at(id, c, true)] = next
			}
		case s == 0: // the start: a character no pattern starts with is skipped
			delta[l.at(id, 0, false)] = T(id)
			for b := range l.class {
				if rest := utf8Rest(byte(b)); rest >= 0 {
					delta[l.at(id, l.class[b], false)] = T(newID[inside[rest]])
				}
			}
		default:
			fail := newID[nodes[s].fail]
			for c := range classes {
				delta[l.at(id, c, mid)] = delta[l.at(fail, c, mid)]
			}
		}
		for t := nodes[s].first; t >= 0; t = nodes[t].next {
			delta[l.at(id, l.class[nodes[t].b], mid)] = T(newID[t])
		}
	}
}

// scan appends every match in b to out, in order of end, and returns it, with spare: memory
// it works in, to pass again.
//
// A step waits on its lookup, which the cache often misses. So a long b is cut in two and
// both halves are read side by side: their lookups overlap. The cut is at an ASCII byte that
// no pattern holds, after which the automaton is at its start whatever came before, if there
// is one near the middle; else the second half starts early enough before the cut for every
// pattern that ends after the cut to be read whole (a character start at least the longest
// pattern's length less one before it), and keeps only the matches that end after the cut:
// from there on its states are those of a single pass.
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
	cut, from := a.cut(b) // the first half is b[:cut], the second b[from:]
	b1, b2 := b[:cut], b[from:]
	s1, s2 := a.start, a.start
	column, first := &a.column, a.firstOut
	later := spare[:0] // the second half's matches
	n := min(len(b1), len(b2))
	for i := 0; i < n; i++ {
		// The tight loop: it only steps, so that everything stays in registers.
		for ; i < n; i++ {
			s1 = uint32(delta[column[b1[i]]+s1])
			s2 = uint32(delta[column[b2[i]]+s2])
			if max(s1, s2) >= first {
				break
			}
		}
		if i == n {
			break
		}
		if s1 >= first {
			out = a.emit(out, s1, i)
		}
		if s2 >= first && from+i >= cut {
			later = a.emit(later, s2, from+i)
		}
	}
	out = scanRest(a, delta, b1, n, 0, s1, out)
	later = scanRest(a, delta, b2, n, from, s2, later) // from+n >= cut
	return append(out, later...), later
}

// scanRest reads b from i, at state s, appending to out the matches (at offset off plus their
// place in b), and returns out.
func scanRest[T uint16 | uint32](a *automaton, delta []T, b []byte, i, off int, s uint32, out []match) []match {
	column, first := &a.column, a.firstOut
	for ; i < len(b); i++ {
		for ; i < len(b); i++ {
			s = uint32(delta[column[b[i]]+s])
			if s >= first {
				break
			}
		}
		if i < len(b) {
			out = a.emit(out, s, off+i)
		}
	}
	return out
}

// cut returns where scan cuts b: the end of the first half and the start of the second.
// Short of minCut, or of twice the longest pattern when no byte resets the automaton near
// the middle, the first half is the whole of b.
func (a *automaton) cut(b []byte) (int, int) {
	if len(b) < minCut {
		return len(b), len(b)
	}
	mid := len(b) / 2
	for d := 0; d < len(b)/4; d++ {
		if a.resets(b[mid+d]) {
			return mid + d, mid + d + 1
		}
		if a.resets(b[mid-d]) {
			return mid - d, mid - d + 1
		}
	}
	back := int(a.longest) - 1 // the second half reads this many bytes of the first again
	if len(b) < 2*int(a.longest) || back < 0 {
		return len(b), len(b)
	}
	cut := (len(b) + back) / 2
	from := cut - back
	for from > 0 && !utf8.RuneStart(b[from]) {
		from--
	}
	return cut, from
}

// resets reports whether the automaton is at its start after byte c, whatever came before.
// (The column of the last continuation class can start where the reset column does.)
func (a *automaton) resets(c byte) bool {
	return c < utf8.RuneSelf && a.column[c] == a.reset
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
