package blob_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// Uploads of a file race a Delete or a Sweep of it, as when one case is deleted while another
// case takes the same screenshot: every upload that logged the file must find it kept.
func TestDeleteRacingUploadsLosesNothing(t *testing.T) {
	ctx := context.Background()
	d, root := newDir(t)
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
	for round := range 300 {
		if _, err := os.Stat(filepath.Join(root, sum[:2], sum[2:4], sum)); err == nil {
			age(t, root, sum, d.Grace+time.Minute) // the file was put long ago
		}
		var wg sync.WaitGroup
		for range 4 {
			wg.Go(func() {
				got, _, err := d.Put(ctx, bytes.NewReader(data), 1<<20)
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
					err = d.Delete(ctx, sum)
				}
			} else {
				_, err = d.Sweep(ctx, inUse)
			}
			if err != nil {
				t.Error(err)
			}
		})
		wg.Wait()
		rc, err := d.Open(ctx, sum)
		if err != nil {
			t.Fatalf("round %d: a file %d uploads logged is gone: %v", round, refs, err)
		}
		rc.Close()
		refs = 0 // the cases are deleted: the next round's Delete or Sweep finds the file unused
	}
}
