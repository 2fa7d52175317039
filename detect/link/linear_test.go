package link

import (
	"testing"

	"github.com/shopguard/shopguard/internal/lineartest"
)

func TestAnalyzeTextIsLinear(t *testing.T) {
	a := mustAnalyzer(t, nil)
	var cases []lineartest.Case
	for _, c := range []struct{ name, unit string }{
		{"a.co runs", "a.co "},
		{"one long word", "a.b-"},
		{"schemes", "https://"},
		{"brackets", "(([[{{a.co"},
		{"e-mails", "pay@shop-help.com "},
		{"look-alikes", "taobao-refund.top/x?id=1 "},
	} {
		cases = append(cases, lineartest.Case{Name: c.name, Make: func(n int) func() {
			s := lineartest.Repeat(c.unit, n)
			return func() { a.AnalyzeText(s) }
		}})
	}
	lineartest.Check(t, cases)
}
