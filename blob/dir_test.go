package blob_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shopguard/shopguard"
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

// files lists the regular files under root, outside tmp.
func files(t *testing.T, root string) []string {
	t.Helper()
	var out []string
	filepath.WalkDir(root, func(p string, e os.DirEntry, err error) error {
		if err == nil && !e.IsDir() {
			out = append(out, p)
		}
		return nil
	})
	return out
}

func TestPutOpenDelete(t *testing.T) {
	ctx := context.Background()
	d, root := newDir(t)
	data := []byte("订单截图 screenshot bytes")
	want := sha256.Sum256(data)
	sum, size, created, err := d.Put(ctx, bytes.NewReader(data), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if sum != hex.EncodeToString(want[:]) || size != int64(len(data)) || !created {
		t.Fatalf("Put = %s %d %v", sum, size, created)
	}
	if _, _, created, _ := d.Put(ctx, bytes.NewReader(data), 1<<20); created {
		t.Error("second Put of the same bytes says created")
	}
	rc, err := d.Open(ctx, sum)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(rc)
	rc.Close()
	if !bytes.Equal(got, data) {
		t.Fatalf("Open read %q", got)
	}
	if err := d.Delete(ctx, sum); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Open(ctx, sum); shopguard.ErrorCode(err) != shopguard.ENOTFOUND {
		t.Fatalf("Open after Delete: %v", err)
	}
	if err := d.Delete(ctx, sum); err != nil {
		t.Fatalf("second Delete: %v", err)
	}
	if f := files(t, root); len(f) != 0 {
		t.Fatalf("files left: %v", f)
	}
}

func TestPutTooLargeLeavesNothing(t *testing.T) {
	d, root := newDir(t)
	_, _, _, err := d.Put(context.Background(), strings.NewReader(strings.Repeat("x", 101)), 100)
	if shopguard.ErrorCode(err) != shopguard.ETOOLARGE {
		t.Fatalf("err = %v, want too_large", err)
	}
	if f := files(t, root); len(f) != 0 {
		t.Fatalf("files left after a refused Put: %v", f)
	}
	if _, _, _, err := d.Put(context.Background(), strings.NewReader(strings.Repeat("x", 100)), 100); err != nil {
		t.Fatalf("exactly at the limit: %v", err)
	}
}

type failingReader struct{ n int }

func (f *failingReader) Read(p []byte) (int, error) {
	if f.n <= 0 {
		return 0, errors.New("connection reset")
	}
	f.n--
	return copy(p, "abcd"), nil
}

func TestPutFailedReadLeavesNothing(t *testing.T) {
	d, root := newDir(t)
	if _, _, _, err := d.Put(context.Background(), &failingReader{n: 3}, 1<<20); err == nil {
		t.Fatal("Put of a failing reader succeeded")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, _, err := d.Put(ctx, strings.NewReader("abc"), 1<<20); err == nil {
		t.Fatal("Put with a cancelled context succeeded")
	}
	if f := files(t, root); len(f) != 0 {
		t.Fatalf("files left after failed Puts: %v", f)
	}
}

func TestBadHashRefused(t *testing.T) {
	d, _ := newDir(t)
	for _, s := range []string{"", "../../etc/passwd", strings.Repeat("A", 64), strings.Repeat("a", 63)} {
		if _, err := d.Open(context.Background(), s); shopguard.ErrorCode(err) != shopguard.EINVALID {
			t.Errorf("Open(%q) = %v, want invalid", s, err)
		}
	}
}
