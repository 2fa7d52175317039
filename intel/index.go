package intel

import (
	"bytes"
	"cmp"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"maps"
	"math/bits"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/detect/ident"
)

// Summary is the compact reputation the index keeps per identifier: 12 bytes.
type Summary struct {
	Score     uint8  // before decay
	Flags     uint8  // flagConfirmed, flagDelisted, flagImported
	Reports   uint16 // saturating
	Reporters uint16 // saturating
	FirstDay  uint16 // days since 2000-01-01
	LastDay   uint16
	Types     uint16 // id of the set of scam types in the index's table
}

const (
	flagConfirmed = 1 << iota
	flagDelisted
	flagImported
)

var epoch = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

func toDay(t time.Time) uint16 {
	if t.IsZero() || t.Before(epoch) {
		return 0
	}
	return uint16(min(t.Sub(epoch)/(24*time.Hour), 0xFFFF))
}

func fromDay(d uint16) time.Time { return epoch.AddDate(0, 0, int(d)) }

func sat16(n int) uint16 { return uint16(max(0, min(n, 0xFFFF))) }

// table is an immutable flat open-addressing table of indicators, keyed by a truncated hash.
// An identifier's key is a 64-bit hash of its "kind:value" (never 0, which marks an empty
// slot): a hash seeded at random per table (so that nobody can choose identifiers that pile up
// in one place), or, for a table read from a snapshot, which carries hashes and not
// identifiers, the first 64 bits of the lookup hash (SHA-256). A key's home slot is
// key*homes/2^64; the entries are stored in the order of their keys, each in the first free slot
// at or after its home (ordered linear probing), so a lookup hashes once, reads from the home
// slot forward while the keys are smaller, and compares no strings. With about 0.9 entries per
// home slot it reads 5.5 keys on average, found or not, nearly always in one cache line, then
// one summary.
//
// The identifiers themselves are kept apart, in an arena grouped by the 20-bit prefix of
// their lookup hash, which is what private lookups ask for (Bucket), exports and compaction
// read; their summaries are found through the table.
//
// Per indicator at 10 million: 8 bytes of key and 12 of summary per slot at 0.9 load (22.2),
// a 1-byte length prefix in the arena and a fixed 4 MiB of arena offsets: 23.6 bytes beyond
// the "kind:value" strings.
type table struct {
	keys   []uint64  // slot -> key, 0 when the slot is empty
	sums   []Summary // slot -> summary
	homes  uint64    // slots a key can have as home; keys may run past them at the end
	n      int       // entries
	seed   uint64    // of the key hash, unless sha
	sha    bool      // the key is the first 64 bits of the lookup hash
	mac    []byte    // with sha, the key of a keyed snapshot's lookup hash (lookupHash); never cached
	arena  []byte    // length-prefixed "kind:value" strings, grouped by prefix
	starts []uint32  // starts[p] is the arena offset of prefix p's first string; len 1<<20 + 1
}

// prefixBits is the length of the lookup-hash prefix by which private lookups ask.
const prefixBits = 20

// prefixOf returns the 20-bit prefix of a lookup hash.
func prefixOf(h *[32]byte) uint32 { return binary.BigEndian.Uint32(h[:4]) >> (32 - prefixBits) }

// homesFor is the number of home slots for n entries: a load of 0.9.
func homesFor(n int) uint64 { return uint64(max(1, n+n/9)) }

// home returns the home slot of key k among homes slots; it grows with k.
func home(k, homes uint64) uint64 {
	hi, _ := bits.Mul64(k, homes)
	return hi
}

// keyOf returns the key of the "kind:value" string s in a table of this seed and kind (mac
// being the key of a keyed snapshot's lookup hash).
func keyOf(s []byte, seed uint64, sha bool, mac []byte) uint64 {
	var k uint64
	if sha {
		h := lookupHash(mac, s)
		k = binary.BigEndian.Uint64(h[:8])
	} else {
		k = hash64(seed, s)
	}
	return max(k, 1) // 0 marks an empty slot
}

// lookupHash is the lookup hash of the "kind:value" string s: its SHA-256 (ident.Hash, the
// private lookup's), or, under the key of a keyed snapshot, its HMAC-SHA256.
func lookupHash(key, s []byte) [32]byte {
	if key == nil {
		return sha256.Sum256(s)
	}
	m := hmac.New(sha256.New, key)
	// A copy: an interface's Write keeps its argument, and s would leave every caller's
	// stack for it (Risk's key buffer, on every link checked); HMAC allocates more anyway.
	m.Write(bytes.Clone(s))
	var h [32]byte
	m.Sum(h[:0])
	return h
}

// hash64 is a 64-bit hash of s under seed, in the style of wyhash (multiply, fold the 128-bit
// product): a few nanoseconds for an identifier, where SHA-256 takes a hundred.
func hash64(seed uint64, s []byte) uint64 {
	const m0, m1 = 0xa0761d6478bd642f, 0xe7037ed1a0b428db
	le := binary.LittleEndian
	n := uint64(len(s))
	h := seed ^ m0
	for len(s) > 16 {
		h = mix(le.Uint64(s)^m1, le.Uint64(s[8:])^h)
		s = s[16:]
	}
	var a, b uint64
	switch {
	case len(s) >= 8:
		a, b = le.Uint64(s), le.Uint64(s[len(s)-8:])
	case len(s) >= 4:
		a, b = uint64(le.Uint32(s)), uint64(le.Uint32(s[len(s)-4:]))
	case len(s) > 0:
		a = uint64(s[0])<<16 | uint64(s[len(s)/2])<<8 | uint64(s[len(s)-1])
	}
	return mix(m1^n, mix(a^m1, b^h))
}

func mix(a, b uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	return hi ^ lo
}

// key returns the key of the "kind:value" string s in t.
func (t *table) key(s []byte) uint64 { return keyOf(s, t.seed, t.sha, t.mac) }

// find returns the slot of the entry with the key k.
func (t *table) find(k uint64) (int, bool) {
	for i := home(k, t.homes); i < uint64(len(t.keys)); i++ {
		switch kk := t.keys[i]; {
		case kk == k:
			return int(i), true
		case kk > k || kk == 0:
			return 0, false
		}
	}
	return 0, false
}

// strings calls fn for every "kind:value" string of the arena between the offsets lo and hi,
// until fn returns false; it returns false then.
func (t *table) strings(lo, hi uint32, fn func(s string) bool) bool {
	for o := lo; o < hi; {
		n := uint32(t.arena[o])
		if !fn(unsafeString(t.arena[o+1 : o+1+n])) {
			return false
		}
		o += 1 + n
	}
	return true
}

// Index answers lookups from memory. The bulk of it is an immutable sorted table; changes go
// to a small overlay that is folded into a new table when it grows. Lookups take no lock while
// the overlay is empty and a read lock otherwise; it is safe for concurrent use.
type Index struct {
	base    atomic.Pointer[table]
	types   atomic.Pointer[typeTable]
	pending atomic.Int64 // entries in the overlay

	mu      sync.RWMutex
	overlay map[string]overlayEntry // "kind:value" -> summary, or a removal
	byBkt   map[uint32][]string     // bucket -> overlay keys

	writeMu    sync.Mutex // serialises Put, Build and cache loads; taken before compactMu
	compactMu  sync.Mutex // one compaction at a time; taken before mu
	compacting atomic.Bool
	// MaxOverlay is how many changed identifiers the overlay holds before it is folded into
	// a new table. Set it before use.
	MaxOverlay int
}

type overlayEntry struct {
	sum     Summary
	removed bool
}

// typeTable interns the sets of scam types; a Summary refers to one by id.
type typeTable struct {
	sets [][]string
	ids  map[string]uint16
}

// NewIndex returns an empty index.
func NewIndex() *Index {
	x := &Index{MaxOverlay: 1 << 16, overlay: map[string]overlayEntry{}, byBkt: map[uint32][]string{}}
	b := NewBuilder(0)
	x.base.Store(b.table())
	x.types.Store(b.types)
	return x
}

// procSeed seeds the key hash of the tables this process builds; a table read from a cache
// keeps the seed it was written with.
var procSeed = rand.Uint64()

// Builder collects indicators for a new table.
type Builder struct {
	ents  []ent    // keys and summaries, in the order added
	strs  []strRef // the strings of the arena, in the order added
	arena []byte   // length-prefixed "kind:value" strings
	seed  uint64
	sha   bool
	mac   []byte // with sha, the key of a keyed snapshot's lookup hash
	types *typeTable
	buf   []byte
}

// ent is an entry of the table being built.
type ent struct {
	key uint64
	sum Summary
}

// strRef places a string of a builder's arena: its offset and its lookup-hash prefix.
type strRef struct{ off, prefix uint32 }

// NewBuilder returns a builder sized for about n indicators.
func NewBuilder(n int) *Builder {
	return &Builder{
		ents: make([]ent, 0, n), strs: make([]strRef, 0, n), arena: make([]byte, 0, n*24), seed: procSeed,
		types: &typeTable{sets: [][]string{nil}, ids: map[string]uint16{"": 0}},
	}
}

// Add adds a reputation. Empty reputations are skipped.
func (b *Builder) Add(r *shopguard.Reputation) {
	if r.Empty() && r.Source == "" {
		return
	}
	b.AddSummary(r.Identifier, b.Summarize(r))
}

// AddRow adds a reputation read by ReputationStore.EachReputationRow (which holds no empty
// ones); it keeps nothing the row points to.
func (b *Builder) AddRow(r *shopguard.ReputationRow) {
	b.addRaw(r.Key, summaryOf(r, b.types.internJoined(r.ScamTypes)))
}

// AddSummary adds an identifier with a ready summary (of this builder's type table).
func (b *Builder) AddSummary(id shopguard.Identifier, s Summary) {
	b.buf = append(append(append(b.buf[:0], id.Kind...), ':'), id.Value...)
	b.addRaw(b.buf, s)
}

// addRaw adds the identifier written as kind:value in s with its summary, unless it is longer
// than any canonical identifier the index serves (255 bytes). It keeps nothing s points to.
func (b *Builder) addRaw(s []byte, sum Summary) {
	if len(s) > 255 {
		return
	}
	h := sha256.Sum256(s)
	k := b.keyFromHash(s, &h)
	b.addEntry(k, sum)
	b.addString(s, prefixOf(&h))
}

// keyFromHash is keyOf for a string whose lookup hash h is known.
func (b *Builder) keyFromHash(s []byte, h *[32]byte) uint64 {
	switch {
	case b.sha && b.mac != nil:
		return keyOf(s, 0, true, b.mac)
	case b.sha:
		return max(binary.BigEndian.Uint64(h[:8]), 1)
	}
	return keyOf(s, b.seed, false, nil)
}

func (b *Builder) addEntry(k uint64, sum Summary) {
	if len(b.ents) == cap(b.ents) {
		// double, rather than grow by the quarter append uses for large slices, which
		// copies each entry four times on average when the size is not known in advance
		b.ents = grow(b.ents, 1)
	}
	b.ents = append(b.ents, ent{k, sum})
}

func (b *Builder) addString(s []byte, prefix uint32) {
	if len(b.strs) == cap(b.strs) || len(b.arena)+1+len(s) > cap(b.arena) {
		b.strs, b.arena = grow(b.strs, 1), grow(b.arena, 1+len(s))
	}
	b.strs = append(b.strs, strRef{off: uint32(len(b.arena)), prefix: prefix})
	b.arena = append(append(b.arena, byte(len(s))), s...)
}

// grow returns s with room for n more elements, at least doubling its capacity when it has to
// grow.
func grow[T any](s []T, n int) []T {
	if len(s)+n <= cap(s) {
		return s
	}
	return slices.Grow(s, max(n, cap(s), 1024))
}

// Summarize makes the compact summary of a reputation.
func (b *Builder) Summarize(r *shopguard.Reputation) Summary {
	return summarize(r, b.types)
}

func summarize(r *shopguard.Reputation, tt *typeTable) Summary {
	return summaryOf(&shopguard.ReputationRow{Score: r.Score, Reports: r.Reports, Reporters: r.Reporters, Confirmed: r.Confirmed,
		Delisted: r.Delisted, Imported: r.Source != "", FirstSeen: r.FirstSeen, LastSeen: r.LastSeen}, tt.intern(r.ScamTypes))
}

// summaryOf makes the summary of a row whose set of scam types has the id types.
func summaryOf(r *shopguard.ReputationRow, types uint16) Summary {
	s := Summary{
		Score: uint8(max(0, min(r.Score, 100))), Reports: sat16(r.Reports), Reporters: sat16(r.Reporters),
		FirstDay: toDay(r.FirstSeen), LastDay: toDay(r.LastSeen), Types: types,
	}
	if r.Confirmed {
		s.Flags |= flagConfirmed
	}
	if r.Delisted {
		s.Flags |= flagDelisted
	}
	if r.Imported {
		s.Flags |= flagImported
	}
	return s
}

func (tt *typeTable) intern(types []string) uint16 {
	k := strings.Join(types, ",")
	if id, ok := tt.ids[k]; ok {
		return id
	}
	if len(tt.sets) > 0xFFFF {
		return 0 // more distinct sets than a table holds: the types are left out
	}
	id := uint16(len(tt.sets))
	tt.sets = append(tt.sets, slices.Clone(types))
	tt.ids[k] = id
	return id
}

// internJoined is intern for the codes joined by commas.
func (tt *typeTable) internJoined(joined []byte) uint16 {
	if id, ok := tt.ids[string(joined)]; ok {
		return id
	}
	return tt.intern(strings.Split(string(joined), ","))
}

// clone copies a type table, for a writer to add to while readers use the old one.
func (tt *typeTable) clone() *typeTable {
	c := &typeTable{sets: slices.Clone(tt.sets), ids: make(map[string]uint16, len(tt.ids))}
	for k, v := range tt.ids {
		c.ids[k] = v
	}
	return c
}

// Build sorts the collected indicators, with those of the other builders (filled in
// parallel), into x, replacing what it held. The builders are used up.
func (b *Builder) Build(x *Index, others ...*Builder) {
	x.writeMu.Lock()
	defer x.writeMu.Unlock()
	x.compactMu.Lock()
	defer x.compactMu.Unlock()
	t := b.table(others...)
	x.mu.Lock()
	x.base.Store(t)
	x.types.Store(b.types)
	x.overlay = map[string]overlayEntry{}
	x.byBkt = map[uint32][]string{}
	x.pending.Store(0)
	x.mu.Unlock()
}

// table makes the table of the entries, with those of the other builders (of the same seed),
// whose sets of scam types are interned into b's. It takes linear time: the entries are
// sorted by a counting sort on their keys' top 20 bits, then within each such range, which
// holds a handful; the strings are grouped by prefix by a counting sort.
func (b *Builder) table(others ...*Builder) *table {
	parts := append([]*Builder{b}, others...)
	n, size := 0, 0
	for _, p := range parts {
		n, size = n+len(p.ents), size+len(p.arena)
	}
	if n == 0 && size == 0 {
		return &table{homes: 1, keys: make([]uint64, 1), sums: make([]Summary, 1), seed: b.seed, sha: b.sha, mac: b.mac, starts: noStarts()}
	}
	ranges := make([]uint32, 1<<rangeBits+1)
	starts := make([]uint32, 1<<prefixBits+1)
	for _, p := range parts {
		for _, e := range p.ents {
			ranges[e.key>>(64-rangeBits)+1]++
		}
		for i, r := range p.strs {
			starts[r.prefix+1] += uint32(strEnd(p, i) - r.off)
		}
	}
	for i := 1; i < len(ranges); i++ {
		ranges[i] += ranges[i-1]
		starts[i] += starts[i-1]
	}
	sorted := make([]ent, n)
	arena := make([]byte, size)
	next, nextStr := slices.Clone(ranges[:1<<rangeBits]), slices.Clone(starts[:1<<prefixBits])
	for pi, p := range parts {
		var types []uint16 // p's set ids in b's table, nil for b
		if pi > 0 {
			types = make([]uint16, len(p.types.sets))
			for id, set := range p.types.sets {
				types[id] = b.types.intern(set)
			}
		}
		for _, e := range p.ents {
			if types != nil {
				e.sum.Types = types[e.sum.Types]
			}
			r := e.key >> (64 - rangeBits)
			sorted[next[r]] = e
			next[r]++
		}
		for i, r := range p.strs {
			nextStr[r.prefix] += uint32(copy(arena[nextStr[r.prefix]:], p.arena[r.off:strEnd(p, i)]))
		}
		p.ents, p.strs, p.arena = nil, nil, nil
	}
	for r := range 1 << rangeBits {
		if part := sorted[ranges[r]:ranges[r+1]]; len(part) > 1 {
			slices.SortFunc(part, func(a, b ent) int { return cmp.Compare(a.key, b.key) })
		}
	}
	t := &table{homes: homesFor(n), n: n, seed: b.seed, sha: b.sha, mac: b.mac, arena: arena, starts: starts}
	slots := t.homes
	if n > 0 { // the last entry's slot, where each is placed at its home or just after the one before
		pos := uint64(0)
		for i, e := range sorted {
			h := home(e.key, t.homes)
			if i == 0 || h > pos {
				pos = h
			} else {
				pos++
			}
		}
		slots = max(slots, pos+1)
	}
	t.keys, t.sums = make([]uint64, slots), make([]Summary, slots)
	pos := uint64(0)
	for i, e := range sorted {
		if h := home(e.key, t.homes); i == 0 || h > pos {
			pos = h
		} else {
			pos++
		}
		t.keys[pos], t.sums[pos] = e.key, e.sum
	}
	return t
}

// rangeBits is how many top bits of the keys the counting sort of a build sorts on.
const rangeBits = 20

// noStarts returns the prefix offsets of an empty arena, shared by the empty tables (every
// index starts as one) so that making one costs no 4 MiB.
var noStarts = sync.OnceValue(func() []uint32 { return make([]uint32, 1<<prefixBits+1) })

// strEnd returns where the i-th string of p's arena ends.
func strEnd(p *Builder, i int) uint32 {
	o := p.strs[i].off
	return o + 1 + uint32(p.arena[o])
}

// Len returns about how many indicators the index holds: a changed or removed one counts
// twice until the overlay is folded in.
func (x *Index) Len() int {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return x.base.Load().n + len(x.overlay)
}

// Put records the reputation of one identifier, replacing what the index knew; an empty
// reputation removes it.
func (x *Index) Put(r *shopguard.Reputation) {
	x.writeMu.Lock()
	defer x.writeMu.Unlock()
	k := r.Identifier.String()
	tt := x.types.Load()
	e := overlayEntry{removed: r.Empty() && r.Source == ""}
	if !e.removed {
		if _, ok := tt.ids[strings.Join(r.ScamTypes, ",")]; !ok {
			tt = tt.clone()
			e.sum = summarize(r, tt)
			x.types.Store(tt) // before the entry that refers to the new set is visible
		} else {
			e.sum = summarize(r, tt)
		}
	}
	h := sha256.Sum256([]byte(k))
	x.mu.Lock()
	if _, ok := x.overlay[k]; !ok {
		b := prefixOf(&h)
		x.byBkt[b] = append(x.byBkt[b], k)
		x.pending.Add(1)
	}
	x.overlay[k] = e
	x.mu.Unlock()
	if x.MaxOverlay > 0 && int(x.pending.Load()) > x.MaxOverlay && x.compacting.CompareAndSwap(false, true) {
		go func() {
			defer x.compacting.Store(false)
			x.compact()
		}()
	}
}

// compact folds the overlay into a new table, in the background of lookups and changes: it
// builds from a copy of the overlay, then swaps the table in and drops from the overlay the
// entries it folded that have not changed since.
func (x *Index) compact() {
	x.compactMu.Lock()
	defer x.compactMu.Unlock()
	x.mu.RLock()
	old := x.base.Load()
	snap := maps.Clone(x.overlay)
	x.mu.RUnlock()
	changed := make(map[uint64]bool, len(snap))
	for s := range snap {
		changed[old.key([]byte(s))] = true
	}
	n := old.n + len(snap)
	b := &Builder{ents: make([]ent, 0, n), strs: make([]strRef, 0, n), arena: make([]byte, 0, len(old.arena)),
		seed: old.seed, sha: old.sha, mac: old.mac, types: x.types.Load()}
	for i, k := range old.keys {
		if k != 0 && !changed[k] {
			b.ents = append(b.ents, ent{k, old.sums[i]})
		}
	}
	for p := range uint32(1 << prefixBits) {
		old.strings(old.starts[p], old.starts[p+1], func(s string) bool {
			if _, ok := snap[s]; !ok {
				b.addString([]byte(s), p)
			}
			return true
		})
	}
	for s, e := range snap {
		if !e.removed {
			b.addRaw([]byte(s), e.sum)
		}
	}
	t := b.table()
	x.mu.Lock()
	defer x.mu.Unlock()
	x.base.Store(t)
	for k, e := range snap {
		if cur, ok := x.overlay[k]; ok && cur == e {
			delete(x.overlay, k)
		}
	}
	x.byBkt = map[uint32][]string{}
	for k := range x.overlay {
		h := sha256.Sum256([]byte(k))
		x.byBkt[prefixOf(&h)] = append(x.byBkt[prefixOf(&h)], k)
	}
	x.pending.Store(int64(len(x.overlay)))
}

// lookupKey finds the summary for the "kind:value" string s.
func (x *Index) lookupKey(s []byte) (Summary, bool) {
	if x.pending.Load() > 0 {
		x.mu.RLock()
		e, ok := x.overlay[string(s)]
		x.mu.RUnlock()
		if ok {
			return e.sum, !e.removed
		}
	}
	t := x.base.Load()
	if i, ok := t.find(t.key(s)); ok {
		return t.sums[i], true
	}
	return Summary{}, false
}

// Lookup normalises raw as an identifier of kind and returns what the index knows about it at
// time now. Any valid value gets an answer, known or not; a bad one gets an EINVALID error.
func (x *Index) Lookup(kind shopguard.Kind, raw string, now time.Time) (shopguard.Indicator, error) {
	var buf [128]byte
	b := append(append(buf[:0], kind...), ':')
	b, err := ident.AppendCanonical(b, kind, raw)
	if err != nil {
		return shopguard.Indicator{}, err
	}
	sum, _ := x.lookupKey(b)
	return x.indicator(kind, string(b[len(kind)+1:]), sum, now), nil
}

// Risk is Lookup without the answer's details, for the hot path: the risk and whether the
// identifier is known.
func (x *Index) Risk(kind shopguard.Kind, raw string, now time.Time) (shopguard.Risk, bool, error) {
	var buf [128]byte
	b := append(append(buf[:0], kind...), ':')
	b, err := ident.AppendCanonical(b, kind, raw)
	if err != nil {
		return "", false, err
	}
	sum, ok := x.lookupKey(b)
	return risk(sum, now), ok, nil
}

// Score returns the decayed score of a summary at time now.
func (s Summary) score(now time.Time) int {
	if s.Flags&flagDelisted != 0 || s.Score == 0 {
		return 0 // Decay's answer for 0, without the date (most identifiers looked up are unknown)
	}
	return Decay(int(s.Score), fromDay(s.LastDay), s.Flags&flagConfirmed != 0, now)
}

func risk(s Summary, now time.Time) shopguard.Risk { return shopguard.RiskOf(s.score(now)) }

func (x *Index) indicator(kind shopguard.Kind, value string, s Summary, now time.Time) shopguard.Indicator {
	in := shopguard.Indicator{
		Kind: kind, Display: ident.Mask(kind, value), Risk: risk(s, now), Score: s.score(now),
		Reports: int(s.Reports), Reporters: int(s.Reporters), Confirmed: s.Flags&flagConfirmed != 0,
		Delisted: s.Flags&flagDelisted != 0, ScamTypes: []string{}, Checked: []string{shopguard.CheckedCommunity},
	}
	if sets := x.types.Load().sets; int(s.Types) < len(sets) && sets[s.Types] != nil {
		in.ScamTypes = sets[s.Types]
	}
	if s.FirstDay != 0 {
		f, l := fromDay(s.FirstDay), fromDay(s.LastDay)
		in.FirstSeen, in.LastSeen = &f, &l
	}
	in.Finding = in.FindingOf()
	return in
}

// Match is one answer of a private lookup: a full lookup hash and the summary behind it.
type Match struct {
	Hash      string         `json:"hash"`
	Risk      shopguard.Risk `json:"risk"`
	Score     int            `json:"score"`
	Reports   int            `json:"reports"`
	Confirmed bool           `json:"confirmed"`
	ScamTypes []string       `json:"scam_types"`
	// Finding is as in shopguard.Indicator.
	Finding string `json:"finding"`
}

// Public returns the match as the public may see it, as shopguard.Indicator.Public does.
func (m Match) Public(showPending bool) Match {
	if m.Finding != shopguard.FindingUnderReview {
		return m
	}
	out := Match{Hash: m.Hash, Risk: shopguard.RiskLow, ScamTypes: []string{}, Finding: shopguard.FindingNone}
	if showPending {
		out.Finding = shopguard.FindingUnderReview
	}
	return out
}

// ParsePrefix checks a private-lookup prefix: the first five hex digits of a lookup hash.
func ParsePrefix(p string) (uint32, error) {
	if len(p) != 5 {
		return 0, shopguard.Invalid("prefix", "a prefix is the first 5 hex digits of the SHA-256 of kind:value, got %d characters", len(p))
	}
	var v uint32
	for _, c := range []byte(strings.ToLower(p)) {
		switch {
		case c >= '0' && c <= '9':
			v = v<<4 | uint32(c-'0')
		case c >= 'a' && c <= 'f':
			v = v<<4 | uint32(c-'a'+10)
		default:
			return 0, shopguard.Invalid("prefix", "a prefix is 5 hex digits (0-9, a-f), got %q", p)
		}
	}
	return v, nil
}

// Bucket returns every indicator of kind whose lookup hash starts with the 20-bit prefix,
// ordered by hash, so that a client can check an identifier without revealing it. Those whose
// score is 0 at time now (every report rejected, delisted, faded) are left out: they are no
// finding, and their hashes would only tell that someone once reported them. Without
// guessable, identifiers whose values can all be tried (ident.LowEntropy) are left out too:
// their full hashes would give them away (see WriteSnapshot); a server answers them only to
// callers it knows. An index read from a snapshot holds no identifiers and answers none.
func (x *Index) Bucket(kind shopguard.Kind, prefix uint32, now time.Time, guessable bool) []Match {
	out := []Match{}
	if !guessable && ident.LowEntropyKind(kind) {
		return out
	}
	pre := string(kind) + ":"
	add := func(s string, sum Summary) {
		if !strings.HasPrefix(s, pre) || sum.score(now) == 0 || !guessable && ident.LowEntropy(kind, s[len(pre):]) {
			return
		}
		h := sha256.Sum256([]byte(s))
		m := Match{Hash: hex.EncodeToString(h[:]), Risk: risk(sum, now), Score: sum.score(now), Reports: int(sum.Reports), Confirmed: sum.Flags&flagConfirmed != 0, ScamTypes: []string{}}
		if sets := x.types.Load().sets; int(sum.Types) < len(sets) && sets[sum.Types] != nil {
			m.ScamTypes = sets[sum.Types]
		}
		m.Finding = shopguard.Indicator{Reports: m.Reports, Confirmed: m.Confirmed, Delisted: sum.Flags&flagDelisted != 0}.FindingOf()
		out = append(out, m)
	}
	x.mu.RLock()
	defer x.mu.RUnlock()
	t := x.base.Load()
	if prefix >= 1<<prefixBits {
		return out
	}
	x.eachBase(t, t.starts[prefix], t.starts[prefix+1], func(s string, sum Summary) bool { add(s, sum); return true })
	for _, s := range x.byBkt[prefix] {
		if e := x.overlay[s]; !e.removed {
			add(s, e.sum)
		}
	}
	slices.SortFunc(out, func(a, b Match) int { return strings.Compare(a.Hash, b.Hash) })
	return out
}

// eachBase calls fn with the identifiers of the table's arena between the offsets lo and hi
// and their summaries, leaving out those the overlay changes, until fn returns false; it
// returns false then. The caller holds x.mu.
func (x *Index) eachBase(t *table, lo, hi uint32, fn func(s string, sum Summary) bool) bool {
	return t.strings(lo, hi, func(s string) bool {
		if _, changed := x.overlay[s]; changed {
			return true
		}
		i, ok := t.find(t.key(unsafeBytes(s)))
		return !ok || fn(s, t.sums[i])
	})
}

// Each calls fn for every indicator in the index whose identifier it knows (not those loaded
// from a snapshot, which only carries hashes), until fn returns false. It is for exports and
// snapshots; fn must not change the index.
func (x *Index) Each(now time.Time, fn func(id shopguard.Identifier, in shopguard.Indicator) bool) {
	x.eachSummary(func(s string, sum Summary) bool {
		kind, value, _ := strings.Cut(s, ":")
		id := shopguard.Identifier{Kind: shopguard.Kind(kind), Value: value}
		return fn(id, x.indicator(id.Kind, value, sum, now))
	})
}

// eachSummary calls fn with every "kind:value" the index knows and its summary, until fn
// returns false. fn must not change the index.
func (x *Index) eachSummary(fn func(s string, sum Summary) bool) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	t := x.base.Load()
	if !x.eachBase(t, 0, uint32(len(t.arena)), fn) {
		return
	}
	for s, e := range x.overlay {
		if !e.removed && !fn(s, e.sum) {
			return
		}
	}
}

// MemoryBytes returns the bytes the index's table uses beyond the raw "kind:value" strings,
// and the bytes of those strings: what the size target is measured on.
func (x *Index) MemoryBytes() (overhead, raw int) {
	t := x.base.Load()
	strs := 0
	t.strings(0, uint32(len(t.arena)), func(string) bool { strs++; return true })
	overhead = cap(t.keys)*8 + cap(t.sums)*int(unsafe.Sizeof(Summary{})) + cap(t.starts)*4 + strs // +1 length byte each
	return overhead, len(t.arena) - strs
}
