package blob_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/shopguard/shopguard/blob"
)

func newDir(t *testing.T) (*blob.Dir, string) {
	t.Helper()
	root := t.TempDir()
	d, err := blob.NewDir(root)
	if err != nil {
		t.Fatal(err)
	}
	return d, root
}

// age sets the time of a kept file to ago in the past, as if it had been put then.
func age(t *testing.T, root, sum string, ago time.Duration) {
	t.Helper()
	then := time.Now().Add(-ago)
	if err := os.Chtimes(filepath.Join(root, sum[:2], sum[2:4], sum), then, then); err != nil {
		t.Fatal(err)
	}
}

func TestSweepRemovesStaleTempFiles(t *testing.T) {
	d, root := newDir(t)
	mk := func(name string, ago time.Duration) string {
		p := filepath.Join(root, name)
		if err := os.WriteFile(p, []byte("partial upload"), 0o600); err != nil {
			t.Fatal(err)
		}
		then := time.Now().Add(-ago)
		if err := os.Chtimes(p, then, then); err != nil {
			t.Fatal(err)
		}
		return p
	}
	stale, recent := mk("tmp/put-1", 25*time.Hour), mk("tmp/put-2", time.Hour)
	stray := mk("NOTES", 25*time.Hour)
	if n, err := d.Sweep(context.Background(), func(context.Context, string) (bool, error) { return false, nil }); err != nil || n != 0 {
		t.Fatalf("Sweep: removed %d, %v", n, err)
	}
	for p, want := range map[string]bool{stale: false, recent: true, stray: true} {
		if _, err := os.Stat(p); (err == nil) != want {
			t.Errorf("%s: there %v after Sweep, want %v", p, err == nil, want)
		}
	}
}
