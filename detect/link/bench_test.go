package link

import (
	"bufio"
	"os"
	"runtime"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/shopguard/shopguard/knowledge"
)

// benchLinks is a mixed set: official brand links, look-alikes made from the brands'
// domains, and legitimate sites with paths.
func benchLinks(tb testing.TB) []string {
	tb.Helper()
	p, err := knowledge.Default()
	if err != nil {
		tb.Fatal(err)
	}
	var out []string
	for i, b := range p.Brands {
		d := b.Domains[0]
		label, rest, _ := strings.Cut(d, ".")
		out = append(out, "https://www."+d+"/item/"+label)
		switch i % 5 {
		case 0:
			out = append(out, label[1:]+"."+rest) // omission
		case 1:
			out = append(out, "https://"+label+"-refund-center.xyz/login")
		case 2:
			out = append(out, "http://"+d+".secure-verify.top/account/update")
		case 3:
			out = append(out, label+".shop")
		case 4:
			out = append(out, strings.Replace(label, "o", "0", 1)+"."+rest)
		}
	}
	f, err := os.Open("testdata/legit.txt")
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for n := 0; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		if n%2 == 0 {
			line = "https://www." + line + "/path/to/page?q=1"
		}
		out = append(out, line)
	}
	return out
}

// BenchmarkAnalyzeURL measures one check of a link (parse and analysis) over the mixed set.
// Besides ns/op it reports checks/s and the 99th percentile of the latency of one check.
func BenchmarkAnalyzeURL(b *testing.B) {
	a := mustAnalyzer(b, nil)
	links := benchLinks(b)
	lat := make([]time.Duration, 0, 1<<16)
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuTime()
	for i := 0; i < b.N; i++ {
		u := links[i%len(links)]
		if i%16 == 0 && len(lat) < cap(lat) {
			t0 := time.Now()
			a.AnalyzeURL(u)
			lat = append(lat, time.Since(t0))
			continue
		}
		a.AnalyzeURL(u)
	}
	b.StopTimer()
	cpu := cpuTime() - cpu0
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "checks/s")
	// On a shared machine the wall clock counts time spent waiting for a core; the
	// process's CPU time (GC included) gives the cost per check on one core.
	b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/op")
	b.ReportMetric(float64(b.N)/cpu.Seconds(), "checks/cpu-s")
	if len(lat) > 0 {
		sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
		b.ReportMetric(float64(lat[len(lat)*99/100].Nanoseconds()), "p99-ns")
	}
}

// cpuTime returns the CPU time the process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkIndex measures building the brand index and reports the memory it holds.
func BenchmarkIndex(b *testing.B) {
	p, err := knowledge.Default()
	if err != nil {
		b.Fatal(err)
	}
	var before, after runtime.MemStats
	var held uint64
	for i := 0; i < b.N; i++ {
		runtime.GC()
		runtime.ReadMemStats(&before)
		a := New(p, nil)
		runtime.GC()
		runtime.ReadMemStats(&after)
		held = after.HeapAlloc - before.HeapAlloc
		runtime.KeepAlive(a)
	}
	b.ReportMetric(float64(held), "index-bytes")
}

func TestBenchLinksJudged(t *testing.T) {
	a := mustAnalyzer(t, nil)
	flagged, legit := 0, 0
	for _, u := range benchLinks(t) {
		as, err := a.AnalyzeURL(u)
		if err != nil {
			t.Fatalf("%s: %v", u, err)
		}
		isLegit := !strings.ContainsAny(u, "0") && !strings.Contains(u, "refund") && !strings.Contains(u, "verify") && !strings.HasSuffix(u, ".shop")
		if as.Risk != "low" {
			flagged++
		}
		if strings.HasPrefix(u, "https://www.") && as.Risk != "low" {
			t.Errorf("%s: official or legitimate link judged %s: %v", u, as.Risk, as.Signals)
		}
		if isLegit {
			legit++
		}
	}
	if flagged == 0 || legit == 0 {
		t.Errorf("flagged %d, legit %d: the benchmark set must mix both", flagged, legit)
	}
}
