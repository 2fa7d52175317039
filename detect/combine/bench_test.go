package combine_test

import (
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/shopguard/shopguard/detect/combine"
	"github.com/shopguard/shopguard/detect/model"
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

// BenchmarkScanMixed measures the throughput of a scan over about 1 MB of the text
// detector's zh/en fixture conversations (the corpus of text.BenchmarkScanMixed), one scan per
// conversation, through the text detector alone ("text") and with the learned layer on
// ("text+model"), so that the two can be compared in one run; -cpu 1 gives the per-core
// figure.
func BenchmarkScanMixed(b *testing.B) {
	c, _ := checks(b, nil)
	m, err := model.Default()
	if err != nil {
		b.Fatal(err)
	}
	var one [][]text.Message
	size := 0
	for _, file := range []string{"../text/testdata/legit-chats.jsonl", "../text/testdata/scam-chats.jsonl"} {
		data, err := os.ReadFile(file)
		if err != nil {
			b.Fatal(err)
		}
		for line := range strings.Lines(string(data)) {
			in, err := text.ParseInput([]byte(line))
			if err != nil {
				b.Fatal(err)
			}
			one = append(one, in.Conversation())
			for _, msg := range in.Conversation() {
				size += len(msg.Text)
			}
		}
	}
	var convs [][]text.Message
	total := 0
	for total < 1<<20 {
		convs = append(convs, one...)
		total += size
	}
	for _, bc := range []struct {
		name   string
		checks combine.Checks
	}{
		{"text", combine.Checks{Text: c.Text}},
		{"text+model", combine.Checks{Text: c.Text, Model: m}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(total))
			b.ReportAllocs()
			cpu0 := cpuTime()
			for b.Loop() {
				for _, conv := range convs {
					bc.checks.Scan(conv)
				}
			}
			// On a shared machine the wall clock counts time spent waiting for a core; the
			// process's CPU time (GC included) gives the throughput of one core.
			b.ReportMetric(float64(total)*float64(b.N)/1e6/(cpuTime()-cpu0).Seconds(), "MB/cpu-s")
		})
	}
}

// cpuTime returns the CPU time the process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
