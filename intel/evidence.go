package intel

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/shopguard/shopguard"
)

// evidenceTypes are the kinds of file a report may carry, by the type sniffed from their
// content: screenshots, PDFs and plain text.
var evidenceTypes = []string{"image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf", "text/plain"}

// CheckEvidence checks one evidence file and describes it. Its type is sniffed from its
// content, never taken from its name: a file that is not an image, a PDF or text is refused.
func CheckEvidence(name string, data []byte) (shopguard.Evidence, error) {
	switch {
	case len(data) == 0:
		return shopguard.Evidence{}, shopguard.Invalid("evidence", "%s is empty", safeName(name))
	case len(data) > shopguard.MaxEvidenceSize:
		return shopguard.Evidence{}, &shopguard.Error{Code: shopguard.ETOOLARGE, Field: "evidence", Message: fmt.Sprintf("%s is larger than %d MiB", safeName(name), shopguard.MaxEvidenceSize>>20)}
	}
	mt, _, _ := strings.Cut(http.DetectContentType(data), ";")
	if mt == "text/plain" && !utf8.Valid(data) {
		mt = "application/octet-stream"
	}
	ok := false
	for _, t := range evidenceTypes {
		ok = ok || t == mt
	}
	if !ok {
		return shopguard.Evidence{}, shopguard.Invalid("evidence", "%s is %s; attach images (PNG, JPEG, GIF, WebP), PDF or plain text", safeName(name), mt)
	}
	h := sha256.Sum256(data)
	return shopguard.Evidence{SHA256: hex.EncodeToString(h[:]), Name: safeName(name), MediaType: mt, Size: int64(len(data))}, nil
}

// safeName keeps the last part of a file name, at most 100 bytes of valid text.
func safeName(name string) string {
	name = filepath.Base(strings.ReplaceAll(name, `\`, "/"))
	name = strings.ToValidUTF8(name, "")
	for len(name) > 100 {
		_, size := utf8.DecodeLastRuneInString(name)
		name = name[:len(name)-size]
	}
	if name == "." || name == "/" || name == "" {
		return "file"
	}
	return name
}

// Blobs keeps evidence files by the SHA-256 of their content.
type Blobs interface {
	// Put stores data under its hash; storing the same content twice is not an error.
	Put(ctx context.Context, sha string, data []byte) error
	// Get returns the content stored under a hash. ENOTFOUND if there is none.
	Get(ctx context.Context, sha string) ([]byte, error)
}

// DirBlobs is a Blobs in a directory: each blob is a file named by its hash, under a
// directory named by the hash's first two digits, written to a temporary file, synced and
// renamed into place, so that a stored blob is never half written.
type DirBlobs string

// Put stores data under sha.
func (d DirBlobs) Put(ctx context.Context, sha string, data []byte) error {
	path, err := d.path(sha)
	if err != nil {
		return err
	}
	if _, err := os.Stat(path); err == nil {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return fmt.Errorf("blobs: %w", err)
	}
	f, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return fmt.Errorf("blobs: %w", err)
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("blobs: write %s: %w", sha, err)
	}
	if err := errors.Join(f.Sync(), f.Close()); err != nil {
		return fmt.Errorf("blobs: write %s: %w", sha, err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("blobs: write %s: %w", sha, err)
	}
	return nil
}

// Get returns the content stored under sha, after checking it still has that hash.
func (d DirBlobs) Get(ctx context.Context, sha string) ([]byte, error) {
	path, err := d.path(sha)
	if err != nil {
		return nil, err
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, shopguard.Errorf(shopguard.ENOTFOUND, "no evidence file %s", sha)
	}
	if err != nil {
		return nil, fmt.Errorf("blobs: read %s: %w", sha, err)
	}
	if h := sha256.Sum256(data); !bytes.Equal([]byte(hex.EncodeToString(h[:])), []byte(sha)) {
		return nil, fmt.Errorf("blobs: %s is damaged: its content has another hash", sha)
	}
	return data, nil
}

func (d DirBlobs) path(sha string) (string, error) {
	if len(sha) != 64 || strings.Trim(sha, "0123456789abcdef") != "" {
		return "", shopguard.Invalid("sha256", "a blob is named by 64 lower-case hex digits")
	}
	return filepath.Join(string(d), sha[:2], sha), nil
}

// AttachEvidence checks a file, stores it and returns its description for a report.
func AttachEvidence(ctx context.Context, blobs Blobs, name string, data []byte) (shopguard.Evidence, error) {
	ev, err := CheckEvidence(name, data)
	if err != nil {
		return ev, err
	}
	return ev, blobs.Put(ctx, ev.SHA256, data)
}
