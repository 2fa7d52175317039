package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestTrainTextIsReproducibleAndKeepsToShippableRows(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "rows.jsonl")
	var b strings.Builder
	for i := range 15 {
		fmt.Fprintf(&b, `{"id":"s%d","text":"您的包裹滞留，请点击链接补缴运费 http://example.cn/%d","label":"scam","source":"calls","use":"train"}`+"\n", i, i)
		fmt.Fprintf(&b, `{"id":"o%d","text":"您的包裹已到驿站，请凭取件码领取","label":"ok","source":"calls","use":"train"}`+"\n", i)
		fmt.Fprintf(&b, `{"id":"u%d","text":"Free entry to win a prize, text WIN to 80086","label":"spam","source":"UCI SMS Spam Collection"}`+"\n", i)
		fmt.Fprintf(&b, `{"id":"v%d","text":"See you at six","label":"ok","source":"UCI SMS Spam Collection"}`+"\n", i)
		fmt.Fprintf(&b, `{"id":"e%d","text":"Pay the toll at http://example.net/%d","label":"scam","source":"honeypot","use":"eval"}`+"\n", i, i)
	}
	os.WriteFile(file, []byte(b.String()), 0o600)
	env := map[string]string{"SHOPGUARD_DATA": dir}
	var models [2][]byte
	for i := range models {
		out := filepath.Join(dir, fmt.Sprint("m", i, ".bin"))
		code, stdout, errOut := run(t, env, "", "train", "text", "-o", out, file)
		if code != 0 || !strings.Contains(stdout, "calls: 30 rows") || !strings.Contains(stdout, "UCI SMS Spam Collection: 30 rows") || strings.Contains(stdout, "honeypot") {
			t.Fatalf("train text: exit %d\n%s%s", code, stdout, errOut)
		}
		models[i], _ = os.ReadFile(out)
	}
	if len(models[0]) == 0 || !bytes.Equal(models[0], models[1]) {
		t.Error("two trainings on the same file gave different models")
	}
	code, out, errOut := run(t, env, "", "eval", "text", "--leave-out", file)
	if code != 0 || !strings.Contains(out, "| calls | left out | no (unseen) | scam | — | 15 |") || strings.Contains(out, "honeypot") {
		t.Errorf("eval text --leave-out: exit %d\n%s%s", code, out, errOut)
	}
	if code, _, _ := run(t, env, "", "train", "text"); code != 2 {
		t.Errorf("train text without files: exit %d", code)
	}
}
