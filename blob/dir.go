// Package blob keeps files by their SHA-256 in a directory: the default shopguard.BlobStore.
package blob

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/internal/budget"
)

// DefaultGrace is how long a Dir keeps a file after a Put wrote or refreshed it, whatever
// Delete is asked: long enough for any upload to log the file it just put.
const DefaultGrace = 10 * time.Minute

// staleTemp is the age past which Sweep removes a temporary file (one that a crashed Put or
// Delete left behind), unless the grace period is longer.
const staleTemp = 24 * time.Hour

// Dir is a shopguard.BlobStore in a directory: each file lives at aa/bb/<sha256>, written to a
// temporary file first and renamed into place once complete and synced, so a failed or
// interrupted Put leaves nothing behind under a hash. Several processes, on several nodes,
// may share one directory, on a file system that renames atomically and shows every node a
// file's current time (NFS mounted without attribute caching), with clocks in step.
type Dir struct {
	// Grace is how long after a Put wrote or refreshed a file Delete keeps it (see Delete).
	// NewDir sets DefaultGrace; 0 makes Delete remove every file at once, which is safe only
	// when no upload can run at the same time.
	Grace time.Duration

	root string
}

var _ shopguard.BlobStore = (*Dir)(nil)

// NewDir returns a Dir rooted at root, creating the directory if needed.
func NewDir(root string) (*Dir, error) {
	if err := os.MkdirAll(filepath.Join(root, "tmp"), 0o700); err != nil {
		return nil, fmt.Errorf("blob: create %s: %w", root, err)
	}
	return &Dir{Grace: DefaultGrace, root: filepath.Clean(root)}, nil
}

func (d *Dir) path(sum string) (string, error) {
	if !shopguard.ValidSHA256(sum) {
		return "", shopguard.Invalid("sha256", "not a SHA-256 in hex")
	}
	return filepath.Join(d.root, sum[:2], sum[2:4], sum), nil
}

// Put implements shopguard.BlobStore.
func (d *Dir) Put(ctx context.Context, r io.Reader, limit int64) (sum string, size int64, err error) {
	tmp, err := os.CreateTemp(filepath.Join(d.root, "tmp"), "put-*")
	if err != nil {
		return "", 0, fmt.Errorf("blob: put: %w", err)
	}
	defer func() {
		if tmp != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	h := sha256.New()
	size, err = io.Copy(io.MultiWriter(tmp, h), budget.Reader(ctx, io.LimitReader(r, limit+1)))
	if err != nil {
		return "", 0, fmt.Errorf("blob: put: read: %w", err)
	}
	if size > limit {
		return "", 0, shopguard.Errorf(shopguard.ETOOLARGE, "the file is larger than %d bytes", limit)
	}
	sum = hex.EncodeToString(h.Sum(nil))
	dst, _ := d.path(sum)
	// A file already there is refreshed, not just seen, so that a Delete racing this upload
	// keeps it (see Delete). Gone meanwhile, it is written anew. Setting the time finds the file
	// by its path first: a Delete may move it out between that lookup and the new time, and
	// remove it having read the old one. So the file must still be in place after the refresh.
	now := time.Now()
	err = os.Chtimes(dst, now, now)
	if err == nil {
		_, err = os.Stat(dst)
	}
	switch {
	case err == nil:
		return sum, size, nil
	case !errors.Is(err, fs.ErrNotExist):
		return "", 0, fmt.Errorf("blob: put %s: refresh: %w", sum, err)
	}
	// only a file that is moved in is synced: one already there was synced when it came
	if err := tmp.Sync(); err != nil {
		return "", 0, fmt.Errorf("blob: put: sync: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return "", 0, fmt.Errorf("blob: put: close: %w", err)
	}
	if err := d.move(tmp.Name(), dst); err != nil {
		return "", 0, fmt.Errorf("blob: put %s: %w", sum, err)
	}
	tmp = nil
	return sum, size, nil
}

// move renames the file src to dst, making the directories dst needs, and syncs every
// directory whose entries changed (dst's, src's and the parents of those it made), so that
// after a crash the file is where the last move put it and nowhere else.
func (d *Dir) move(src, dst string) error {
	if err := d.mkdirs(filepath.Dir(dst)); err != nil {
		return err
	}
	if err := os.Rename(src, dst); err != nil {
		return err
	}
	if err := syncDir(filepath.Dir(dst)); err != nil {
		return err
	}
	if filepath.Dir(src) == filepath.Dir(dst) {
		return nil
	}
	return syncDir(filepath.Dir(src))
}

// mkdirs makes dir and its missing parents under the root, syncing the parent of each one it
// makes so that the new directory survives a crash.
func (d *Dir) mkdirs(dir string) error {
	if dir == d.root || dir == filepath.Dir(dir) {
		return nil
	}
	if _, err := os.Stat(dir); err == nil {
		return nil
	}
	if err := d.mkdirs(filepath.Dir(dir)); err != nil {
		return err
	}
	if err := os.Mkdir(dir, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	return syncDir(filepath.Dir(dir))
}

// syncDir flushes a directory's entries to disk, so that a file renamed into it stays there
// after a crash. Tests replace it to see which directories are synced.
var syncDir = func(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	defer f.Close()
	if err := f.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}

// Open implements shopguard.BlobStore.
func (d *Dir) Open(ctx context.Context, sum string) (io.ReadCloser, error) {
	p, err := d.path(sum)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, shopguard.Errorf(shopguard.ENOTFOUND, "no file %s", sum)
	}
	if err != nil {
		return nil, fmt.Errorf("blob: open %s: %w", sum, err)
	}
	return verified(f, sum), nil
}

// Delete implements shopguard.BlobStore. It keeps a file put or refreshed within the grace
// period, which Sweep removes later if it is still unused.
//
// The caller saw no case or report refer to the file, but an upload may have put the same
// file since and be about to log it: its Put found the file there and refreshed its time
// instead of writing a copy. So Delete first moves the file out of place, into tmp under a
// name of its own (a rename: atomic, and on the same file system even when several nodes
// share the directory), and only then reads its time. A Put that refreshed the file before
// the move shows in that time, and Delete puts the file back; a Put after the move finds
// nothing and writes its own copy. Either way the file an upload logs stays, provided the
// upload logs it within the grace period of its Put and the nodes' clocks agree to well
// within it. A reader may find the file missing for the moment it is out, but only when a
// Put refreshed it between Delete's first look and the move. If the process stops while the
// file is out, the next Sweep finishes the job: it puts the file back if it is fresh or in
// use, and removes it if neither.
func (d *Dir) Delete(ctx context.Context, sum string) error {
	p, err := d.path(sum)
	if err != nil {
		return err
	}
	if _, err := d.remove(p); err != nil {
		return fmt.Errorf("blob: delete %s: %w", sum, err)
	}
	return nil
}

// remove deletes the file at p unless it is fresh (see Delete), reporting whether it did.
func (d *Dir) remove(p string) (bool, error) {
	if fi, err := os.Stat(p); err != nil || d.fresh(fi) {
		return false, ignoreNotExist(err)
	}
	out := filepath.Join(d.root, "tmp", deletingPrefix+filepath.Base(p)+"-"+rand.Text())
	if err := d.move(p, out); err != nil {
		return false, ignoreNotExist(err)
	}
	fi, err := os.Stat(out)
	if err != nil {
		return false, ignoreNotExist(err) // a Sweep took it for a crashed Delete's leftover
	}
	if !d.fresh(fi) {
		return true, ignoreNotExist(os.Remove(out))
	}
	return false, ignoreNotExist(d.restore(out, p)) // gone: a Sweep put it back first
}

// deletingPrefix starts the name of a file Delete moved out, followed by its SHA-256.
const deletingPrefix = "del-"

// restore puts back at p a file that Delete moved out to out, its time refreshed first: it
// may replace a copy that a Put wrote while it was out, and must not make that copy look
// older.
func (d *Dir) restore(out, p string) error {
	now := time.Now()
	if err := os.Chtimes(out, now, now); err != nil {
		return err
	}
	return d.move(out, p)
}

// fresh reports whether a file was put or refreshed within the grace period.
func (d *Dir) fresh(fi fs.FileInfo) bool {
	return time.Since(fi.ModTime()) < d.Grace
}

// ignoreNotExist returns err, or nil if it says a file is not there.
func ignoreNotExist(err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}

// Sweep implements shopguard.BlobStore: it deletes every file past the grace period that
// inUse says nothing refers to, as Delete does; finishes the Deletes that stopped with a file
// moved out (see Delete); and removes the temporary files a crashed Put left behind once they
// are a day old. It returns how many kept files it deleted, and stops at the first error.
func (d *Dir) Sweep(ctx context.Context, inUse func(ctx context.Context, sha256 string) (bool, error)) (removed int, err error) {
	tmp := filepath.Join(d.root, "tmp")
	err = filepath.WalkDir(d.root, func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		fi, err := e.Info()
		if err != nil {
			return ignoreNotExist(err)
		}
		if filepath.Dir(p) == tmp {
			return d.sweepTemp(ctx, p, fi, inUse)
		}
		sum := e.Name()
		if want, err := d.path(sum); err != nil || want != p || d.fresh(fi) {
			return nil // not a kept file, or a fresh one
		}
		used, err := inUse(ctx, sum)
		if err != nil {
			return fmt.Errorf("is %s in use: %w", sum, err)
		}
		if used {
			return nil
		}
		gone, err := d.remove(p)
		if err != nil {
			return fmt.Errorf("delete %s: %w", sum, err)
		}
		if gone {
			removed++
		}
		return nil
	})
	if err != nil {
		return removed, fmt.Errorf("blob: sweep: %w", err)
	}
	return removed, nil
}

// sweepTemp deals with the file p in tmp. A file a stopped Delete moved out goes back if it is
// fresh (it kept its time, so a Put refreshed it) or if inUse says an upload logged it since,
// and goes if neither. Any other file goes once a day old.
func (d *Dir) sweepTemp(ctx context.Context, p string, fi fs.FileInfo, inUse func(ctx context.Context, sha256 string) (bool, error)) error {
	rest, deleting := strings.CutPrefix(fi.Name(), deletingPrefix)
	sum, _, _ := strings.Cut(rest, "-")
	if want, err := d.path(sum); deleting && err == nil {
		keep := d.fresh(fi)
		if !keep {
			if keep, err = inUse(ctx, sum); err != nil {
				return fmt.Errorf("is %s in use: %w", sum, err)
			}
		}
		if keep {
			return ignoreNotExist(d.restore(p, want))
		}
		return ignoreNotExist(os.Remove(p))
	}
	if time.Since(fi.ModTime()) > max(staleTemp, d.Grace) {
		return ignoreNotExist(os.Remove(p))
	}
	return nil
}
