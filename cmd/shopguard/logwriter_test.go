package main

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// countingWriter counts the writes it gets.
type countingWriter struct {
	mu     sync.Mutex
	writes int
	b      strings.Builder
}

func (c *countingWriter) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.writes++
	return c.b.Write(p)
}

func (c *countingWriter) state() (int, string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.writes, c.b.String()
}

// TestLogWriterBatches checks that a burst of log lines goes out in one write, in order,
// within logFlush, that a full buffer goes out at once, and that Close writes what waits.
func TestLogWriterBatches(t *testing.T) {
	var out countingWriter
	l := newLogWriter(&out)
	var want strings.Builder
	for i := range 100 {
		line := fmt.Sprintf("level=INFO msg=request n=%d\n", i)
		want.WriteString(line)
		l.Write([]byte(line))
	}
	if n, _ := out.state(); n != 0 {
		t.Fatalf("%d writes before logFlush, want 0", n)
	}
	deadline := time.Now().Add(5 * time.Second)
	for n, _ := out.state(); n == 0 && time.Now().Before(deadline); n, _ = out.state() {
		time.Sleep(10 * time.Millisecond)
	}
	if n, got := out.state(); n != 1 || got != want.String() {
		t.Fatalf("after logFlush: %d writes, %d bytes; want 1 write of %d bytes", n, len(got), want.Len())
	}
	l.Write([]byte(strings.Repeat("x", logBuffer)))
	if n, _ := out.state(); n != 2 {
		t.Errorf("a full buffer: %d writes in all, want 2", n)
	}
	l.Write([]byte("last\n"))
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if _, got := out.state(); !strings.HasSuffix(got, "last\n") {
		t.Errorf("Close did not write what waited")
	}
	l.Write([]byte("after\n"))
	if _, got := out.state(); !strings.HasSuffix(got, "after\n") {
		t.Errorf("a write after Close did not go straight through")
	}
}
