package testenv

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/shopguard/shopguard/blob"
)

// AgeBlobs makes every file in the blob directory root look put long ago, past the grace
// period in which a deletion keeps it (blob.DefaultGrace).
func AgeBlobs(tb testing.TB, root string) {
	tb.Helper()
	then := time.Now().Add(-blob.DefaultGrace - time.Minute)
	err := filepath.WalkDir(root, func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		return os.Chtimes(p, then, then)
	})
	if err != nil {
		tb.Fatalf("age the files in %s: %v", root, err)
	}
}

// BlobFiles lists every file in the blob directory root, those in tmp included (a failed or
// stopped Put or Delete leaves its file there).
func BlobFiles(tb testing.TB, root string) []string {
	tb.Helper()
	var out []string
	err := filepath.WalkDir(root, func(p string, e fs.DirEntry, err error) error {
		if err == nil && !e.IsDir() {
			out = append(out, p)
		}
		return err
	})
	if err != nil {
		tb.Fatalf("list the files in %s: %v", root, err)
	}
	return out
}
