package main

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// caseNew runs "case new" with the flags and returns the id and key it printed.
func caseNew(t *testing.T, env map[string]string, flags ...string) (id, key string) {
	t.Helper()
	code, out, errOut := run(t, env, "", append([]string{"case", "new"}, flags...)...)
	if code != 0 {
		t.Fatalf("case new: %d %s %s", code, out, errOut)
	}
	for _, l := range strings.Split(out, "\n") {
		if v, ok := strings.CutPrefix(l, "id "); ok {
			id = v
		}
		if v, ok := strings.CutPrefix(l, "key "); ok {
			key = v
		}
	}
	if id == "" || !strings.HasPrefix(key, "sgc_") || !strings.Contains(errOut, "shown only once") {
		t.Fatalf("case new printed %q / %q", out, errOut)
	}
	return id, key
}

func TestCaseCommands(t *testing.T) {
	env, dir := map[string]string{"SHOPGUARD_DATA": t.TempDir()}, t.TempDir()
	id, key := caseNew(t, env, "--lang", "en", "--culprit", "seller", "--payment", "escrow",
		"--amount", "3299.00", "--counterparty", "数码旗舰小店", "--seller-location", "广东省深圳市", "--evidence", "chat,payment")
	shot := filepath.Join(dir, "chat.png")
	os.WriteFile(shot, []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01"), 0o644)
	note := filepath.Join(dir, "chat.txt")
	os.WriteFile(note, []byte("卖家：加微信转账\n"), 0o644)
	c := []string{"--case", id, "--key", key}

	if code, out, errOut := run(t, env, "", append(append([]string{"case", "evidence", "add"}, c...), "--note", "聊天", shot, note)...); code != 0 || strings.Count(out, "\n") != 2 {
		t.Fatalf("evidence add: %d %q %q", code, out, errOut)
	}
	if code, out, _ := run(t, env, "", append([]string{"case", "plan"}, c...)...); code != 0 || !strings.Contains(out, "1. ") {
		t.Fatalf("plan: %d %q", code, out)
	}
	if code, out, errOut := run(t, env, "", append([]string{"case", "docs", "--out", dir, "--lang", "zh-CN"}, append(c, "police_report")...)...); code != 0 {
		t.Fatalf("docs: %d %q %q", code, out, errOut)
	}
	if pdf, _ := os.ReadFile(filepath.Join(dir, "police_report.zh-CN.pdf")); !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatal("docs wrote no PDF")
	}
	pkg := filepath.Join(dir, "case.zip")
	if code, _, errOut := run(t, env, "", append([]string{"case", "package", "-o", pkg}, c...)...); code != 0 {
		t.Fatalf("package: %d %q", code, errOut)
	}
	if code, out, _ := run(t, env, "", "case", "verify", pkg); code != 0 || !strings.HasPrefix(out, "OK ") {
		t.Fatalf("verify intact package: %d %q", code, out)
	}
	if code, out, _ := run(t, env, "", append([]string{"case", "verify"}, c...)...); code != 0 || !strings.HasPrefix(out, "OK ") {
		t.Fatalf("verify stored case: %d %q", code, out)
	}

	// One byte of one evidence file altered: exit 1, naming the file.
	altered := filepath.Join(dir, "altered.zip")
	rewriteZip(t, pkg, altered, "evidence/002-chat.txt")
	code, out, _ := run(t, env, "", "case", "verify", altered)
	if code != 1 || !strings.Contains(out, "evidence/002-chat.txt: was altered") {
		t.Fatalf("verify altered package: %d %q", code, out)
	}

	// Usage errors exit 2.
	for _, args := range [][]string{
		{"case", "plan"},
		{"case", "plan", "--case", id, "--key", "sgc_wrong"},
		{"case", "verify"},
		{"case", "new", "--culprit", "martian"},
		{"case", "new", "--amount", "12abc"},
	} {
		if code, _, _ := run(t, env, "", args...); code != 2 {
			t.Errorf("%q: exit %d, want 2", args, code)
		}
	}
}

// rewriteZip copies the ZIP at src to dst with one byte of entry name flipped.
func rewriteZip(t *testing.T, src, dst, name string) {
	t.Helper()
	zr, err := zip.OpenReader(src)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	f, _ := os.Create(dst)
	defer f.Close()
	zw := zip.NewWriter(f)
	found := false
	for _, e := range zr.File {
		rc, _ := e.Open()
		b, _ := io.ReadAll(rc)
		rc.Close()
		if e.Name == name {
			b[0] ^= 1
			found = true
		}
		w, _ := zw.Create(e.Name)
		w.Write(b)
	}
	zw.Close()
	if !found {
		t.Fatalf("no %s in the package", name)
	}
}

// A case made and filled through the served API lives in the data directory: the CLI opens
// it with its key and finds its files intact.
func TestServedCaseSharesDataWithCLI(t *testing.T) {
	env := map[string]string{"SHOPGUARD_DATA": t.TempDir()}
	srv := startServer(t, env)
	resp, err := http.Post(srv.http.URL()+"/api/v1/cases", "application/json", strings.NewReader(`{"triage":{"culprit":"impostor","payment":"transfer"}}`))
	if err != nil {
		t.Fatal(err)
	}
	var created struct{ ID, Key string }
	json.NewDecoder(resp.Body).Decode(&created)
	resp.Body.Close()
	if resp.StatusCode != 201 || created.Key == "" {
		t.Fatalf("create: %d %+v", resp.StatusCode, created)
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", "transfer.txt")
	fw.Write([]byte("转账 5000 元到 6222…\n"))
	mw.Close()
	req, _ := http.NewRequest("POST", srv.http.URL()+"/api/v1/cases/"+created.ID+"/evidence", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+created.Key)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 201 {
		t.Fatalf("upload: %d", resp.StatusCode)
	}
	code, out, errOut := run(t, env, "", "case", "verify", "--case", created.ID, "--key", created.Key)
	if code != 0 || !strings.Contains(out, "OK case "+created.ID+": 1 files") {
		t.Fatalf("CLI verify of the served case: %d %q %q", code, out, errOut)
	}
}
