package text

import (
	"strings"
	"testing"
)

// mixedText is about 1 MB of mixed Chinese and English chat text: the project's own fixtures
// repeated, legitimate and scam alike.
func mixedText(tb testing.TB) string {
	tb.Helper()
	var b strings.Builder
	for _, file := range []string{"testdata/legit-chats.jsonl", "testdata/scam-chats.jsonl"} {
		for _, in := range readFixtures(tb, file) {
			for _, m := range in.Conversation() {
				b.WriteString(m.Text)
				b.WriteByte('\n')
			}
		}
	}
	one := b.String()
	return strings.Repeat(one, 1<<20/len(one)+1)
}

// BenchmarkScanMixed measures throughput on mixed zh/en text with every playbook loaded;
// run with -cpu 1 for the per-core figure. It also reports the automaton's memory.
func BenchmarkScanMixed(b *testing.B) {
	d, _ := mustDetector(b)
	text := mixedText(b)
	// Scan in message-sized pieces, as the product does.
	msgs := strings.SplitAfter(text, "\n")
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	one := make([]Message, 1)
	for b.Loop() {
		for _, m := range msgs {
			one[0] = Message{From: FromThem, Text: m}
			d.Scan(one)
		}
	}
	b.ReportMetric(float64(d.MemoryBytes())/(1<<20), "automaton-MB")
}

// BenchmarkScan200Bytes measures one message of about 200 bytes.
func BenchmarkScan200Bytes(b *testing.B) {
	d, _ := mustDetector(b)
	msg := []Message{{From: FromThem, Text: "亲，您好，您的包裹已经到达驿站，取件码8812。Your order has shipped and will arrive tomorrow, thanks!"}}
	for len(msg[0].Text) < 200 {
		msg[0].Text += " ok"
	}
	b.SetBytes(int64(len(msg[0].Text)))
	b.ReportAllocs()
	for b.Loop() {
		d.Scan(msg)
	}
}
