// Package blob keeps files by their SHA-256 in a directory: the default shopguard.BlobStore.
package blob

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/shopguard/shopguard"
)

// Dir is a shopguard.BlobStore in a directory: each file lives at aa/bb/<sha256>, written to a
// temporary file first and renamed into place once complete and synced, so a failed or
// interrupted Put leaves nothing behind under a hash.
type Dir struct {
	root string
}

var _ shopguard.BlobStore = (*Dir)(nil)

// NewDir returns a Dir rooted at root, creating the directory if needed.
func NewDir(root string) (*Dir, error) {
	if err := os.MkdirAll(filepath.Join(root, "tmp"), 0o700); err != nil {
		return nil, fmt.Errorf("blob: create %s: %w", root, err)
	}
	return &Dir{root: root}, nil
}

func (d *Dir) path(sum string) (string, error) {
	if !shopguard.ValidSHA256(sum) {
		return "", shopguard.Invalid("sha256", "not a SHA-256 in hex")
	}
	return filepath.Join(d.root, sum[:2], sum[2:4], sum), nil
}

// Put implements shopguard.BlobStore.
func (d *Dir) Put(ctx context.Context, r io.Reader, limit int64) (sum string, size int64, created bool, err error) {
	tmp, err := os.CreateTemp(filepath.Join(d.root, "tmp"), "put-*")
	if err != nil {
		return "", 0, false, fmt.Errorf("blob: put: %w", err)
	}
	defer func() {
		if tmp != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	h := sha256.New()
	size, err = io.Copy(io.MultiWriter(tmp, h), &ctxReader{ctx, io.LimitReader(r, limit+1)})
	if err != nil {
		return "", 0, false, fmt.Errorf("blob: put: read: %w", err)
	}
	if size > limit {
		return "", 0, false, shopguard.Errorf(shopguard.ETOOLARGE, "the file is larger than %d bytes", limit)
	}
	if err := tmp.Sync(); err != nil {
		return "", 0, false, fmt.Errorf("blob: put: sync: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return "", 0, false, fmt.Errorf("blob: put: close: %w", err)
	}
	sum = hex.EncodeToString(h.Sum(nil))
	dst, _ := d.path(sum)
	if _, err := os.Stat(dst); err == nil {
		return sum, size, false, nil
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
		return "", 0, false, fmt.Errorf("blob: put %s: %w", sum, err)
	}
	if err := os.Rename(tmp.Name(), dst); err != nil {
		return "", 0, false, fmt.Errorf("blob: put %s: %w", sum, err)
	}
	tmp = nil
	return sum, size, true, nil
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
	return f, nil
}

// Delete implements shopguard.BlobStore.
func (d *Dir) Delete(ctx context.Context, sum string) error {
	p, err := d.path(sum)
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("blob: delete %s: %w", sum, err)
	}
	return nil
}

// ctxReader stops reading when its context is done, so an abandoned upload ends early.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c *ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
