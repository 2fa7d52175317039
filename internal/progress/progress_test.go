package progress

import (
	"bytes"
	"io"
	"os"
	"strings"
	"testing"
	"time"
)

// clock is a fake clock the test moves by hand.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func TestBarShowsRateAndTimeLeft(t *testing.T) {
	var out bytes.Buffer
	c := &clock{t: time.Unix(1000, 0)}
	b := newBar(&out, "import", 1000, "rows", c.now)
	c.t = c.t.Add(2 * time.Second)
	b.Add(250)
	line := out.String()
	for _, want := range []string{"\r\x1b[K", "import [======", " 25% 250 rows/1000 rows", "125 rows/s", "6s left"} {
		if !strings.Contains(line, want) {
			t.Errorf("bar %q lacks %q", line, want)
		}
	}
	// Redrawn at most every 200 ms.
	b.Add(1)
	if out.String() != line {
		t.Errorf("redrawn too soon: %q", out.String())
	}
	c.t = c.t.Add(6 * time.Second)
	b.Set(1000)
	b.Done()
	if end := out.String(); !strings.HasSuffix(end, "100% 1000 rows/1000 rows 125 rows/s in 8s\n") {
		t.Errorf("finished bar: %q", end)
	}
	b.Done()
	b.Add(5)
	if n := strings.Count(out.String(), "\n"); n != 1 {
		t.Errorf("bar drawn after Done: %q", out.String())
	}
}

func TestBarCountsBytesOfAReader(t *testing.T) {
	var out bytes.Buffer
	c := &clock{t: time.Unix(1000, 0)}
	b := newBar(&out, "read", 0, "B", c.now)
	c.t = c.t.Add(time.Second)
	if _, err := io.Copy(io.Discard, b.Reader(strings.NewReader(strings.Repeat("x", 3_500_000)))); err != nil {
		t.Fatal(err)
	}
	b.Done()
	if got := out.String(); !strings.Contains(got, "read 3.5 MB 3.5 MB/s") || strings.Contains(got, "left") {
		t.Errorf("bar of unknown size: %q", got)
	}
}

// Piped or redirected output gets no bar; a terminal does.
func TestQuietUnlessTerminal(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	var buf bytes.Buffer
	for name, out := range map[string]io.Writer{"pipe": w, "buffer": &buf} {
		b := New(out, "x", 10, "")
		b.Add(10)
		b.Done()
		if b != nil || IsTerminal(out) {
			t.Errorf("%s: a bar is drawn on a %s", name, name)
		}
	}
	if buf.Len() > 0 {
		t.Errorf("wrote %q to a buffer", buf.String())
	}
	tty, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		t.Skipf("no pseudo-terminal to test with: %v", err)
	}
	defer tty.Close()
	if !IsTerminal(tty) || New(tty, "x", 10, "") == nil {
		t.Error("a terminal gets no bar")
	}
}
