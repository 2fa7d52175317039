package ident_test

import (
	"testing"

	"github.com/shopguard/shopguard/detect/ident"
	"github.com/shopguard/shopguard/internal/lineartest"
)

// workPerByte bounds the candidates Extract weighs per byte of text: a group of digits is
// tried with at most the 25 digits after it, each try a few candidates.
const workPerByte = 64

// adversarial are the shapes of text that made Extract's work grow faster than its input, and
// those that could make its scanners'.
var adversarial = []struct{ name, unit string }{
	{"repeated digits", "1 "},
	{"digits and dashes", "12-"},
	{"space-separated phones", "138 1234 5678 "},
	{"e-mails", "pay@shop-help.com "},
	{"a.co runs", "a.co "},
	{"qq numbers", "QQ 12345678 "},
	{"nested brackets", "(([[{{"},
	{"one long line", "您好亲我们这边是官方售后"},
	// The scanners' own: chains a domain or an address may be read along, and names and
	// prefixes that start a candidate and then fail.
	{"label chain", "a."},
	{"dashed labels", "a-b-"},
	{"long label chain", "abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz."},
	{"at signs", "a@b."},
	{"punycode labels", "xn--a-."},
	{"link schemes", "http://"},
	{"wxid prefixes", "wxid_"},
	{"WeChat names", "微信号 "},
	{"area codes", "(010)"},
}

func TestExtractIsLinear(t *testing.T) {
	var cases []lineartest.Case
	for _, a := range adversarial {
		cases = append(cases, lineartest.Case{Name: a.name, Make: func(n int) func() {
			s := lineartest.Repeat(a.unit, n)
			return func() { ident.Extract(s) }
		}})
		// The work done, counted: within the budget at both sizes.
		for _, n := range []int{lineartest.Small, 64 << 10} {
			if _, work := ident.ExtractWork(lineartest.Repeat(a.unit, n)); work > workPerByte*n+128 {
				t.Errorf("%s: %d candidates weighed in %d bytes, more than %d per byte", a.name, work, n, workPerByte)
			}
		}
	}
	lineartest.Check(t, cases)
}

func TestExtractReadsWithinItsLimit(t *testing.T) {
	long := lineartest.Repeat("x", ident.MaxText-2) + "QQ 12345678"
	if got := ident.Extract(long); len(got) != 0 {
		t.Errorf("found %v past %d bytes", got, ident.MaxText)
	}
	if got := ident.Extract(long[:ident.MaxText-30] + " QQ 12345678"); len(got) != 1 {
		t.Errorf("found %v, want the QQ number within %d bytes", got, ident.MaxText)
	}
}

// TestLongDigitRunsStillSplit: a run of many groups is still read as the numbers in it.
func TestLongDigitRunsStillSplit(t *testing.T) {
	s := lineartest.Repeat("1 ", 100) + "13812345678 15912345678"
	got := ident.Extract(s)
	if len(got) != 2 || got[0].Value != "+8613812345678" || got[1].Value != "+8615912345678" {
		t.Errorf("Extract = %v, want the two mobiles", got)
	}
}
