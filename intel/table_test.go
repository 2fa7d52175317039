package intel

import (
	"bytes"
	"io"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/shopguard/shopguard"
)

// The table finds every key it holds and none it does not, also where keys crowd onto the
// same home slots and run past the last home slot.
func TestTableFindsWhatItHolds(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, c := range []struct {
		name string
		key  func() uint64
	}{
		{"uniform", func() uint64 { return max(rng.Uint64(), 1) }},
		{"one home", func() uint64 { return 1<<40 + rng.Uint64N(1<<20) }},
		{"the last homes", func() uint64 { return ^uint64(0) - rng.Uint64N(1<<50) }},
		{"the first homes", func() uint64 { return 1 + rng.Uint64N(1<<50) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			b := NewBuilder(0)
			held := map[uint64]uint8{}
			for i := range 5000 {
				k := c.key()
				if _, dup := held[k]; dup {
					continue
				}
				held[k] = uint8(i)
				b.addEntry(k, Summary{Score: uint8(i)})
			}
			tb := b.table()
			if tb.n != len(held) {
				t.Fatalf("n = %d, want %d", tb.n, len(held))
			}
			for k, score := range held {
				i, ok := tb.find(k)
				if !ok || tb.sums[i].Score != score {
					t.Fatalf("key %x: slot %d, %v, score %d, want %d", k, i, ok, tb.sums[i].Score, score)
				}
				for _, near := range []uint64{k - 1, k + 1} {
					if _, held := held[near]; !held && near != 0 {
						if _, ok := tb.find(near); ok {
							t.Fatalf("key %x found, never added", near)
						}
					}
				}
			}
		})
	}
}

// A key hashes the same under the same seed and differently under another, and the hash
// spreads identifiers that differ in one digit.
func TestHash64(t *testing.T) {
	a, b := []byte("phone:+8613812345678"), []byte("phone:+8613812345679")
	if hash64(1, a) != hash64(1, bytes.Clone(a)) {
		t.Fatal("hash64 is not a function of its input")
	}
	if hash64(1, a) == hash64(2, a) || hash64(1, a) == hash64(1, b) {
		t.Fatal("hash64 ignores the seed or the last digit")
	}
	// every length up to 40 bytes reaches all 64 bits of the hash
	for n := range 41 {
		var or, and uint64 = 0, ^uint64(0)
		for i := range 64 {
			s := []byte(strings.Repeat("7", n) + string(rune('a'+i%26)) + string(rune('A'+i/26)))
			h := hash64(9, s)
			or, and = or|h, and&h
		}
		if or != ^uint64(0) || and != 0 {
			t.Fatalf("length %d: bits never set %x, bits always set %x", n, ^or, and)
		}
	}
}

// An index cache of the sorted table's format is refused with a message that names the version,
// so that a node upgraded in place reads the database once instead of misreading the file.
func TestLoadCacheRefusesOtherVersions(t *testing.T) {
	x := NewIndex()
	_, err := x.LoadCache(bytes.NewReader(append([]byte("SGIDX001"), make([]byte, 64)...)))
	if shopguard.ErrorCode(err) != shopguard.EINVALID || !strings.Contains(err.Error(), "another version") {
		t.Fatalf("a version-1 cache: %v", err)
	}
}

// A cache reads back whether or not the reader knows its size, and one whose size is not
// what its header says is refused before anything of its claimed size is allocated.
func TestLoadCacheSizes(t *testing.T) {
	x := NewIndex()
	b := NewBuilder(0)
	for i := range 300 {
		b.AddSummary(shopguard.Identifier{Kind: shopguard.KindQQ, Value: strings.Repeat("1", 5+i%7) + string(rune('0'+i%10))}, Summary{Score: 40, Reports: uint16(i)})
	}
	b.Build(x)
	var buf bytes.Buffer
	if err := x.WriteCache(&buf, 3); err != nil {
		t.Fatal(err)
	}
	for name, r := range map[string]io.Reader{"sized": bytes.NewReader(buf.Bytes()), "unsized": io.MultiReader(bytes.NewReader(buf.Bytes()))} {
		y := NewIndex()
		if seq, err := y.LoadCache(r); err != nil || seq != 3 || y.Len() != x.Len() {
			t.Fatalf("%s: seq %d, %d entries of %d, %v", name, seq, y.Len(), x.Len(), err)
		}
	}
	_, err := NewIndex().LoadCache(bytes.NewReader(append(bytes.Clone(buf.Bytes()), 0)))
	if shopguard.ErrorCode(err) != shopguard.EINVALID || !strings.Contains(err.Error(), "size") {
		t.Fatalf("a cache with a byte too many: %v", err)
	}
}
