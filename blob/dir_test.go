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
	"time"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/blob"
	"github.com/shopguard/shopguard/internal/testenv"
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

func TestPutOpenDelete(t *testing.T) {
	ctx := context.Background()
	d, root := newDir(t)
	data := []byte("订单截图 screenshot bytes")
	want := sha256.Sum256(data)
	sum, size, err := d.Put(ctx, bytes.NewReader(data), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if sum != hex.EncodeToString(want[:]) || size != int64(len(data)) {
		t.Fatalf("Put = %s %d", sum, size)
	}
	if again, _, err := d.Put(ctx, bytes.NewReader(data), 1<<20); err != nil || again != sum {
		t.Errorf("second Put of the same bytes = %s, %v", again, err)
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
	age(t, root, sum, time.Hour)
	if err := d.Delete(ctx, sum); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Open(ctx, sum); shopguard.ErrorCode(err) != shopguard.ENOTFOUND {
		t.Fatalf("Open after Delete: %v", err)
	}
	if err := d.Delete(ctx, sum); err != nil {
		t.Fatalf("second Delete: %v", err)
	}
	if f := testenv.BlobFiles(t, root); len(f) != 0 {
		t.Fatalf("files left: %v", f)
	}
}

func TestPutTooLargeLeavesNothing(t *testing.T) {
	d, root := newDir(t)
	_, _, err := d.Put(context.Background(), strings.NewReader(strings.Repeat("x", 101)), 100)
	if shopguard.ErrorCode(err) != shopguard.ETOOLARGE {
		t.Fatalf("err = %v, want too_large", err)
	}
	if f := testenv.BlobFiles(t, root); len(f) != 0 {
		t.Fatalf("files left after a refused Put: %v", f)
	}
	if _, _, err := d.Put(context.Background(), strings.NewReader(strings.Repeat("x", 100)), 100); err != nil {
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
	if _, _, err := d.Put(context.Background(), &failingReader{n: 3}, 1<<20); err == nil {
		t.Fatal("Put of a failing reader succeeded")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := d.Put(ctx, strings.NewReader("abc"), 1<<20); err == nil {
		t.Fatal("Put with a cancelled context succeeded")
	}
	if f := testenv.BlobFiles(t, root); len(f) != 0 {
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

func TestPutRefreshesAKeptFile(t *testing.T) {
	ctx := context.Background()
	d, root := newDir(t)
	sum, _, err := d.Put(ctx, strings.NewReader("receipt"), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	age(t, root, sum, time.Hour)
	if _, _, err := d.Put(ctx, strings.NewReader("receipt"), 1<<20); err != nil {
		t.Fatalf("second Put: %v", err)
	}
	fi, err := os.Stat(filepath.Join(root, sum[:2], sum[2:4], sum))
	if err != nil {
		t.Fatal(err)
	}
	if ago := time.Since(fi.ModTime()); ago > time.Minute {
		t.Fatalf("after a second Put the file was last touched %v ago", ago)
	}
}

func TestDeleteKeepsAFreshFileUntilSwept(t *testing.T) {
	ctx := context.Background()
	d, root := newDir(t)
	put := func(s string) string {
		sum, _, err := d.Put(ctx, strings.NewReader(s), 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		return sum
	}
	there := func(sum string) bool {
		rc, err := d.Open(ctx, sum)
		if err == nil {
			rc.Close()
		}
		return err == nil
	}
	fresh, used := put("just uploaded"), put("still in a case")
	if err := d.Delete(ctx, fresh); err != nil {
		t.Fatal(err)
	}
	if !there(fresh) {
		t.Fatal("Delete removed a file put a moment ago")
	}
	inUse := func(_ context.Context, sum string) (bool, error) { return sum == used, nil }
	if n, err := d.Sweep(ctx, inUse); err != nil || n != 0 || !there(fresh) {
		t.Fatalf("Sweep within the grace period: removed %d, %v; file there: %v", n, err, there(fresh))
	}
	age(t, root, fresh, d.Grace+time.Minute)
	age(t, root, used, d.Grace+time.Minute)
	if n, err := d.Sweep(ctx, inUse); err != nil || n != 1 {
		t.Fatalf("Sweep past the grace period: removed %d, %v; want 1", n, err)
	}
	if there(fresh) || !there(used) {
		t.Fatalf("after the Sweep: unused file there %v, used file there %v", there(fresh), there(used))
	}
	if f := testenv.BlobFiles(t, root); len(f) != 1 {
		t.Fatalf("files left: %v, want just the used one", f)
	}
	failing := func(context.Context, string) (bool, error) { return false, errors.New("database down") }
	if _, err := d.Sweep(ctx, failing); err == nil || !strings.Contains(err.Error(), "database down") {
		t.Fatalf("Sweep when in-use cannot be told: %v", err)
	}
	if !there(used) {
		t.Fatal("a failed Sweep removed a file")
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

// A Delete that stopped (a crash) with its file moved out into tmp is finished by the next
// Sweep: a fresh file, which a Put refreshed and an upload may log, goes back, and so does a
// stale one an upload logged; a stale unused one goes.
func TestSweepFinishesAStoppedDelete(t *testing.T) {
	ctx := context.Background()
	d, root := newDir(t)
	put := func(data string) string {
		sum, _, err := d.Put(ctx, strings.NewReader(data), 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		return sum
	}
	movedOut := func(sum string) string {
		out := filepath.Join(root, "tmp", "del-"+sum+"-CRASHED")
		if err := os.Rename(filepath.Join(root, sum[:2], sum[2:4], sum), out); err != nil {
			t.Fatal(err)
		}
		return out
	}
	fresh, stale, logged := put("聊天记录 refreshed by an upload"), put("a file nothing refers to"), put("转账截图 logged by an upload")
	age(t, root, stale, time.Hour)
	age(t, root, logged, time.Hour)
	freshOut, staleOut, loggedOut := movedOut(fresh), movedOut(stale), movedOut(logged)
	if n, err := d.Sweep(ctx, func(_ context.Context, sum string) (bool, error) { return sum == logged, nil }); err != nil || n != 0 {
		t.Fatalf("Sweep: removed %d, %v", n, err)
	}
	for what, sum := range map[string]string{"fresh": fresh, "logged": logged} {
		if r, err := d.Open(ctx, sum); err != nil {
			t.Errorf("the %s file is not back after Sweep: %v", what, err)
		} else {
			r.Close()
		}
	}
	if r, err := d.Open(ctx, stale); err == nil {
		r.Close()
		t.Error("the stale file came back")
	}
	for _, p := range []string{freshOut, staleOut, loggedOut} {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("%s is still in tmp after Sweep", p)
		}
	}
}
