package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shopguard/shopguard"
)

func TestReportAndCheckCLI(t *testing.T) {
	data := t.TempDir()
	env := map[string]string{"SHOPGUARD_DATA": data}
	png := filepath.Join(t.TempDir(), "chat.png")
	os.WriteFile(png, []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01"), 0o600)
	program := filepath.Join(t.TempDir(), "photo.jpg")
	os.WriteFile(program, []byte("\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00"), 0o600)

	code, out, errOut := run(t, env, "they asked for a deposit, then blocked me", "report", "--type", "deposit_scam",
		"--id", "phone:138 1234 5678", "--id", "qq:12345678", "--platform", "xianyu", "--amount", "300.00", "--date", "2026-11-01", "--evidence", png, "--json")
	var filed struct {
		ID     int64  `json:"id"`
		Status string `json:"status"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &filed) != nil || filed.ID == 0 || filed.Status != "pending" {
		t.Fatalf("report: %d %q %s", code, out, errOut)
	}
	if code, _, errOut := run(t, env, "x", "report", "--type", "deposit_scam", "--id", "phone:123"); code != 2 || !strings.Contains(errOut, "identifiers[0].value") {
		t.Fatalf("bad report: %d %s", code, errOut)
	}
	if code, _, errOut := run(t, env, "x", "report", "--type", "deposit_scam", "--id", "qq:12345678", "--evidence", program); code != 2 || !strings.Contains(errOut, "evidence") {
		t.Fatalf("a program as evidence: %d %s", code, errOut)
	}

	big := filepath.Join(t.TempDir(), "chat.txt")
	os.WriteFile(big, bytes.Repeat([]byte("a"), shopguard.MaxEvidenceSize+1), 0o600)
	if code, _, errOut := run(t, env, "x", "report", "--type", "deposit_scam", "--id", "qq:12345678", "--evidence", big); code != 2 || !strings.Contains(errOut, "evidence: chat.txt is larger than") {
		t.Fatalf("an oversized evidence file (too_large is bad input): %d %s", code, errOut)
	}

	code, out, _ = run(t, env, "", "check", "phone", "--lang", "en", "+86 138-1234-5678")
	if code != 0 || !strings.Contains(out, "138****5678") || !strings.Contains(out, "1 report [") {
		t.Fatalf("check phone: %d %q", code, out)
	}
	code, out, _ = run(t, env, "", "check", "qq", "--json", "12345678")
	if code != 0 || !strings.Contains(out, `"reports": 1`) || !strings.Contains(out, `"source": "database"`) {
		t.Fatalf("check qq --json: %d %q", code, out)
	}
	code, out, _ = run(t, env, "{\"id\":1,\"value\":\"13812345678\"}\n{\"id\":2,\"value\":\"12\"}\n{\"id\":3,\"value\":\"13900000000\"}\n", "check", "phone", "--jsonl")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || len(lines) != 3 || !strings.Contains(lines[0], `"reports":1`) || !strings.Contains(lines[1], `"error"`) || !strings.Contains(lines[2], `"reports":0`) {
		t.Fatalf("check --jsonl: %d\n%s", code, out)
	}
	if code, _, errOut := run(t, env, "", "check", "phone", "12"); code != 2 || !strings.Contains(errOut, "value") {
		t.Fatalf("check a bad phone: %d %s", code, errOut)
	}

	// export, import, snapshot, offline check
	code, out, _ = run(t, env, "", "export", "--format", "csv")
	if code != 0 || !strings.Contains(out, "phone,+8613812345678") {
		t.Fatalf("export: %d %q", code, out)
	}
	feed := filepath.Join(t.TempDir(), "feed.csv")
	os.WriteFile(feed, []byte("kind,value,score,confirmed\ndomain,fake-refund.com,80,true\nphone,1,10,false\n"), 0o600)
	code, out, errOut = run(t, env, "", "import", "--format", "csv", "--source", "feed-a", feed)
	if code != 1 || !strings.Contains(out, "imported 1") || !strings.Contains(errOut, "record 2") {
		t.Fatalf("import: %d %q %s", code, out, errOut)
	}
	if code, out, _ := run(t, env, "", "check", "domain", "--fail-on", "high", "www.fake-refund.com"); code != 1 || !strings.Contains(out, "fake-refund.com") {
		t.Fatalf("check domain --fail-on high: %d %q", code, out)
	}
	snap := filepath.Join(t.TempDir(), "shopguard.snapshot")
	// The public snapshot holds the confirmed domain only: the reported phone and QQ numbers
	// wait for a moderator, and their kinds are left out of it anyway.
	if code, out, errOut := run(t, env, "", "snapshot", "--out", snap); code != 0 || !strings.Contains(out, "wrote 1 indicators") || !strings.Contains(out, "(public)") {
		t.Fatalf("snapshot: %d %q %s", code, out, errOut)
	}
	other := map[string]string{"SHOPGUARD_DATA": filepath.Join(t.TempDir(), "never-made")}
	code, out, _ = run(t, other, "", "check", "domain", "--snapshot", snap, "--json", "fake-refund.com")
	if code != 1 || !strings.Contains(out, `"risk": "high"`) || !strings.Contains(out, `"source": "snapshot"`) {
		t.Fatalf("offline check of a listed domain: exit %d (want 1) %q", code, out)
	}
	if _, err := os.Stat(other["SHOPGUARD_DATA"]); err == nil {
		t.Fatal("an offline check made a data directory")
	}
}

func TestCheckAgainstServer(t *testing.T) {
	env := map[string]string{"SHOPGUARD_DATA": t.TempDir()}
	srv := startServer(t, env)
	client := map[string]string{"SHOPGUARD_DATA": t.TempDir(), "SHOPGUARD_SERVER": srv.http.URL()}
	if code, out, errOut := run(t, client, "a fake shop took my money", "report", "--type", "fake_shop", "--id", "wechat:Fake_Shop_01"); code != 0 || !strings.Contains(out, "filed") {
		t.Fatalf("report to the server: %d %q %s", code, out, errOut)
	}
	code, out, errOut := run(t, client, "", "check", "wechat", "--json", "fake_shop_01")
	// An unconfirmed report reaches the public only as "under review".
	if code != 0 || !strings.Contains(out, `"finding": "under_review"`) || !strings.Contains(out, `"source": "server"`) || !strings.Contains(out, `"display": "fa*********1"`) {
		t.Fatalf("check --server: %d %q %s", code, out, errOut)
	}
}
