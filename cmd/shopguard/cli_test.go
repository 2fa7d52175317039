package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// case update changes the answers it is given and keeps the others.
func TestCaseUpdate(t *testing.T) {
	env := map[string]string{"SHOPGUARD_DATA": t.TempDir()}
	id, key := caseNew(t, env, "--culprit", "seller", "--payment", "transfer", "--amount", "3299", "--platform", "闲鱼")
	code, out, errOut := run(t, env, "", "case", "update", "--case", id, "--key", key, "--amount", "120.50", "--what", "付款后卖家拉黑了我", "--platform", "")
	var got struct {
		What      string `json:"what"`
		Culprit   string `json:"culprit"`
		AmountFen int64  `json:"amount_fen"`
		Platform  string `json:"platform"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &got) != nil {
		t.Fatalf("case update: %d %s %s", code, out, errOut)
	}
	if got.AmountFen != 12050 || got.What != "付款后卖家拉黑了我" || got.Culprit != "seller" || got.Platform != "" {
		t.Errorf("after update: %+v", got)
	}
	// Stored: a later update starts from the new answers.
	if code, out, _ := run(t, env, "", "case", "update", "--case", id, "--key", key, "--paid-on", "2026-11-20"); code != 0 || !strings.Contains(out, `"amount_fen": 12050`) || !strings.Contains(out, `"paid_on": "2026-11-20"`) {
		t.Errorf("second update: %d %.300s", code, out)
	}
	for name, args := range map[string][]string{
		"no answer":  {"case", "update", "--case", id, "--key", key},
		"bad amount": {"case", "update", "--case", id, "--key", key, "--amount", "lots"},
		"wrong key":  {"case", "update", "--case", id, "--key", "sgc_nope", "--amount", "1"},
	} {
		if code, _, errOut := run(t, env, "", args...); code != 2 || errOut == "" {
			t.Errorf("%s: exit %d %q", name, code, errOut)
		}
	}
}

// Flags may follow the arguments; after "--" everything is an argument.
func TestFlagsAfterArguments(t *testing.T) {
	code, out, errOut := run(t, nil, "", "check", "url", "paypa1.com", "--lang", "en", "--json", "--fail-on", "never")
	if code != 0 || !strings.HasPrefix(strings.TrimSpace(out), "[") || !strings.Contains(out, "paypa1.com") {
		t.Fatalf("check url with flags last: %d %s %s", code, out, errOut)
	}
	code, _, errOut = run(t, nil, "", "learn", "phishing", "--", "--lang")
	if code != 2 || !strings.Contains(errOut, "at most one") {
		t.Errorf("after --, a flag-like word is an argument: %d %s", code, errOut)
	}
}

// case evidence add names the file it refuses and adds the others.
func TestEvidenceAddGoesOnAfterARefusedFile(t *testing.T) {
	env, dir := map[string]string{"SHOPGUARD_DATA": t.TempDir()}, t.TempDir()
	id, key := caseNew(t, env)
	good := filepath.Join(dir, "chat.txt")
	os.WriteFile(good, []byte("卖家：加微信转账\n"), 0o644)
	missing := filepath.Join(dir, "missing.png")
	code, out, errOut := run(t, env, "", "case", "evidence", "add", "--case", id, "--key", key, missing, good)
	if code != 1 || !strings.Contains(errOut, "missing.png refused") || !strings.Contains(errOut, "refused 1 of 2 files") || !strings.Contains(out, "chat.txt") {
		t.Fatalf("evidence add with a missing file: %d out %q err %q", code, out, errOut)
	}
}

// scan asks the local database's reports, as check does.
func TestScanAsksTheLocalDatabase(t *testing.T) {
	env := map[string]string{"SHOPGUARD_DATA": t.TempDir()}
	csv := filepath.Join(t.TempDir(), "reports.csv")
	os.WriteFile(csv, []byte("kind,value,score,confirmed\nphone,+8613812345678,80,true\n"), 0o600)
	if code, _, errOut := run(t, env, "", "import", "--format", "csv", "--source", "partner", csv); code != 0 {
		t.Fatalf("import: %d %s", code, errOut)
	}
	chat := "您好，台灯已经发货，有问题打我电话 138-1234-5678"
	if code, out, _ := run(t, env, "", "check", "phone", "--json", "13812345678"); code != 1 || !strings.Contains(out, `"confirmed": true`) {
		t.Fatalf("check phone: %d %s", code, out)
	}
	code, out, errOut := run(t, env, chat, "scan", "--lang", "en", "--json")
	if code != 1 || !strings.Contains(out, `"intel.confirmed_identifier"`) {
		t.Fatalf("scan with the local database: exit %d\n%s%s", code, out, errOut)
	}
}

// Long jobs draw no progress bar when their output is not a terminal.
func TestProgressQuietWhenPiped(t *testing.T) {
	env := map[string]string{"SHOPGUARD_DATA": t.TempDir()}
	csv := filepath.Join(t.TempDir(), "reports.csv")
	os.WriteFile(csv, []byte("kind,value,score,confirmed\nphone,+8613812345678,80,true\n"), 0o600)
	code, out, errOut := run(t, env, "", "import", "--format", "csv", "--source", "partner", csv)
	if code != 0 || strings.ContainsAny(errOut+out, "\r\x1b") || errOut != "" {
		t.Errorf("import wrote %q / %q", out, errOut)
	}
}
