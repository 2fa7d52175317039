package text

import "testing"

// mixedConversations returns about 1 MB of mixed Chinese and English chats, as they are
// scanned: the project's own fixtures (legitimate and scam conversations) repeated, and their
// size in bytes.
func mixedConversations(tb testing.TB) ([][]Message, int) {
	tb.Helper()
	var one [][]Message
	size := 0
	for _, file := range []string{"testdata/legit-chats.jsonl", "testdata/scam-chats.jsonl"} {
		for _, in := range readFixtures(tb, file) {
			one = append(one, in.Conversation())
			for _, m := range in.Conversation() {
				size += len(m.Text)
			}
		}
	}
	var all [][]Message
	total := 0
	for total < 1<<20 {
		all = append(all, one...)
		total += size
	}
	return all, total
}

// BenchmarkScanMixed measures throughput on mixed zh/en chats with every playbook loaded,
// one Scan per conversation; run with -cpu 1 for the per-core figure. It also reports the
// automaton's memory.
func BenchmarkScanMixed(b *testing.B) {
	d, _ := mustDetector(b)
	convs, size := mixedConversations(b)
	b.SetBytes(int64(size))
	b.ReportAllocs()
	for b.Loop() {
		for _, c := range convs {
			d.Scan(c)
		}
	}
	b.ReportMetric(float64(d.MemoryBytes())/(1<<20), "automaton-MB")
}

// BenchmarkScanMixedReceived is ScanMixed with every message taken as received from the
// other side, none skipped as the shopper's own: the worst case, as for pasted texts.
func BenchmarkScanMixedReceived(b *testing.B) {
	d, _ := mustDetector(b)
	convs, size := mixedConversations(b)
	for _, c := range convs {
		for i := range c {
			c[i].From = FromThem
		}
	}
	b.SetBytes(int64(size))
	b.ReportAllocs()
	for b.Loop() {
		for _, c := range convs {
			d.Scan(c)
		}
	}
}

// BenchmarkByteLoop is a yardstick for the machine: summing the same bytes, nothing else.
// Compare ScanMixed with it when the machine is shared or slow.
func BenchmarkByteLoop(b *testing.B) {
	convs, size := mixedConversations(b)
	b.SetBytes(int64(size))
	sum := 0
	for b.Loop() {
		for _, c := range convs {
			for _, m := range c {
				for i := 0; i < len(m.Text); i++ {
					sum += int(m.Text[i])
				}
			}
		}
	}
	if sum == 42 {
		b.Log(sum)
	}
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

// BenchmarkNew measures compiling the embedded pack's cues and playbooks into a Detector:
// what every start of the CLI pays before its first scan.
func BenchmarkNew(b *testing.B) {
	_, p := mustDetector(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := New(p); err != nil {
			b.Fatal(err)
		}
	}
}
