package intel_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/intel"
)

// benchN is the size the index targets: 10 million indicators.
const benchN = 10_000_000

// synthetic returns the i-th synthetic identifier: mostly Chinese mobiles, with QQ numbers and
// bank cards mixed in, as the community reports them.
func synthetic(i int) shopguard.Identifier {
	switch i % 10 {
	case 8:
		return shopguard.Identifier{Kind: shopguard.KindQQ, Value: fmt.Sprint(100000 + i*7)}
	case 9:
		return shopguard.Identifier{Kind: shopguard.KindBankAccount, Value: fmt.Sprintf("1202%015d", i)}
	}
	return shopguard.Identifier{Kind: shopguard.KindPhone, Value: fmt.Sprintf("+861%d%09d", 3+i%7, i)}
}

func buildSynthetic(n int) *intel.Index {
	x := intel.NewIndex()
	b := intel.NewBuilder(n)
	s := b.Summarize(&shopguard.Reputation{Score: 45, Reports: 2, Reporters: 2, ScamTypes: []string{"deposit_scam"}, FirstSeen: day0, LastSeen: day0})
	for i := range n {
		b.AddSummary(synthetic(i), s)
	}
	b.Build(x)
	return x
}

var (
	benchOnce  sync.Once
	benchIndex *intel.Index
)

func bigIndex(b *testing.B) *intel.Index {
	if testing.Short() {
		b.Skip("10M-indicator index skipped in -short mode")
	}
	benchOnce.Do(func() { benchIndex = buildSynthetic(benchN) })
	return benchIndex
}

// BenchmarkBuild10M builds the index of 10 million indicators: hashing, sorting, buckets.
// Run it with -benchtime=1x.
func BenchmarkBuild10M(b *testing.B) {
	if testing.Short() {
		b.Skip("skipped in -short mode")
	}
	for b.Loop() {
		start := time.Now()
		x := buildSynthetic(benchN)
		b.ReportMetric(time.Since(start).Seconds(), "s/build")
		over, raw := x.MemoryBytes()
		b.ReportMetric(float64(over)/benchN, "bytes/indicator")
		b.ReportMetric(float64(raw)/benchN, "rawbytes/indicator")
		runtime.KeepAlive(x)
	}
}

// BenchmarkLookup10M looks up phones as users type them ("138 1234 5678"), half known and
// half not, normalisation included. Run with -cpu 1 for lookups per second per core.
func BenchmarkLookup10M(b *testing.B) {
	x := bigIndex(b)
	over, _ := x.MemoryBytes()
	inputs := make([]string, 4096)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range inputs {
		n := rng.IntN(benchN)
		for n%10 >= 8 {
			n = rng.IntN(benchN)
		}
		if i%2 == 1 {
			n += benchN // beyond the synthetic set: unknown
		}
		v := fmt.Sprintf("1%d%09d", 3+n%7, n%1_000_000_000)
		inputs[i] = v[:3] + " " + v[3:7] + " " + v[7:]
	}
	now := day0.Add(time.Hour)
	b.ResetTimer()
	i := 0
	for b.Loop() {
		if _, _, err := x.Risk(shopguard.KindPhone, inputs[i&4095], now); err != nil {
			b.Fatal(err)
		}
		i++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "lookups/s")
	b.ReportMetric(float64(over)/benchN, "bytes/indicator")
}

// BenchmarkLookupFull10M is Lookup with the whole public answer (masking, dates, types).
func BenchmarkLookupFull10M(b *testing.B) {
	x := bigIndex(b)
	now := day0.Add(time.Hour)
	i := 0
	for b.Loop() {
		if _, err := x.Lookup(shopguard.KindPhone, fmt.Sprintf("13%09d", i%1000), now); err != nil {
			b.Fatal(err)
		}
		i++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "lookups/s")
}

func TestSyntheticIsFound(t *testing.T) {
	x := buildSynthetic(1000)
	for _, i := range []int{0, 1, 8, 9, 500, 999} {
		id := synthetic(i)
		in, err := x.Lookup(id.Kind, id.Value, day0)
		if err != nil || in.Reports != 2 {
			t.Fatalf("synthetic %d (%v): %+v, %v", i, id, in, err)
		}
	}
}

// BenchmarkStartFromCache10M measures a node's start from its index cache: reading the file
// of 10 million indicators back into an index. Run it with -benchtime=1x.
func BenchmarkStartFromCache10M(b *testing.B) {
	x := bigIndex(b)
	path := filepath.Join(b.TempDir(), "index.cache")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	if err := x.WriteCache(f, 1); err != nil {
		b.Fatal(err)
	}
	f.Close()
	for b.Loop() {
		start := time.Now()
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		y := intel.NewIndex()
		if _, err := y.LoadCache(f); err != nil {
			b.Fatal(err)
		}
		f.Close()
		b.ReportMetric(time.Since(start).Seconds(), "s/start")
		if y.Len() != benchN {
			b.Fatalf("loaded %d", y.Len())
		}
	}
}

// BenchmarkLookupVsMap10M sets the index beside a Go map (map[string]intel.Summary) holding
// the same 10 million indicators, both asked with the normalised "kind:value" key: hot keys
// (1,024 of them, in the caches) and cold keys (a million picked at random among all, so
// nearly every lookup misses the caches), half known and half not. It reports the heap each
// holds per indicator, the "kind:value" strings included. Run it with -benchtime 3s:
//
//	go test -run '^$' -bench LookupVsMap10M -benchtime 3s ./intel
func BenchmarkLookupVsMap10M(b *testing.B) {
	if testing.Short() {
		b.Skip("skipped in -short mode")
	}
	before := heap()
	x := buildSynthetic(benchN)
	indexHeap := heap() - before
	sum, _ := x.SummaryOf([]byte(synthetic(0).String()))
	before = heap()
	m := make(map[string]intel.Summary)
	for i := range benchN {
		m[synthetic(i).String()] = sum
	}
	mapHeap := heap() - before
	rng := rand.New(rand.NewPCG(5, 6))
	keys := func(n int) [][]byte {
		out := make([][]byte, n)
		for i := range out {
			j := rng.IntN(benchN)
			if i%2 == 1 {
				j += benchN // beyond the synthetic set: unknown
			}
			out[i] = []byte(synthetic(j).String())
		}
		return out
	}
	sets := []struct {
		name string
		keys [][]byte
	}{{"hot", keys(1 << 10)}, {"cold", keys(1 << 20)}}
	for _, set := range sets {
		mask := len(set.keys) - 1
		b.Run("index/"+set.name, func(b *testing.B) {
			found, i := 0, 0
			for b.Loop() {
				if _, ok := x.SummaryOf(set.keys[i&mask]); ok {
					found++
				}
				i++
			}
			b.ReportMetric(float64(indexHeap)/benchN, "heap-bytes/indicator")
			if found < b.N/3 || found > b.N*2/3+1 {
				b.Fatalf("found %d of %d", found, b.N)
			}
		})
		b.Run("map/"+set.name, func(b *testing.B) {
			found, i := 0, 0
			for b.Loop() {
				if _, ok := m[string(set.keys[i&mask])]; ok {
					found++
				}
				i++
			}
			b.ReportMetric(float64(mapHeap)/benchN, "heap-bytes/indicator")
			if found < b.N/3 || found > b.N*2/3+1 {
				b.Fatalf("found %d of %d", found, b.N)
			}
		})
	}
	runtime.KeepAlive(x)
	runtime.KeepAlive(m)
}
