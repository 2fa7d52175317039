// Package progress draws a one-line progress bar, with the rate and the time left, for long
// command-line jobs. It draws only when its writer is a terminal: piped or redirected output
// gets nothing, so scripts and logs stay clean.
package progress

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/mattn/go-isatty"
)

// every is how often the bar is redrawn at most.
const every = 200 * time.Millisecond

// width is the number of cells of the bar itself.
const width = 24

// Bar is a progress bar for one job. A nil or quiet Bar accepts every call and draws nothing.
// Its methods may be called from several goroutines.
type Bar struct {
	w     io.Writer
	label string
	unit  string
	now   func() time.Time

	mu    sync.Mutex
	total int64
	done  int64
	start time.Time
	drawn time.Time
	ended bool
}

// IsTerminal reports whether w is a terminal (a character device that answers terminal
// requests), where a bar can redraw itself in place.
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()))
}

// New returns a bar for a job of total units (bytes when unit is "B"; 0 or less when the
// total is not known) that draws on w when w is a terminal, and otherwise stays quiet.
func New(w io.Writer, label string, total int64, unit string) *Bar {
	if !IsTerminal(w) {
		return nil
	}
	return newBar(w, label, total, unit, time.Now)
}

func newBar(w io.Writer, label string, total int64, unit string, now func() time.Time) *Bar {
	return &Bar{w: w, label: label, unit: unit, total: total, now: now, start: now()}
}

// Add counts n more units done.
func (b *Bar) Add(n int64) {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.done += n
	b.maybeDraw()
}

// Set says how many units are done in all.
func (b *Bar) Set(done int64) {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.done = done
	b.maybeDraw()
}

// SetTotal changes the size of the job, once it is known.
func (b *Bar) SetTotal(total int64) {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.total = total
}

// Done draws the bar one last time and ends its line; later calls do nothing.
func (b *Bar) Done() {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.ended {
		return
	}
	b.draw(b.now())
	fmt.Fprintln(b.w)
	b.ended = true
}

// Reader returns r counting every byte read from it on the bar.
func (b *Bar) Reader(r io.Reader) io.Reader {
	if b == nil {
		return r
	}
	return &reader{r: r, b: b}
}

type reader struct {
	r io.Reader
	b *Bar
}

func (r *reader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	r.b.Add(int64(n))
	return n, err
}

// maybeDraw redraws the bar when it was last drawn long enough ago. b.mu is held.
func (b *Bar) maybeDraw() {
	if b.ended {
		return
	}
	if now := b.now(); now.Sub(b.drawn) >= every {
		b.draw(now)
	}
}

// draw writes the bar's line over the previous one. b.mu is held.
func (b *Bar) draw(now time.Time) {
	b.drawn = now
	fmt.Fprint(b.w, "\r\x1b[K"+b.line(now))
}

// line is the text of the bar: label, bar, share, count, rate and time left.
func (b *Bar) line(now time.Time) string {
	elapsed := now.Sub(b.start)
	var rate float64
	if elapsed > 0 {
		rate = float64(b.done) / elapsed.Seconds()
	}
	var sb strings.Builder
	sb.WriteString(b.label)
	if b.total > 0 {
		done := min(b.done, b.total)
		full := int(int64(width) * done / b.total)
		fmt.Fprintf(&sb, " [%s%s] %3d%% %s/%s", strings.Repeat("=", full), strings.Repeat(" ", width-full),
			100*done/b.total, b.amount(float64(done)), b.amount(float64(b.total)))
	} else {
		fmt.Fprintf(&sb, " %s", b.amount(float64(b.done)))
	}
	fmt.Fprintf(&sb, " %s/s", b.amount(rate))
	switch {
	case b.total > 0 && b.done >= b.total:
		fmt.Fprintf(&sb, " in %s", round(elapsed))
	case b.total > 0 && rate > 0:
		left := time.Duration(float64(b.total-b.done) / rate * float64(time.Second))
		fmt.Fprintf(&sb, " %s left", round(left))
	}
	return sb.String()
}

// amount writes a count in the bar's unit: bytes as kB, MB, GB; other units as is (with k and
// M for large counts).
func (b *Bar) amount(n float64) string {
	if b.unit == "B" {
		switch {
		case n >= 1e9:
			return fmt.Sprintf("%.1f GB", n/1e9)
		case n >= 1e6:
			return fmt.Sprintf("%.1f MB", n/1e6)
		case n >= 1e3:
			return fmt.Sprintf("%.1f kB", n/1e3)
		}
		return fmt.Sprintf("%.0f B", n)
	}
	unit := ""
	if b.unit != "" {
		unit = " " + b.unit
	}
	switch {
	case n >= 1e6:
		return fmt.Sprintf("%.1fM%s", n/1e6, unit)
	case n >= 1e4:
		return fmt.Sprintf("%.1fk%s", n/1e3, unit)
	}
	return fmt.Sprintf("%.0f%s", n, unit)
}

// round shortens a duration to whole seconds (tenths under ten seconds).
func round(d time.Duration) time.Duration {
	if d < 10*time.Second {
		return d.Round(100 * time.Millisecond)
	}
	return d.Round(time.Second)
}
