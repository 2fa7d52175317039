package blob

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// recordSyncs makes syncDir record the directories it syncs, for the test's length.
func recordSyncs(t *testing.T) *[]string {
	t.Helper()
	var synced []string
	real := syncDir
	syncDir = func(dir string) error {
		synced = append(synced, dir)
		return real(dir)
	}
	t.Cleanup(func() { syncDir = real })
	return &synced
}

// TestMovesSyncDirectories holds every rename of a kept file to a sync of the directories it
// changed: the one it lands in, the one it left, and the parents of the directories made for
// it, so that a file acknowledged as kept is still there after a crash.
func TestMovesSyncDirectories(t *testing.T) {
	root := t.TempDir()
	d, err := NewDir(root)
	if err != nil {
		t.Fatal(err)
	}
	d.Grace = 0
	synced := recordSyncs(t)
	ctx := context.Background()
	sum, _, err := d.Put(ctx, strings.NewReader("screenshot of the chat"), 1<<10)
	if err != nil {
		t.Fatal(err)
	}
	aa, bb := filepath.Join(root, sum[:2]), filepath.Join(root, sum[:2], sum[2:4])
	tmp := filepath.Join(root, "tmp")
	for _, dir := range []string{root, aa, bb, tmp} {
		if !slices.Contains(*synced, dir) {
			t.Errorf("Put into a fresh directory synced %q, not %s", *synced, dir)
		}
	}

	*synced = nil
	if err := d.Delete(ctx, sum); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(bb, sum)); !os.IsNotExist(err) {
		t.Fatalf("the file is still there after Delete: %v", err)
	}
	for _, dir := range []string{bb, tmp} {
		if !slices.Contains(*synced, dir) {
			t.Errorf("Delete moved the file out but synced %q, not %s", *synced, dir)
		}
	}
}
