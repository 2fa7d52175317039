package blob_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/blob"
	"github.com/shopguard/shopguard/internal/testenv"
)

// store is a BlobStore under the conformance suite, with what the suite does to it from
// outside: what a test, an operator or a crash does to the files without the store's code.
type store struct {
	shopguard.BlobStore
	grace time.Duration
	// age makes the kept file sum look put ago.
	age func(t *testing.T, sum string, ago time.Duration)
	// ageAside makes the file sum that a deletion moved aside look moved ago.
	ageAside func(t *testing.T, sum string, ago time.Duration)
	// files lists every file or object the store holds, those aside or temporary included.
	files func(t *testing.T) []string
	// overwrite replaces the content of the kept file sum, as a fault of the storage would.
	overwrite func(t *testing.T, sum string, data []byte)
	// moveAside does the first half of a Delete of sum and stops, as a crash would.
	moveAside func(t *testing.T, sum string)
}

// eachStore runs test against every BlobStore: a directory, and a bucket on a real
// S3-compatible server (MinIO; see testenv.S3).
func eachStore(t *testing.T, test func(t *testing.T, s store)) {
	t.Run("dir", func(t *testing.T) { test(t, dirStore(t)) })
	t.Run("s3", func(t *testing.T) { test(t, s3Store(t)) })
}

func dirStore(t *testing.T) store {
	d, root := newDir(t)
	return store{
		BlobStore: d,
		grace:     d.Grace,
		age:       func(t *testing.T, sum string, ago time.Duration) { age(t, root, sum, ago) },
		ageAside: func(t *testing.T, sum string, ago time.Duration) {
			matches, _ := filepath.Glob(filepath.Join(root, "tmp", "del-"+sum+"-*"))
			for _, p := range matches {
				then := time.Now().Add(-ago)
				if err := os.Chtimes(p, then, then); err != nil {
					t.Fatal(err)
				}
			}
		},
		files: func(t *testing.T) []string { return testenv.BlobFiles(t, root) },
		overwrite: func(t *testing.T, sum string, data []byte) {
			if err := os.WriteFile(filepath.Join(root, sum[:2], sum[2:4], sum), data, 0o600); err != nil {
				t.Fatal(err)
			}
		},
		moveAside: func(t *testing.T, sum string) {
			if err := os.Rename(filepath.Join(root, sum[:2], sum[2:4], sum), filepath.Join(root, "tmp", "del-"+sum+"-CRASHED")); err != nil {
				t.Fatal(err)
			}
		},
	}
}

func s3Store(t *testing.T) store {
	ctx := context.Background()
	cfg := testenv.S3(t)
	s, err := blob.NewS3(cfg)
	if err == nil {
		err = s.Check(ctx)
	}
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(cfg.Endpoint)
	c, err := minio.New(u.Host, &minio.Options{Creds: credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""), Region: cfg.Region})
	if err != nil {
		t.Fatal(err)
	}
	key := func(sum string) string { return cfg.Prefix + sum[:2] + "/" + sum[2:4] + "/" + sum }
	// setTime rewrites the object's metadata time (see blob.S3) by copying it onto itself.
	setTime := func(t *testing.T, obj, meta string, ago time.Duration) {
		stamp := strconv.FormatInt(time.Now().Add(-ago).UnixNano(), 10)
		_, err := c.CopyObject(ctx, minio.CopyDestOptions{Bucket: cfg.Bucket, Object: obj, ReplaceMetadata: true,
			UserMetadata: map[string]string{"Shopguard-Put": stamp, meta: stamp}},
			minio.CopySrcOptions{Bucket: cfg.Bucket, Object: obj})
		if err != nil {
			t.Fatal(err)
		}
	}
	list := func(t *testing.T, prefix string) []string {
		var out []string
		for o := range c.ListObjects(ctx, cfg.Bucket, minio.ListObjectsOptions{Prefix: prefix, Recursive: true}) {
			if o.Err != nil {
				t.Fatal(o.Err)
			}
			out = append(out, o.Key)
		}
		return out
	}
	return store{
		BlobStore: s,
		grace:     s.Grace,
		age:       func(t *testing.T, sum string, ago time.Duration) { setTime(t, key(sum), "Shopguard-Put", ago) },
		ageAside: func(t *testing.T, sum string, ago time.Duration) {
			for _, k := range list(t, cfg.Prefix+"tmp/del-"+sum+"-") {
				setTime(t, k, "Shopguard-Aside", ago)
			}
		},
		files: func(t *testing.T) []string { return list(t, "") },
		overwrite: func(t *testing.T, sum string, data []byte) {
			if _, err := c.PutObject(ctx, cfg.Bucket, key(sum), bytes.NewReader(data), int64(len(data)), minio.PutObjectOptions{}); err != nil {
				t.Fatal(err)
			}
		},
		moveAside: func(t *testing.T, sum string) {
			_, err := c.CopyObject(ctx, minio.CopyDestOptions{Bucket: cfg.Bucket, Object: cfg.Prefix + "tmp/del-" + sum + "-CRASHED"},
				minio.CopySrcOptions{Bucket: cfg.Bucket, Object: key(sum)})
			if err == nil {
				err = c.RemoveObject(ctx, cfg.Bucket, key(sum), minio.RemoveObjectOptions{})
			}
			if err != nil {
				t.Fatal(err)
			}
		},
	}
}

func (s store) put(t *testing.T, data string) string {
	t.Helper()
	sum, _, err := s.Put(context.Background(), strings.NewReader(data), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	return sum
}

func (s store) there(sum string) bool {
	rc, err := s.Open(context.Background(), sum)
	if err == nil {
		rc.Close()
	}
	return err == nil
}

func TestPutOpenDelete(t *testing.T) {
	eachStore(t, func(t *testing.T, s store) {
		ctx := context.Background()
		data := []byte("订单截图 screenshot bytes")
		want := sha256.Sum256(data)
		sum, size, err := s.Put(ctx, bytes.NewReader(data), 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		if sum != hex.EncodeToString(want[:]) || size != int64(len(data)) {
			t.Fatalf("Put = %s %d", sum, size)
		}
		if again, _, err := s.Put(ctx, bytes.NewReader(data), 1<<20); err != nil || again != sum {
			t.Errorf("second Put of the same bytes = %s, %v", again, err)
		}
		rc, err := s.Open(ctx, sum)
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(rc)
		rc.Close()
		if err != nil || !bytes.Equal(got, data) {
			t.Fatalf("Open read %q, %v", got, err)
		}
		s.age(t, sum, time.Hour)
		if err := s.Delete(ctx, sum); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Open(ctx, sum); shopguard.ErrorCode(err) != shopguard.ENOTFOUND {
			t.Fatalf("Open after Delete: %v", err)
		}
		if err := s.Delete(ctx, sum); err != nil {
			t.Fatalf("second Delete: %v", err)
		}
		// What a Delete moved aside goes at the first Sweep a grace period later.
		s.ageAside(t, sum, s.grace+time.Minute)
		if _, err := s.Sweep(ctx, func(context.Context, string) (bool, error) { return false, nil }); err != nil {
			t.Fatal(err)
		}
		if f := s.files(t); len(f) != 0 {
			t.Fatalf("files left: %v", f)
		}
	})
}

func TestPutTooLargeLeavesNothing(t *testing.T) {
	eachStore(t, func(t *testing.T, s store) {
		_, _, err := s.Put(context.Background(), strings.NewReader(strings.Repeat("x", 101)), 100)
		if shopguard.ErrorCode(err) != shopguard.ETOOLARGE {
			t.Fatalf("err = %v, want too_large", err)
		}
		if f := s.files(t); len(f) != 0 {
			t.Fatalf("files left after a refused Put: %v", f)
		}
		if _, _, err := s.Put(context.Background(), strings.NewReader(strings.Repeat("x", 100)), 100); err != nil {
			t.Fatalf("exactly at the limit: %v", err)
		}
	})
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
	eachStore(t, func(t *testing.T, s store) {
		if _, _, err := s.Put(context.Background(), &failingReader{n: 3}, 1<<20); err == nil {
			t.Fatal("Put of a failing reader succeeded")
		}
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, _, err := s.Put(ctx, strings.NewReader("abc"), 1<<20); err == nil {
			t.Fatal("Put with a cancelled context succeeded")
		}
		if f := s.files(t); len(f) != 0 {
			t.Fatalf("files left after failed Puts: %v", f)
		}
	})
}

func TestBadHashRefused(t *testing.T) {
	eachStore(t, func(t *testing.T, s store) {
		for _, h := range []string{"", "../../etc/passwd", strings.Repeat("A", 64), strings.Repeat("a", 63)} {
			if _, err := s.Open(context.Background(), h); shopguard.ErrorCode(err) != shopguard.EINVALID {
				t.Errorf("Open(%q) = %v, want invalid", h, err)
			}
			if err := s.Delete(context.Background(), h); shopguard.ErrorCode(err) != shopguard.EINVALID {
				t.Errorf("Delete(%q) = %v, want invalid", h, err)
			}
		}
	})
}

// A file altered in storage is not handed out as if it were the one kept: reading it to the
// end fails with ErrCorrupt.
func TestOpenVerifiesTheContent(t *testing.T) {
	eachStore(t, func(t *testing.T, s store) {
		sum := s.put(t, "转账截图 the original")
		s.overwrite(t, sum, []byte("转账截图 altered"))
		rc, err := s.Open(context.Background(), sum)
		if err != nil {
			t.Fatal(err)
		}
		defer rc.Close()
		if _, err := io.ReadAll(rc); !errors.Is(err, shopguard.ErrCorrupt) {
			t.Fatalf("reading an altered file: %v, want ErrCorrupt", err)
		}
	})
}

// A second Put of a file starts its grace period again: a Delete then keeps it.
func TestPutRefreshesAKeptFile(t *testing.T) {
	eachStore(t, func(t *testing.T, s store) {
		sum := s.put(t, "receipt")
		s.age(t, sum, time.Hour)
		s.put(t, "receipt")
		if err := s.Delete(context.Background(), sum); err != nil {
			t.Fatal(err)
		}
		if !s.there(sum) {
			t.Fatal("Delete removed a file put again a moment ago")
		}
	})
}

func TestDeleteKeepsAFreshFileUntilSwept(t *testing.T) {
	eachStore(t, func(t *testing.T, s store) {
		ctx := context.Background()
		fresh, used := s.put(t, "just uploaded"), s.put(t, "still in a case")
		if err := s.Delete(ctx, fresh); err != nil {
			t.Fatal(err)
		}
		if !s.there(fresh) {
			t.Fatal("Delete removed a file put a moment ago")
		}
		inUse := func(_ context.Context, sum string) (bool, error) { return sum == used, nil }
		if n, err := s.Sweep(ctx, inUse); err != nil || n != 0 || !s.there(fresh) {
			t.Fatalf("Sweep within the grace period: removed %d, %v; file there: %v", n, err, s.there(fresh))
		}
		s.age(t, fresh, s.grace+time.Minute)
		s.age(t, used, s.grace+time.Minute)
		if n, err := s.Sweep(ctx, inUse); err != nil || n != 1 {
			t.Fatalf("Sweep past the grace period: removed %d, %v; want 1", n, err)
		}
		if s.there(fresh) || !s.there(used) {
			t.Fatalf("after the Sweep: unused file there %v, used file there %v", s.there(fresh), s.there(used))
		}
		s.ageAside(t, fresh, s.grace+time.Minute)
		if _, err := s.Sweep(ctx, inUse); err != nil {
			t.Fatal(err)
		}
		if f := s.files(t); len(f) != 1 {
			t.Fatalf("files left: %v, want just the used one", f)
		}
		failing := func(context.Context, string) (bool, error) { return false, errors.New("database down") }
		if _, err := s.Sweep(ctx, failing); err == nil || !strings.Contains(err.Error(), "database down") {
			t.Fatalf("Sweep when in-use cannot be told: %v", err)
		}
		if !s.there(used) {
			t.Fatal("a failed Sweep removed a file")
		}
	})
}

// A Delete that stopped (a crash) with its file moved aside is finished by a Sweep: a fresh
// file, which a Put refreshed and an upload may log, goes back, and so does a stale one an
// upload logged; a stale unused one goes once it has been aside for the grace period.
func TestSweepFinishesAStoppedDelete(t *testing.T) {
	eachStore(t, func(t *testing.T, s store) {
		ctx := context.Background()
		fresh, stale, logged := s.put(t, "聊天记录 refreshed by an upload"), s.put(t, "a file nothing refers to"), s.put(t, "转账截图 logged by an upload")
		s.age(t, stale, time.Hour)
		s.age(t, logged, time.Hour)
		for _, sum := range []string{fresh, stale, logged} {
			s.moveAside(t, sum)
		}
		s.ageAside(t, stale, s.grace+time.Minute)
		s.ageAside(t, logged, s.grace+time.Minute)
		if n, err := s.Sweep(ctx, func(_ context.Context, sum string) (bool, error) { return sum == logged, nil }); err != nil || n != 0 {
			t.Fatalf("Sweep: removed %d, %v", n, err)
		}
		for what, sum := range map[string]string{"fresh": fresh, "logged": logged} {
			if !s.there(sum) {
				t.Errorf("the %s file is not back after Sweep", what)
			}
		}
		if s.there(stale) {
			t.Error("the stale file came back")
		}
		if f := s.files(t); len(f) != 2 {
			t.Errorf("files after Sweep: %v, want the two back in place", f)
		}
	})
}

// Uploads of a file race a Delete or a Sweep of it, as when one case is deleted while another
// case takes the same screenshot: every upload that logged the file must find it kept (at
// once, or, on S3, after the Sweep that follows; see blob.S3).
func TestDeleteRacingUploadsLosesNothing(t *testing.T) {
	eachStore(t, func(t *testing.T, s store) {
		ctx := context.Background()
		data := []byte("the same screenshot, uploaded to several cases at once")
		h := sha256.Sum256(data)
		sum := hex.EncodeToString(h[:])
		var (
			mu   sync.Mutex
			refs int // evidence entries that log the file: the database's count
		)
		// pause stands for a round trip to the database, between a look at refs and what follows
		pause := func() { time.Sleep(rand.N(time.Millisecond)) }
		inUse := func(context.Context, string) (bool, error) {
			mu.Lock()
			used := refs > 0
			mu.Unlock()
			pause()
			return used, nil
		}
		rounds := 300
		if _, ok := s.BlobStore.(*blob.S3); ok {
			rounds = 40 // each round is several requests to the server
		}
		for round := range rounds {
			if s.there(sum) {
				s.age(t, sum, s.grace+time.Minute) // the file was put long ago
			}
			var wg sync.WaitGroup
			for range 4 {
				wg.Go(func() {
					got, _, err := s.Put(ctx, bytes.NewReader(data), 1<<20)
					if err != nil || got != sum {
						t.Errorf("Put = %s, %v", got, err)
						return
					}
					pause()
					mu.Lock()
					refs++ // the upload logs the file
					mu.Unlock()
				})
			}
			wg.Go(func() {
				var err error
				if round%2 == 0 {
					if used, _ := inUse(ctx, sum); !used {
						err = s.Delete(ctx, sum)
					}
				} else {
					_, err = s.Sweep(ctx, inUse)
				}
				if err != nil {
					t.Error(err)
				}
			})
			wg.Wait()
			if !s.there(sum) {
				if _, ok := s.BlobStore.(*blob.S3); ok {
					// Moved aside in the moment between the copy and the removal: the next
					// Sweep puts it back, as the uploads logged it.
					if _, err := s.Sweep(ctx, inUse); err != nil {
						t.Fatal(err)
					}
				}
				if !s.there(sum) {
					t.Fatalf("round %d: a file %d uploads logged is gone; objects: %v", round, refs, s.files(t))
				}
			}
			refs = 0 // the cases are deleted: the next round's Delete or Sweep finds the file unused
		}
	})
}
