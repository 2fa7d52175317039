package backup_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/backup"
	"github.com/shopguard/shopguard/blob"
)

// archive makes a small archive: a database file and one evidence file.
func archive(t testing.TB) []byte {
	ctx := context.Background()
	dir := t.TempDir()
	db := filepath.Join(dir, "snap.db")
	os.WriteFile(db, []byte("SQLite format 3\x00 stand-in"), 0o600)
	blobs, err := blob.NewDir(filepath.Join(dir, "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	sum, _, err := blobs.Put(ctx, strings.NewReader("聊天截图"), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	inUse := func(_ context.Context, prefix string) ([]string, error) {
		if prefix == sum[:2] {
			return []string{sum}, nil
		}
		return nil, nil
	}
	var b bytes.Buffer
	if _, err := backup.Create(ctx, &b, db, inUse, blobs); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestRoundTrip(t *testing.T) {
	dir := t.TempDir()
	blobs, _ := blob.NewDir(filepath.Join(dir, "blobs"))
	m, err := backup.Restore(context.Background(), bytes.NewReader(archive(t)), filepath.Join(dir, "shopguard.db"), blobs)
	if err != nil || m.Blobs() != 1 || len(m.Files) != 2 {
		t.Fatalf("Restore = %+v, %v", m, err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "shopguard.db")); !bytes.HasPrefix(b, []byte("SQLite format 3")) {
		t.Fatalf("restored database %q", b)
	}
}

// FuzzRestore: whatever the archive, Restore returns (an EINVALID error for a bad archive)
// and leaves a database only when the archive checked out.
func FuzzRestore(f *testing.F) {
	f.Add(archive(f))
	f.Add([]byte("not a tar"))
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		blobs, _ := blob.NewDir(filepath.Join(dir, "blobs"))
		db := filepath.Join(dir, "shopguard.db")
		_, err := backup.Restore(context.Background(), bytes.NewReader(data), db, blobs)
		_, statErr := os.Stat(db)
		if (err == nil) != (statErr == nil) {
			t.Fatalf("Restore: %v, yet database there: %v", err, statErr == nil)
		}
		if err != nil && shopguard.ErrorCode(err) != shopguard.EINVALID {
			t.Fatalf("a bad archive: %v, want invalid", err)
		}
	})
}
