package intel

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"maps"
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

// An identifier's place in the index comes from its lookup hash h: the top 20 bits are its
// bucket (and its private-lookup prefix), the next 64 bits its key within the bucket. The 84
// bits together tell identifiers apart with a chance of a false match below 10^-18 per lookup
// at 10 million indicators, so a lookup compares no strings.
func bucketOf(h *[32]byte) uint32 { return uint32(binary.BigEndian.Uint32(h[:4]) >> (32 - bucketBits)) }

func key(h *[32]byte) uint64 {
	return binary.BigEndian.Uint64(h[0:8])<<bucketBits | binary.BigEndian.Uint64(h[8:16])>>(64-bucketBits)
}

const bucketBits = 20

// table is an immutable, sorted snapshot of indicators. Per indicator it holds an 8-byte key,
// a 16-byte side entry and a 1-byte length prefix in the arena, plus a fixed 4 MiB table of
// buckets: 25.4 bytes per indicator at 10 million, beyond the "kind:value" strings.
type table struct {
	keys    []uint64
	side    []side
	arena   []byte   // length-prefixed "kind:value" strings
	buckets []uint32 // buckets[b] is the first entry whose key has prefix b; len 1<<20 + 1
}

type side struct {
	off uint32 // of the entry's length-prefixed "kind:value" in arena
	sum Summary
}

// hashedOnly marks an entry loaded from a snapshot, which carries the hash of its identifier
// but not the identifier.
const hashedOnly = ^uint32(0)

// entry returns the "kind:value" string of entry i, or "" for a hashed-only entry.
func (t *table) entry(i int) string {
	o := t.side[i].off
	if o == hashedOnly {
		return ""
	}
	n := uint32(t.arena[o])
	return unsafeString(t.arena[o+1 : o+1+n])
}

// find returns the position of the entry with the hash h.
func (t *table) find(h *[32]byte) (int, bool) {
	k, b := key(h), bucketOf(h)
	lo, hi := int(t.buckets[b]), int(t.buckets[b+1])
	for i, kk := range t.keys[lo:hi] { // a bucket holds about ten keys at 10 million: scan them
		if kk == k {
			return lo + i, true
		}
		if kk > k {
			break
		}
	}
	return 0, false
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

// Builder collects indicators for a new table.
type Builder struct {
	bkts  []uint32
	keys  []uint64
	side  []side
	arena []byte
	types *typeTable
	buf   []byte
}

// NewBuilder returns a builder sized for about n indicators.
func NewBuilder(n int) *Builder {
	return &Builder{
		bkts: make([]uint32, 0, n), keys: make([]uint64, 0, n), side: make([]side, 0, n), arena: make([]byte, 0, n*24),
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
	if len(b.keys) == cap(b.keys) || len(b.arena)+1+len(s) > cap(b.arena) {
		// double, rather than grow by the quarter append uses for large slices, which
		// copies each entry four times on average when the size is not known in advance
		b.bkts, b.keys, b.side = grow(b.bkts, 1), grow(b.keys, 1), grow(b.side, 1)
		b.arena = grow(b.arena, 1+len(s))
	}
	b.bkts = append(b.bkts, bucketOf(&h))
	b.keys = append(b.keys, key(&h))
	b.side = append(b.side, side{off: uint32(len(b.arena)), sum: sum})
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

// table sorts the entries by key, with those of the other builders, whose arenas are
// appended to b's and whose sets of scam types are interned into b's: a counting sort by
// bucket, then a sort within each bucket, which holds a handful of keys. It takes linear time.
func (b *Builder) table(others ...*Builder) *table {
	parts := append([]*Builder{b}, others...)
	n, size := 0, 0
	buckets := make([]uint32, 1<<bucketBits+1)
	for _, p := range parts {
		n, size = n+len(p.keys), size+len(p.arena)
		for _, bk := range p.bkts {
			buckets[bk+1]++
		}
	}
	for i := 1; i < len(buckets); i++ {
		buckets[i] += buckets[i-1]
	}
	t := &table{keys: make([]uint64, n), side: make([]side, n), arena: b.arena, buckets: buckets}
	if len(others) > 0 {
		t.arena = append(make([]byte, 0, size), b.arena...)
	}
	next := slices.Clone(buckets[:1<<bucketBits])
	for pi, p := range parts {
		base := uint32(0)
		var types []uint16 // p's set ids in b's table, nil for b
		if pi > 0 {
			base = uint32(len(t.arena))
			t.arena = append(t.arena, p.arena...)
			types = make([]uint16, len(p.types.sets))
			for id, set := range p.types.sets {
				types[id] = b.types.intern(set)
			}
		}
		for i, k := range p.keys {
			bk, e := p.bkts[i], p.side[i]
			if types != nil {
				e.sum.Types = types[e.sum.Types]
				if e.off != hashedOnly {
					e.off += base
				}
			}
			j := next[bk]
			next[bk]++
			// insertion into the bucket, kept sorted by key
			for j > buckets[bk] && t.keys[j-1] > k {
				t.keys[j], t.side[j] = t.keys[j-1], t.side[j-1]
				j--
			}
			t.keys[j], t.side[j] = k, e
		}
		p.bkts, p.keys, p.side, p.arena = nil, nil, nil, nil
	}
	return t
}

// Len returns about how many indicators the index holds: a changed or removed one counts
// twice until the overlay is folded in.
func (x *Index) Len() int {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return len(x.base.Load().keys) + len(x.overlay)
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
		b := bucketOf(&h)
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
	n := len(old.keys) + len(snap)
	b := &Builder{bkts: make([]uint32, 0, n), keys: make([]uint64, 0, n), side: make([]side, 0, n), arena: make([]byte, 0, len(old.arena)), types: x.types.Load()}
	for bk := range uint32(1 << bucketBits) {
		for i := old.buckets[bk]; i < old.buckets[bk+1]; i++ {
			s := old.entry(int(i))
			if _, changed := snap[s]; changed && s != "" {
				continue
			}
			b.bkts = append(b.bkts, bk)
			b.keys = append(b.keys, old.keys[i])
			if s == "" {
				b.side = append(b.side, side{off: hashedOnly, sum: old.side[i].sum})
				continue
			}
			b.side = append(b.side, side{off: uint32(len(b.arena)), sum: old.side[i].sum})
			b.arena = append(append(b.arena, byte(len(s))), s...)
		}
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
		x.byBkt[bucketOf(&h)] = append(x.byBkt[bucketOf(&h)], k)
	}
	x.pending.Store(int64(len(x.overlay)))
}

// lookupKey finds the summary for the "kind:value" string s.
func (x *Index) lookupKey(s []byte, h *[32]byte) (Summary, bool) {
	if x.pending.Load() > 0 {
		x.mu.RLock()
		e, ok := x.overlay[string(s)]
		x.mu.RUnlock()
		if ok {
			return e.sum, !e.removed
		}
	}
	t := x.base.Load()
	if i, ok := t.find(h); ok {
		return t.side[i].sum, true
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
	h := sha256.Sum256(b)
	sum, _ := x.lookupKey(b, &h)
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
	h := sha256.Sum256(b)
	sum, ok := x.lookupKey(b, &h)
	return risk(sum, now), ok, nil
}

// Score returns the decayed score of a summary at time now.
func (s Summary) score(now time.Time) int {
	if s.Flags&flagDelisted != 0 {
		return 0
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
// ordered by hash, so that a client can check an identifier without revealing it.
func (x *Index) Bucket(kind shopguard.Kind, prefix uint32, now time.Time) []Match {
	out := []Match{}
	pre := string(kind) + ":"
	add := func(s string, sum Summary) {
		if !strings.HasPrefix(s, pre) {
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
	for i := t.buckets[prefix]; i < t.buckets[prefix+1]; i++ {
		s := t.entry(int(i))
		if _, changed := x.overlay[s]; !changed && s != "" {
			add(s, t.side[i].sum)
		}
	}
	for _, s := range x.byBkt[prefix] {
		if e := x.overlay[s]; !e.removed {
			add(s, e.sum)
		}
	}
	slices.SortFunc(out, func(a, b Match) int { return strings.Compare(a.Hash, b.Hash) })
	return out
}

// Each calls fn for every indicator in the index whose identifier it knows (not those loaded
// from a snapshot, which only carries hashes), until fn returns false. It is for exports and snapshots; fn must not change the index.
func (x *Index) Each(now time.Time, fn func(id shopguard.Identifier, in shopguard.Indicator) bool) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	t := x.base.Load()
	emit := func(s string, sum Summary) bool {
		kind, value, _ := strings.Cut(s, ":")
		id := shopguard.Identifier{Kind: shopguard.Kind(kind), Value: value}
		return fn(id, x.indicator(id.Kind, value, sum, now))
	}
	for i := range t.keys {
		s := t.entry(i)
		if _, changed := x.overlay[s]; !changed && s != "" && !emit(s, t.side[i].sum) {
			return
		}
	}
	for s, e := range x.overlay {
		if !e.removed && !emit(s, e.sum) {
			return
		}
	}
}

// MemoryBytes returns the bytes the index's table uses beyond the raw "kind:value" strings,
// and the bytes of those strings: what the size target is measured on.
func (x *Index) MemoryBytes() (overhead, raw int) {
	t := x.base.Load()
	overhead = cap(t.keys)*8 + cap(t.side)*int(unsafe.Sizeof(side{})) + cap(t.buckets)*4 + len(t.keys) // +1 length byte each
	raw = len(t.arena) - len(t.keys)
	return overhead, raw
}
