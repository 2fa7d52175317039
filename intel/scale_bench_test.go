package intel_test

import (
	"fmt"
	"runtime"
	"testing"
)

// BenchmarkIndexHeap builds indexes of 10, 20 and 40 million synthetic indicators and reports
// the heap each holds once built (after a collection), per indicator and in all: the figures
// docs/scaling.md extrapolates to 100 million from. Run one size at a time, with -benchtime 1x:
//
//	go test -run '^$' -bench 'IndexHeap/40M' -benchtime 1x ./intel
func BenchmarkIndexHeap(b *testing.B) {
	if testing.Short() {
		b.Skip("skipped in -short mode")
	}
	for _, millions := range []int{10, 20, 40} {
		b.Run(fmt.Sprintf("%dM", millions), func(b *testing.B) {
			n := millions * 1_000_000
			for b.Loop() {
				before := heap()
				x := buildSynthetic(n)
				after := heap()
				b.ReportMetric(float64(after-before)/float64(n), "heap-bytes/indicator")
				b.ReportMetric(float64(after-before)/(1<<30), "heap-GiB")
				runtime.KeepAlive(x)
			}
		})
	}
}

// heap is the live heap after a full collection.
func heap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}
