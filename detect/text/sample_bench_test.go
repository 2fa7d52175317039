package text

import (
	"bufio"
	"os"
	"path/filepath"
	"testing"
)

// devDataEnv names the directory of the development files (*.jsonl with "text" or
// "messages" rows); BenchmarkScanReal reads them when present.
const devDataEnv = "SHOPGUARD_DEV_DATA"

// BenchmarkScanReal measures the detector on messages as people write them, not on the
// project's fixtures (which hold a cue in nearly every line and overstate throughput):
// sample, a committed sample written in the style of real messages (mixed lengths, both
// languages, links, numbers, chats), repeated to about 1 MB; dev, the development files in
// $SHOPGUARD_DEV_DATA (default /work/shared/data), skipped when absent.
func BenchmarkScanReal(b *testing.B) {
	d, _ := mustDetector(b)
	b.Run("sample", func(b *testing.B) {
		var one [][]Message
		size := 0
		for _, in := range readFixtures(b, "testdata/sample-messages.jsonl") {
			one = append(one, in.Conversation())
			for _, m := range in.Conversation() {
				size += len(m.Text)
			}
		}
		var convs [][]Message
		total := 0
		for total < 1<<20 {
			convs, total = append(convs, one...), total+size
		}
		benchScan(b, d, convs, total)
	})
	b.Run("dev", func(b *testing.B) {
		dir := os.Getenv(devDataEnv)
		if dir == "" {
			dir = "/work/shared/data"
		}
		files, _ := filepath.Glob(filepath.Join(dir, "*.jsonl"))
		var convs [][]Message
		total := 0
		for _, file := range files {
			c, n := readRows(b, file)
			convs, total = append(convs, c...), total+n
		}
		if total == 0 {
			b.Skipf("no development files with texts in %s (set %s)", dir, devDataEnv)
		}
		benchScan(b, d, convs, total)
	})
}

func benchScan(b *testing.B, d *Detector, convs [][]Message, size int) {
	b.SetBytes(int64(size))
	b.ReportAllocs()
	for b.Loop() {
		for _, c := range convs {
			d.Scan(c)
		}
	}
}

// readRows reads the rows of a JSON Lines file that are chats or texts, and their size in
// bytes of text; other rows (links) are passed over.
func readRows(tb testing.TB, file string) ([][]Message, int) {
	tb.Helper()
	f, err := os.Open(file)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var out [][]Message
	size := 0
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, MaxBytes+1024)
	for sc.Scan() {
		in, err := ParseInput(sc.Bytes())
		if err != nil {
			continue
		}
		out = append(out, in.Conversation())
		for _, m := range in.Conversation() {
			size += len(m.Text)
		}
	}
	return out, size
}
