package main

import (
	"bytes"
	"context"
	"io"
	"path/filepath"
	"runtime/debug"
	"strings"
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

// gcPercentReader is standard input that notes the collector's target when it is first read.
type gcPercentReader struct {
	r       io.Reader
	percent int
	read    bool
}

func (g *gcPercentReader) Read(p []byte) (int, error) {
	if !g.read {
		g.read = true
		g.percent = debug.SetGCPercent(-1)
		debug.SetGCPercent(g.percent)
	}
	return g.r.Read(p)
}

// TestScanBatchCollectsLess: scan --jsonl reads its lines with the setup target still on
// (put back before them, it started a cycle over the detectors at once), and puts it back
// when done.
func TestScanBatchCollectsLess(t *testing.T) {
	orig := debug.SetGCPercent(100)
	defer debug.SetGCPercent(orig)
	in := &gcPercentReader{r: strings.NewReader(`{"id":"a","text":"hello"}` + "\n")}
	var out bytes.Buffer
	m := &Main{Stdin: in, Stdout: &out, Stderr: io.Discard, Getenv: func(k string) string {
		return map[string]string{"SHOPGUARD_DATA": t.TempDir()}[k]
	}}
	if code := m.Run(context.Background(), []string{"scan", "--jsonl"}); code != 0 || !strings.HasPrefix(out.String(), `{"id":"a"`) {
		t.Fatalf("scan --jsonl: exit %d %s", code, out.String())
	}
	if in.percent != setupGCPercent {
		t.Errorf("the lines were read with the collector's target at %d, want %d", in.percent, setupGCPercent)
	}
	if p := debug.SetGCPercent(100); p != 100 {
		t.Errorf("the collector's target is %d after the batch, want 100", p)
	}
}
