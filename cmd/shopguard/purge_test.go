package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/shopguard/shopguard/blob"
	"github.com/shopguard/shopguard/internal/testenv"
	"github.com/shopguard/shopguard/sqlite"
)

// blobFile is where the blob store in data keeps a file with this content.
func blobFile(data, content string) string {
	h := sha256.Sum256([]byte(content))
	sum := hex.EncodeToString(h[:])
	return filepath.Join(data, "blobs", sum[:2], sum[2:4], sum)
}

// purge deletes the evidence files nothing uses once they are past the grace period, keeps
// the files of cases, and purges the reports past the retention given as to serve.
func TestPurgeCommand(t *testing.T) {
	data := t.TempDir()
	env := map[string]string{"SHOPGUARD_DATA": data}
	id, key := caseNew(t, env)
	const usedText, strayText = "卖家：先付定金\n", "a file a failed evidence add left behind\n"
	note := filepath.Join(t.TempDir(), "chat.txt")
	os.WriteFile(note, []byte(usedText), 0o600)
	c := []string{"--case", id, "--key", key}
	if code, out, errOut := run(t, env, "", append(append([]string{"case", "evidence", "add"}, c...), note)...); code != 0 {
		t.Fatalf("evidence add: %d %q %q", code, out, errOut)
	}
	blobs, err := blob.NewDir(filepath.Join(data, "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := blobs.Put(context.Background(), strings.NewReader(strayText), 1<<20); err != nil {
		t.Fatal(err)
	}
	used, stray := blobFile(data, usedText), blobFile(data, strayText)
	if code, out, errOut := run(t, env, "they asked for a deposit", "report", "--type", "deposit_scam", "--id", "phone:13800000401"); code != 0 {
		t.Fatalf("report: %d %q %q", code, out, errOut)
	}
	exists := func(p string) bool { _, err := os.Stat(p); return err == nil }
	purge := func(want string, flags ...string) {
		t.Helper()
		code, out, errOut := run(t, env, "", append([]string{"purge"}, flags...)...)
		if code != 0 || out != want+"\n" {
			t.Fatalf("purge %q: %d %q %q; want %q", flags, code, out, errOut, want)
		}
	}

	// within the grace period nothing goes
	purge("purged 0 reports, 0 changes, 0 unused files")
	if !exists(used) || !exists(stray) {
		t.Fatalf("files after a purge within the grace period: used %v, unused %v; want both kept", exists(used), exists(stray))
	}

	// past it, the unused file goes and the case's stays
	testenv.AgeBlobs(t, filepath.Join(data, "blobs"))
	purge("purged 0 reports, 0 changes, 1 unused files")
	if !exists(used) || exists(stray) {
		t.Fatalf("files after a purge past the grace period: used %v, unused %v; want true, false", exists(used), exists(stray))
	}
	if code, out, errOut := run(t, env, "", append([]string{"case", "verify"}, c...)...); code != 0 || !strings.HasPrefix(out, "OK ") {
		t.Fatalf("verify the case after purge: %d %q %q", code, out, errOut)
	}

	// a report two days old goes with a retention of one day, and only then
	db, err := sqlite.Open(context.Background(), filepath.Join(data, "shopguard.db"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = db.Write.ExecContext(context.Background(), `UPDATE reports SET created_at = created_at - $1`, (48 * time.Hour).Microseconds())
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	purge("purged 0 reports, 0 changes, 0 unused files")
	purge("purged 1 reports, 0 changes, 0 unused files", "--report-retention-days", "1")

	if code, _, errOut := run(t, env, "", "purge", "now"); code != 2 || !strings.Contains(errOut, "purge takes no arguments") {
		t.Fatalf("purge with an argument: %d %q; want exit 2", code, errOut)
	}
}
