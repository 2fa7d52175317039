package intel

import (
	"bufio"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/shopguard/shopguard"
)

// An index cache is the whole index written to the node's data directory, with the change
// sequence number it reflects, so that a node restarts by reading one file and replaying the
// changes since instead of reading every reputation from the database.
//
//	"SGIDX002"                    magic: the format's version
//	int64   change sequence number
//	uint32  scam-type sets, then each: uint16 length, the types joined by ","
//	uint8   1 if the keys are lookup-hash prefixes, 0 if they are hashes under the seed
//	uint64  seed of the key hash
//	uint64  slots, uint64 home slots, uint64 entries n, uint64 arena length
//	slots × uint64 keys (0 for an empty slot)
//	n × 12-byte summaries, of the full slots in order
//	(1<<20 + 1) × uint32 arena offsets of the lookup-hash prefixes
//	the arena: length-prefixed "kind:value" strings
//	[32]byte SHA-256 of everything before
//
// Integers are little-endian. Unlike a snapshot, a cache holds the identifiers: it stays on
// the node, beside the database. A cache of another version ("SGIDX001", the sorted table
// before the open-addressing one) is refused, and the node reads the database instead.
const cacheMagic = "SGIDX002"

// cacheMagicPrefix starts every version of the cache header.
const cacheMagicPrefix = "SGIDX"

// WriteCache writes the index and the change number it reflects to w.
func (x *Index) WriteCache(w io.Writer, seq int64) error {
	x.writeMu.Lock() // no change while the cache is written: after compact the overlay is empty
	defer x.writeMu.Unlock()
	if x.pending.Load() > 0 {
		x.compact()
	}
	t := x.base.Load()
	sets := x.types.Load().sets
	h := sha256.New()
	bw := bufio.NewWriterSize(io.MultiWriter(w, h), 1<<20)
	le := binary.LittleEndian
	var buf [32]byte
	bw.WriteString(cacheMagic)
	bw.Write(le.AppendUint64(buf[:0], uint64(seq)))
	bw.Write(le.AppendUint32(buf[:0], uint32(len(sets))))
	for _, set := range sets {
		j := strings.Join(set, ",")
		bw.Write(le.AppendUint16(buf[:0], uint16(len(j))))
		bw.WriteString(j)
	}
	mode := byte(0)
	if t.sha {
		mode = 1
	}
	bw.WriteByte(mode)
	for _, v := range []uint64{t.seed, uint64(len(t.keys)), t.homes, uint64(t.n), uint64(len(t.arena))} {
		bw.Write(le.AppendUint64(buf[:0], v))
	}
	for _, k := range t.keys {
		bw.Write(le.AppendUint64(buf[:0], k))
	}
	for i, k := range t.keys {
		if k != 0 {
			bw.Write(appendSummary(buf[:0], t.sums[i]))
		}
	}
	for _, b := range t.starts {
		bw.Write(le.AppendUint32(buf[:0], b))
	}
	bw.Write(t.arena)
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("intel: write index cache: %w", err)
	}
	if _, err := w.Write(h.Sum(nil)); err != nil {
		return fmt.Errorf("intel: write index cache: %w", err)
	}
	return nil
}

// maxCacheSlots bounds the slots a cache may claim (an index of about 3.8 billion entries).
const maxCacheSlots = 1 << 32

// cacheReader reads a cache, hashing what it reads.
type cacheReader struct {
	r    *bufio.Reader
	h    hash.Hash
	err  error
	read uint64 // bytes read
}

func (c *cacheReader) full(b []byte) []byte {
	if c.err == nil {
		_, c.err = io.ReadFull(c.r, b)
		c.h.Write(b)
		c.read += uint64(len(b))
	}
	return b
}

// remaining returns how many bytes r has left to read, when r is a file or a reader of bytes
// that knows it, or -1.
func remaining(r io.Reader) int64 {
	switch r := r.(type) {
	case *os.File:
		fi, err := r.Stat()
		if err != nil || !fi.Mode().IsRegular() {
			return -1
		}
		at, err := r.Seek(0, io.SeekCurrent)
		if err != nil {
			return -1
		}
		return fi.Size() - at
	case interface{ Len() int }:
		return int64(r.Len())
	}
	return -1
}

func (c *cacheReader) u16() uint16 { var b [2]byte; return binary.LittleEndian.Uint16(c.full(b[:])) }
func (c *cacheReader) u32() uint32 { var b [4]byte; return binary.LittleEndian.Uint32(c.full(b[:])) }
func (c *cacheReader) u64() uint64 { var b [8]byte; return binary.LittleEndian.Uint64(c.full(b[:])) }

// LoadCache replaces what x holds with a cache read from r and returns the change number it
// reflects. A damaged cache is refused with an error and x is left as it was.
func (x *Index) LoadCache(r io.Reader) (int64, error) {
	size := remaining(r)
	c := &cacheReader{r: bufio.NewReaderSize(r, 1<<20), h: sha256.New()}
	bad := func(format string, args ...any) (int64, error) {
		if c.err != nil && !errors.Is(c.err, io.ErrUnexpectedEOF) && !errors.Is(c.err, io.EOF) {
			return 0, fmt.Errorf("intel: read index cache: %w", c.err)
		}
		return 0, shopguard.Invalid("cache", "not a valid index cache: "+format, args...)
	}
	var magic [8]byte
	switch m := string(c.full(magic[:])); {
	case m == cacheMagic:
	case strings.HasPrefix(m, cacheMagicPrefix) && c.err == nil:
		return bad("it is of another version (%q, this program reads %q)", m, cacheMagic)
	default:
		return bad("it does not start with the cache header")
	}
	seq := int64(c.u64())
	nsets := c.u32()
	if c.err != nil || nsets == 0 || nsets > 1<<16 {
		return bad("%d scam-type sets", nsets)
	}
	tt := &typeTable{ids: map[string]uint16{}}
	for i := range nsets {
		b := c.full(make([]byte, c.u16()))
		var set []string
		if len(b) > 0 {
			set = strings.Split(string(b), ",")
		}
		tt.sets = append(tt.sets, set)
		if _, dup := tt.ids[string(b)]; !dup {
			tt.ids[string(b)] = uint16(i)
		}
	}
	var mode [1]byte
	c.full(mode[:])
	t := &table{sha: mode[0] == 1, seed: c.u64()}
	slots, homes, n, arenaLen := c.u64(), c.u64(), c.u64(), c.u64()
	if c.err != nil || mode[0] > 1 || slots > maxCacheSlots || homes == 0 || homes > slots || n > slots || arenaLen > 1<<32-1 {
		return bad("%d slots, %d home slots, %d entries, %d bytes of identifiers", slots, homes, n, arenaLen)
	}
	t.homes, t.n = homes, int(n)
	// A header that claims more than the file holds must not make the reader allocate more
	// than the file: where the file's size is known it must be what the header says, else
	// the reader allocates in steps.
	step := uint64(1 << 20)
	if size >= 0 {
		if uint64(size) != c.read+slots*8+n*12+(1<<prefixBits+1)*4+arenaLen+sha256.Size {
			return bad("its size (%d bytes) is not what its header says", size)
		}
		step = max(slots, arenaLen)
	}
	t.keys = make([]uint64, 0, min(slots, step))
	runStart, full, last := uint64(0), uint64(0), uint64(0)
	for i := range slots {
		k := c.u64()
		if c.err != nil {
			return bad("cut short")
		}
		switch {
		case k == 0:
			runStart = i + 1
		case home(k, homes) < runStart || home(k, homes) > i || k < last:
			// a lookup reads from the home slot through full slots of smaller keys
			return bad("slot %d is out of order", i)
		default:
			full, last = full+1, k
		}
		t.keys = append(t.keys, k)
	}
	if full != n {
		return bad("%d full slots, %d entries", full, n)
	}
	t.sums = make([]Summary, 0, min(slots, step))
	var rec [12]byte
	for i, k := range t.keys {
		var s Summary
		if k != 0 {
			s = readSummary(c.full(rec[:]))
			if c.err != nil || int(s.Types) >= len(tt.sets) {
				return bad("entry at slot %d is out of range", i)
			}
		}
		t.sums = append(t.sums, s)
	}
	t.starts = make([]uint32, 0, 1<<prefixBits+1)
	prev := uint32(0)
	for p := range 1<<prefixBits + 1 {
		v := c.u32()
		if v < prev || uint64(v) > arenaLen || (p == 0 && v != 0) || (p == 1<<prefixBits && uint64(v) != arenaLen) {
			return bad("prefix %d is out of order", p)
		}
		t.starts, prev = append(t.starts, v), v
	}
	t.arena = make([]byte, 0, min(arenaLen, step))
	for uint64(len(t.arena)) < arenaLen && c.err == nil {
		have, n := len(t.arena), int(min(arenaLen-uint64(len(t.arena)), max(step, 1<<24)))
		t.arena = slices.Grow(t.arena, n)[:have+n]
		c.full(t.arena[have:])
	}
	want := c.h.Sum(nil)
	var sum [32]byte
	if _, err := io.ReadFull(c.r, sum[:]); c.err != nil || err != nil || string(sum[:]) != string(want) {
		return bad("its checksum does not match: the file is damaged or truncated")
	}
	for p := range 1 << prefixBits {
		o := t.starts[p]
		for o < t.starts[p+1] {
			o += 1 + uint32(t.arena[o])
		}
		if o != t.starts[p+1] {
			return bad("the identifiers of prefix %d run past it", p)
		}
	}
	x.writeMu.Lock()
	defer x.writeMu.Unlock()
	x.compactMu.Lock()
	defer x.compactMu.Unlock()
	x.mu.Lock()
	x.base.Store(t)
	x.types.Store(tt)
	x.overlay = map[string]overlayEntry{}
	x.byBkt = map[uint32][]string{}
	x.pending.Store(0)
	x.mu.Unlock()
	return seq, nil
}

// SaveCache writes the index to CachePath, through a temporary file that is synced and
// renamed into place, so that a crash never leaves half a cache.
func (s *Service) SaveCache() error {
	if s.CachePath == "" {
		return nil
	}
	s.syncMu.Lock()
	defer s.syncMu.Unlock()
	if err := os.MkdirAll(filepath.Dir(s.CachePath), 0o750); err != nil {
		return fmt.Errorf("intel: save index cache: %w", err)
	}
	f, err := os.CreateTemp(filepath.Dir(s.CachePath), ".index-cache-*")
	if err != nil {
		return fmt.Errorf("intel: save index cache: %w", err)
	}
	defer os.Remove(f.Name())
	if err := s.Index.WriteCache(f, s.cursor); err != nil {
		f.Close()
		return err
	}
	if err := errors.Join(f.Sync(), f.Close()); err != nil {
		return fmt.Errorf("intel: save index cache: %w", err)
	}
	if err := os.Rename(f.Name(), s.CachePath); err != nil {
		return fmt.Errorf("intel: save index cache: %w", err)
	}
	return nil
}

// loadCache loads CachePath into the index and returns the change number it reflects; ok is
// false when there is no usable cache.
func (s *Service) loadCache() (seq int64, ok bool) {
	if s.CachePath == "" {
		return 0, false
	}
	f, err := os.Open(s.CachePath)
	if err != nil {
		return 0, false
	}
	defer f.Close()
	seq, err = s.Index.LoadCache(f)
	if err != nil {
		if s.Log != nil {
			s.Log.Warn("intel: index cache unusable, reading the database", "err", err)
		}
		return 0, false
	}
	return seq, true
}
