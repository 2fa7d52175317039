// Package lineartest checks, in tests, that code reading outside input does work linear in
// the input: the cost of a byte in a 1 MB input is compared with its cost in a 1 KB one, both
// measured in the same run, so that the test holds on a slow or busy machine.
package lineartest

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

// MaxGrowth is how many times more a byte may cost in a 1 MB input than in a 1 KB one (10
// times in a 128 KB one under the race detector, whose own costs grow with the heap).
const MaxGrowth = maxGrowth

// The sizes compared: 1 KB and 1 MB (128 KB under the race detector).
const (
	Small = 1 << 10
	Large = large
)

// Case is one shape of input. Make returns a run of the code under test on an input of this
// shape of about n bytes, built beforehand so that only the run is measured.
type Case struct {
	Name string
	Make func(n int) func()
}

// Repeat returns unit repeated to n bytes (the last copy cut short).
func Repeat(unit string, n int) string {
	return strings.Repeat(unit, n/len(unit)+1)[:n]
}

// AllocBudget fails t when one run of fn allocates more than perByte times n plus base
// times: the work budget a fuzz target checks on its input of n bytes, counted in
// allocations, which do not depend on the machine's speed.
func AllocBudget(t testing.TB, n int, perByte, base float64, fn func()) {
	t.Helper()
	if got := testing.AllocsPerRun(1, fn); got > perByte*float64(n)+base {
		t.Fatalf("%.0f allocations for %d bytes of input, more than %.2f a byte + %.0f", got, n, perByte, base)
	}
}

// Shape is a shape of adversarial text: a unit repeated to the size wanted.
type Shape struct{ Name, Unit string }

// Texts are the shapes of text that made a scan's work grow faster than its input: many
// links (the same or all different), digits, cues, negations and exceptions, and long lines
// without a break. The text detector's linearity test and the HTTP scan benchmark both feed
// them.
var Texts = []Shape{
	{"digits", "1 "},
	{"digit groups", "0800 542 0826 "},
	{"separators", "-–- "},
	{"a.co runs", "a.co "},
	{"a link's trimmed tail", "a.co.!.!.!.!.!.!.!.!"},
	{"links and phones", "a.co 13812345678 "},
	{"e-mails", "pay@shop-help.com "},
	{"nested brackets", "(([[{{"},
	{"cues", "退款客服转账验证码"},
	{"negated cues", "不要转账 never pay by transfer "},
	{"exceptions", "我是客服能不能"},
	{"one long line", "您好亲我们这边是官方售后请您配合处理一下谢谢"},
	{"mixed", "亲，点击 jd-refund.top/a 退款，加QQ 12345678，never share the code 9981. "},
	{"different links", differentLinks(Large)},
}

// differentLinks returns at least n bytes of links that are all different ("x0.top/p x1.top/p
// …"): a unit as long as the largest input, so that no link is written twice.
func differentLinks(n int) string {
	var b strings.Builder
	for i := 0; b.Len() < n; i++ {
		b.WriteString("x")
		b.WriteString(strconv.Itoa(i))
		b.WriteString(".top/p ")
	}
	return b.String()
}

// Check fails t for each case whose cost per byte at Large is more than MaxGrowth times that
// at Small. A Small trial runs the code Large/Small times, so both trials read as many bytes.
// A case over the bound is measured again twice, as the least time of three trials each,
// before it fails, so that a burst of load on the machine is not taken for quadratic work;
// quadratic work is hundreds of times over.
func Check(t *testing.T, cases []Case) {
	t.Helper()
	for _, c := range cases {
		small, large := c.Make(Small), c.Make(Large)
		var ratio float64
		for try := 0; try < 3 && (try == 0 || ratio > MaxGrowth); try++ {
			trials := 1 + 2*min(try, 1) // one trial each, three when measured again
			s := least(trials, func() {
				for range Large / Small {
					small()
				}
			})
			l := least(trials, large)
			ratio = float64(l) / float64(max(s, 1))
		}
		if ratio > MaxGrowth {
			t.Errorf("%s: a byte of a %d-byte input costs %.1f times one of a %d-byte input, more than %d", c.Name, Large, ratio, Small, MaxGrowth)
		} else {
			t.Logf("%s: cost per byte at %d bytes / at %d bytes = %.2f", c.Name, Large, Small, ratio)
		}
	}
}

// least returns the least time of n runs of fn.
func least(n int, fn func()) time.Duration {
	best := time.Duration(1<<63 - 1)
	for range n {
		start := time.Now()
		fn()
		best = min(best, time.Since(start))
	}
	return best
}
