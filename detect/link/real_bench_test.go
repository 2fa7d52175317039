package link

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/knowledge"
)

// devDataEnv names the directory of the development files; BenchmarkCheckReal reads
// urls-dev.jsonl there when present.
const devDataEnv = "SHOPGUARD_DEV_DATA"

// devURLs returns the links of the development URL file in $SHOPGUARD_DEV_DATA (default
// /work/shared/data), or skips the benchmark when it is absent.
func devURLs(b *testing.B) []string {
	b.Helper()
	dir := os.Getenv(devDataEnv)
	if dir == "" {
		dir = "/work/shared/data"
	}
	f, err := os.Open(filepath.Join(dir, "urls-dev.jsonl"))
	if err != nil {
		b.Skipf("no development URL file in %s (set %s): %v", dir, devDataEnv, err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var row struct {
			URL string `json:"url"`
		}
		if json.Unmarshal(sc.Bytes(), &row) == nil && row.URL != "" {
			out = append(out, row.URL)
		}
	}
	if err := sc.Err(); err != nil {
		b.Fatalf("read %s: %v", f.Name(), err)
	}
	return out
}

// BenchmarkCheckReal measures what `check url --jsonl` does for one link, without reading
// and ordering lines: the check (parse, analysis, explanation in Chinese) and writing the
// answer, over the benchmark's mixed set ("sample") and the development URL file ("dev",
// skipped when absent). "analyze" is the analysis alone, as `eval links` runs it.
func BenchmarkCheckReal(b *testing.B) {
	p, err := knowledge.Default()
	if err != nil {
		b.Fatal(err)
	}
	a := New(p, nil)
	for _, set := range []struct {
		name  string
		links func(*testing.B) []string
	}{{"sample", func(b *testing.B) []string { return benchLinks(b) }}, {"dev", devURLs}} {
		b.Run(set.name+"/check", func(b *testing.B) {
			links := set.links(b)
			var buf []byte
			b.ReportAllocs()
			cpu0 := cpuTime()
			for b.Loop() {
				for _, u := range links {
					res, err := a.Check(u, p, shopguard.LangZH)
					if err == nil {
						buf = res.AppendJSON(buf[:0])
					}
				}
			}
			reportLinks(b, len(links), cpuTime()-cpu0)
		})
		b.Run(set.name+"/analyze", func(b *testing.B) {
			links := set.links(b)
			b.ReportAllocs()
			cpu0 := cpuTime()
			for b.Loop() {
				for _, u := range links {
					a.AnalyzeURL(u)
				}
			}
			reportLinks(b, len(links), cpuTime()-cpu0)
		})
	}
}

// reportLinks reports links/s by the wall clock and, what a shared machine does not blur,
// links per second of the process's CPU time (GC included).
func reportLinks(b *testing.B, perOp int, cpu time.Duration) {
	n := float64(perOp) * float64(b.N)
	b.ReportMetric(n/b.Elapsed().Seconds(), "links/s")
	b.ReportMetric(n/cpu.Seconds(), "links/cpu-s")
}
