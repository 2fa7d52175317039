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
	"strings"

	"github.com/shopguard/shopguard"
)

// An index cache is the whole index written to the node's data directory, with the change
// sequence number it reflects, so that a node restarts by reading one file and replaying the
// changes since instead of reading every reputation from the database.
//
//	"SGIDX001"                    magic
//	int64   change sequence number
//	uint32  scam-type sets, then each: uint16 length, the types joined by ","
//	uint64  entries n, uint64 arena length
//	n × uint64 keys, n × (uint32 arena offset, 12-byte summary)
//	(1<<20 + 1) × uint32 buckets
//	the arena
//	[32]byte SHA-256 of everything before
//
// Integers are little-endian. Unlike a snapshot, a cache holds the identifiers: it stays on
// the node, beside the database.
const cacheMagic = "SGIDX001"

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
	bw.Write(le.AppendUint64(buf[:0], uint64(len(t.keys))))
	bw.Write(le.AppendUint64(buf[:0], uint64(len(t.arena))))
	for _, k := range t.keys {
		bw.Write(le.AppendUint64(buf[:0], k))
	}
	for _, s := range t.side {
		bw.Write(appendSummary(le.AppendUint32(buf[:0], s.off), s.sum))
	}
	for _, b := range t.buckets {
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

// cacheReader reads a cache, hashing what it reads.
type cacheReader struct {
	r   *bufio.Reader
	h   hash.Hash
	err error
}

func (c *cacheReader) full(b []byte) []byte {
	if c.err == nil {
		_, c.err = io.ReadFull(c.r, b)
		c.h.Write(b)
	}
	return b
}

func (c *cacheReader) u16() uint16 { var b [2]byte; return binary.LittleEndian.Uint16(c.full(b[:])) }
func (c *cacheReader) u32() uint32 { var b [4]byte; return binary.LittleEndian.Uint32(c.full(b[:])) }
func (c *cacheReader) u64() uint64 { var b [8]byte; return binary.LittleEndian.Uint64(c.full(b[:])) }

// LoadCache replaces what x holds with a cache read from r and returns the change number it
// reflects. A damaged cache is refused with an error and x is left as it was.
func (x *Index) LoadCache(r io.Reader) (int64, error) {
	c := &cacheReader{r: bufio.NewReaderSize(r, 1<<20), h: sha256.New()}
	bad := func(format string, args ...any) (int64, error) {
		if c.err != nil && !errors.Is(c.err, io.ErrUnexpectedEOF) && !errors.Is(c.err, io.EOF) {
			return 0, fmt.Errorf("intel: read index cache: %w", c.err)
		}
		return 0, shopguard.Invalid("cache", "not a valid index cache: "+format, args...)
	}
	var magic [8]byte
	if string(c.full(magic[:])) != cacheMagic {
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
	n, arenaLen := c.u64(), c.u64()
	if c.err != nil || n > 1<<32-2 || arenaLen > 1<<32-1 {
		return bad("%d entries, %d bytes of identifiers", n, arenaLen)
	}
	t := &table{keys: make([]uint64, 0, n), side: make([]side, 0, n), buckets: make([]uint32, 0, 1<<bucketBits+1)}
	for range n {
		t.keys = append(t.keys, c.u64())
	}
	var rec [16]byte
	for i := range n {
		c.full(rec[:])
		s := side{off: binary.LittleEndian.Uint32(rec[:4]), sum: readSummary(rec[4:])}
		if int(s.sum.Types) >= len(tt.sets) || (s.off != hashedOnly && uint64(s.off) >= arenaLen) {
			return bad("entry %d is out of range", i)
		}
		t.side = append(t.side, s)
		if c.err != nil {
			return bad("cut short")
		}
	}
	prev := uint32(0)
	for b := range 1<<bucketBits + 1 {
		v := c.u32()
		if v < prev || uint64(v) > n || (b == 1<<bucketBits && uint64(v) != n) {
			return bad("bucket %d is out of order", b)
		}
		t.buckets, prev = append(t.buckets, v), v
	}
	t.arena = c.full(make([]byte, arenaLen))
	want := c.h.Sum(nil)
	var sum [32]byte
	if _, err := io.ReadFull(c.r, sum[:]); c.err != nil || err != nil || string(sum[:]) != string(want) {
		return bad("its checksum does not match: the file is damaged or truncated")
	}
	for i, s := range t.side {
		if s.off != hashedOnly && uint64(s.off)+1+uint64(t.arena[s.off]) > arenaLen {
			return bad("entry %d runs past the identifiers", i)
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
