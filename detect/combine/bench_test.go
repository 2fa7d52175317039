package combine_test

import (
	"testing"

	"github.com/shopguard/shopguard/detect/combine"
	"github.com/shopguard/shopguard/detect/text"
)

// benchChat is a short chat with a look-alike link, a reported phone number and a QQ number.
var benchChat = []text.Message{
	{From: text.FromThem, Text: calm},
	{From: text.FromMe, Text: "退款怎么弄？"},
	{From: text.FromThem, Text: "退款进度可以在这里看 taobao-tuikuan.com/refund 哦，有问题打我电话 138-1234-5678 或加QQ 12345678"},
}

// BenchmarkScan measures a chat through the text detector alone, then with its links judged,
// then with the community asked as well: what the wiring adds to a scan.
func BenchmarkScan(b *testing.B) {
	c, _ := checks(b, community())
	for _, bc := range []struct {
		name   string
		checks combine.Checks
	}{
		{"text", combine.Checks{Text: c.Text}},
		{"text+links", combine.Checks{Text: c.Text, Links: c.Links}},
		{"text+links+reputations", c},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				bc.checks.Scan(benchChat)
			}
		})
	}
}
