package main

import (
	"path/filepath"
	"runtime/debug"
	"testing"
)

// TestCollectLessDuringSetup: overlapping setups, ended in any order, put back the target
// found before the first, and keep a higher one or the collector off as it was.
func TestCollectLessDuringSetup(t *testing.T) {
	orig := debug.SetGCPercent(100)
	defer debug.SetGCPercent(orig)
	current := func() int { p := debug.SetGCPercent(-1); debug.SetGCPercent(p); return p }
	for _, before := range []int{100, 50, 1000, -1} {
		debug.SetGCPercent(before)
		want := max(before, setupGCPercent)
		if before < 0 {
			want = before
		}
		a := collectLessDuringSetup()
		b := collectLessDuringSetup()
		if got := current(); got != want {
			t.Errorf("from %d: during setup %d, want %d", before, got, want)
		}
		a()
		a() // again: no effect
		if got := current(); got != want {
			t.Errorf("from %d: one setup still on: %d, want %d", before, got, want)
		}
		b()
		if got := current(); got != before {
			t.Errorf("from %d: after both, %d", before, got)
		}
	}
}

// TestScanPutsCollectorBack: scan, done or failed after it began building its detectors,
// leaves the collector's target as it found it.
func TestScanPutsCollectorBack(t *testing.T) {
	orig := debug.SetGCPercent(137)
	defer debug.SetGCPercent(orig)
	env := map[string]string{"SHOPGUARD_DATA": t.TempDir()}
	for _, args := range [][]string{
		{"scan", "--jsonl"},
		{"scan", "--snapshot", filepath.Join(t.TempDir(), "missing.snapshot")},
	} {
		run(t, env, `{"id":"a","text":"hello"}`+"\n", args...)
		if p := debug.SetGCPercent(137); p != 137 {
			t.Errorf("%v: the collector's target is %d after it, want 137", args, p)
		}
	}
}
