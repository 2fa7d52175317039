package main

import (
	"archive/tar"
	"bytes"
	"database/sql"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/shopguard/shopguard/internal/testenv"
)

// dumpSQLite returns every row of every table of the SQLite file at path, as text, table by
// table in a fixed order: what "the same database" means to the backup test.
func dumpSQLite(t *testing.T, path string) string {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var tables []string
	rows, err := db.Query(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var n string
		rows.Scan(&n)
		tables = append(tables, n)
	}
	rows.Close()
	var b strings.Builder
	for _, table := range tables {
		rows, err := db.Query(`SELECT * FROM "` + table + `" ORDER BY 1`)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		n := 0
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			rows.Scan(ptrs...)
			fmt.Fprintf(&b, "%s %v\n", table, vals)
			n++
		}
		rows.Close()
		fmt.Fprintf(&b, "%s: %d rows\n", table, n)
	}
	return b.String()
}

// A backup restored into a fresh data directory holds the same database, row for row, and
// the same evidence files; an altered archive restores nothing.
func TestBackupRestore(t *testing.T) {
	src := map[string]string{"SHOPGUARD_DATA": t.TempDir(), "SHOPGUARD_PASSWORD": "a long password"}
	if code, _, errOut := run(t, src, "", "user", "add", "--role", "admin", "alice"); code != 0 {
		t.Fatal(errOut)
	}
	id, key := caseNew(t, src, "--culprit", "seller", "--payment", "transfer", "--amount", "3299", "--paid-on", "2026-11-20")
	dir := t.TempDir()
	for name, data := range map[string]string{"chat.txt": "卖家：先付定金\n", "receipt.txt": "转账 3299.00\n"} {
		os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644)
	}
	if code, _, errOut := run(t, src, "", "case", "evidence", "add", "--case", id, "--key", key, filepath.Join(dir, "chat.txt"), filepath.Join(dir, "receipt.txt")); code != 0 {
		t.Fatal(errOut)
	}
	os.WriteFile(filepath.Join(dir, "feed.txt"), []byte("deposit-refund.example.net\n"), 0o644)
	if code, _, errOut := run(t, src, "", "import", "feed", "--name", "ops", filepath.Join(dir, "feed.txt")); code != 0 {
		t.Fatal(errOut)
	}

	archive := filepath.Join(dir, "shopguard.tar")
	code, out, errOut := run(t, src, "", "backup", archive)
	if code != 0 || !strings.Contains(out, "2 evidence files") {
		t.Fatalf("backup: %d %q %q", code, out, errOut)
	}
	dst := map[string]string{"SHOPGUARD_DATA": filepath.Join(t.TempDir(), "restored")}
	if code, out, errOut := run(t, dst, "", "restore", archive); code != 0 || !strings.Contains(out, "2 evidence files") {
		t.Fatalf("restore: %d %q %q", code, out, errOut)
	}
	if a, b := dumpSQLite(t, filepath.Join(src["SHOPGUARD_DATA"], "shopguard.db")), dumpSQLite(t, filepath.Join(dst["SHOPGUARD_DATA"], "shopguard.db")); a != b {
		t.Fatalf("the restored database differs:\n--- original\n%s\n--- restored\n%s", a, b)
	}
	kept := func(env map[string]string) []string {
		var out []string
		for _, f := range testenv.BlobFiles(t, filepath.Join(env["SHOPGUARD_DATA"], "blobs")) {
			if rel, _ := filepath.Rel(filepath.Join(env["SHOPGUARD_DATA"], "blobs"), f); !strings.HasPrefix(rel, "tmp") {
				b, _ := os.ReadFile(f)
				out = append(out, rel+" "+string(b))
			}
		}
		slices.Sort(out)
		return out
	}
	if a, b := kept(src), kept(dst); !slices.Equal(a, b) || len(a) != 2 {
		t.Fatalf("evidence files: original %q, restored %q", a, b)
	}
	if code, out, _ := run(t, dst, "", "case", "verify", "--case", id, "--key", key); code != 0 || !strings.HasPrefix(out, "OK ") {
		t.Fatalf("verify the restored case: %d %q", code, out)
	}
	if code, out, _ := run(t, dst, "", "check", "url", "deposit-refund.example.net"); code != 1 || !strings.Contains(out, "ops") {
		t.Fatalf("the restored feed: %d %q", code, out)
	}
	if code, _, errOut := run(t, dst, "", "restore", archive); code == 0 || !strings.Contains(errOut, "exists") {
		t.Fatalf("restore over a database: %d %q", code, errOut)
	}

	// One byte of one evidence file altered, or the archive cut short: nothing restored.
	data, _ := os.ReadFile(archive)
	i := bytes.Index(data, []byte("转账 3299.00"))
	altered := slices.Clone(data)
	altered[i+len("转账 ")] = '4'
	for name, b := range map[string][]byte{"altered": altered, "cut": data[:len(data)/2], "not a tar": []byte("hello")} {
		bad := filepath.Join(dir, name+".tar")
		os.WriteFile(bad, b, 0o600)
		fresh := map[string]string{"SHOPGUARD_DATA": filepath.Join(t.TempDir(), "restored")}
		code, _, errOut := run(t, fresh, "", "restore", bad)
		if code != 2 || errOut == "" {
			t.Errorf("restore of a %s archive: exit %d %q, want 2 with a message", name, code, errOut)
		}
		if _, err := os.Stat(filepath.Join(fresh["SHOPGUARD_DATA"], "shopguard.db")); err == nil {
			t.Errorf("restore of a %s archive left a database", name)
		}
	}
	tr := tar.NewReader(bytes.NewReader(data))
	var names []string
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		names = append(names, h.Name)
	}
	if len(names) != 4 || names[0] != "shopguard.db" || names[3] != "MANIFEST.json" {
		t.Errorf("archive entries %v", names)
	}
}
