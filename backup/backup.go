// Package backup writes and reads shopguard's backup archive: a consistent copy of the
// embedded SQLite database and of every evidence file it refers to, in one tar file whose
// last entry, MANIFEST.json, lists each file with its size and SHA-256.
package backup

import (
	"archive/tar"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strings"
	"time"

	"github.com/shopguard/shopguard"
)

// Format names the archive's layout in its manifest.
const Format = "shopguard-backup/1"

// The archive's entries: the database, the evidence files (blobs/aa/bb/<sha256>) and the
// manifest, which comes last.
const (
	DatabaseName = "shopguard.db"
	ManifestName = "MANIFEST.json"
	blobsDir     = "blobs/"
)

// MaxManifest bounds the manifest read back (about 150 bytes an entry: some million files).
const MaxManifest = 256 << 20

// Manifest lists what an archive holds.
type Manifest struct {
	Format  string    `json:"format"`
	Created time.Time `json:"created"`
	Files   []File    `json:"files"`
}

// File is one entry of the archive.
type File struct {
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// Blobs counts the evidence files a manifest lists.
func (m Manifest) Blobs() int {
	n := 0
	for _, f := range m.Files {
		if strings.HasPrefix(f.Name, blobsDir) {
			n++
		}
	}
	return n
}

// Create writes to w an archive of the database snapshot (a closed SQLite file, such as one
// VACUUM INTO made) and of the files in blobs that the snapshot's evidence refers to (inUse
// lists them by the first two hex digits of their SHA-256). Every file is read through
// blobs, so a file altered in storage fails the backup (shopguard.ErrCorrupt) rather than
// being copied.
func Create(ctx context.Context, w io.Writer, snapshot string, inUse func(ctx context.Context, prefix string) ([]string, error), blobs shopguard.BlobStore) (Manifest, error) {
	m := Manifest{Format: Format, Created: time.Now().UTC()}
	tw := tar.NewWriter(w)
	add := func(name string, size int64, r io.Reader) error {
		if err := tw.WriteHeader(&tar.Header{Name: name, Size: size, Mode: 0o600, ModTime: m.Created, Typeflag: tar.TypeReg}); err != nil {
			return err
		}
		h := sha256.New()
		n, err := io.Copy(io.MultiWriter(tw, h), r)
		if err != nil {
			return err
		}
		if n != size {
			return fmt.Errorf("%s changed while it was copied (%d bytes, then %d)", name, size, n)
		}
		m.Files = append(m.Files, File{Name: name, Size: n, SHA256: hex.EncodeToString(h.Sum(nil))})
		return nil
	}
	db, err := os.Open(snapshot)
	if err != nil {
		return m, fmt.Errorf("backup: %w", err)
	}
	defer db.Close()
	st, err := db.Stat()
	if err == nil {
		err = add(DatabaseName, st.Size(), db)
	}
	if err != nil {
		return m, fmt.Errorf("backup: database: %w", err)
	}
	for i := range 256 {
		sums, err := inUse(ctx, fmt.Sprintf("%02x", i))
		if err != nil {
			return m, fmt.Errorf("backup: evidence files in use: %w", err)
		}
		for _, sum := range sums {
			if err := addBlob(ctx, blobs, sum, add); err != nil {
				return m, fmt.Errorf("backup: evidence file %s: %w", sum, err)
			}
		}
	}
	b, _ := json.MarshalIndent(m, "", " ")
	if err := tw.WriteHeader(&tar.Header{Name: ManifestName, Size: int64(len(b)), Mode: 0o600, ModTime: m.Created, Typeflag: tar.TypeReg}); err != nil {
		return m, fmt.Errorf("backup: manifest: %w", err)
	}
	if _, err := tw.Write(b); err != nil {
		return m, fmt.Errorf("backup: manifest: %w", err)
	}
	if err := tw.Close(); err != nil {
		return m, fmt.Errorf("backup: %w", err)
	}
	return m, nil
}

// addBlob copies the kept file sum into the archive. Its size is known only once read, as a
// tar header comes first, so it is read twice: once to measure, once to copy (both verified).
func addBlob(ctx context.Context, blobs shopguard.BlobStore, sum string, add func(string, int64, io.Reader) error) error {
	rc, err := blobs.Open(ctx, sum)
	if err != nil {
		return err
	}
	size, err := io.Copy(io.Discard, rc)
	rc.Close()
	if err != nil {
		return err
	}
	if rc, err = blobs.Open(ctx, sum); err != nil {
		return err
	}
	defer rc.Close()
	return add(blobName(sum), size, rc)
}

func blobName(sum string) string { return blobsDir + sum[:2] + "/" + sum[2:4] + "/" + sum }

// Restore reads an archive: the database goes to the new file dbPath (which must not exist;
// it is written beside it first and renamed into place only once the whole archive checked
// out against its manifest), and each evidence file into blobs. Any entry that is not one an
// archive holds, any file whose size or SHA-256 is not the manifest's, and any file the
// manifest lists but the archive lacks fails the restore with an EINVALID error naming it,
// and leaves no database behind.
func Restore(ctx context.Context, r io.Reader, dbPath string, blobs shopguard.BlobStore) (Manifest, error) {
	var m Manifest
	if _, err := os.Stat(dbPath); err == nil {
		return m, shopguard.Errorf(shopguard.ECONFLICT, "%s exists: restore into a fresh data directory", dbPath)
	}
	tmp, err := os.CreateTemp(path.Dir(dbPath), ".restore-*")
	if err != nil {
		return m, fmt.Errorf("restore: %w", err)
	}
	defer func() {
		tmp.Close()
		os.Remove(tmp.Name())
	}()
	got := map[string]File{}
	tr := tar.NewReader(r)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return m, shopguard.Invalid("archive", "not a readable backup archive: %v", err)
		}
		if m.Format != "" {
			return m, shopguard.Invalid("archive", "entry %q after the manifest", hdr.Name)
		}
		if hdr.Typeflag != tar.TypeReg {
			return m, shopguard.Invalid("archive", "entry %q is not a plain file", hdr.Name)
		}
		switch name := hdr.Name; {
		case name == ManifestName:
			if err := json.NewDecoder(io.LimitReader(tr, MaxManifest)).Decode(&m); err != nil || m.Format != Format {
				return Manifest{}, shopguard.Invalid("archive", "the manifest is not a %s manifest (%v)", Format, err)
			}
		case name == DatabaseName:
			if err := copyChecked(got, name, tmp, tr); err != nil {
				return m, err
			}
		case isBlobName(name):
			sum, size, err := blobs.Put(ctx, tr, hdr.Size)
			if err != nil {
				return m, readError(name, err)
			}
			got[name] = File{Name: name, Size: size, SHA256: sum}
		default:
			return m, shopguard.Invalid("archive", "unexpected entry %q", hdr.Name)
		}
	}
	if m.Format == "" {
		return m, shopguard.Invalid("archive", "no %s: the archive is cut short or not a backup", ManifestName)
	}
	if err := check(m, got); err != nil {
		return m, err
	}
	if err := tmp.Sync(); err != nil {
		return m, fmt.Errorf("restore: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return m, fmt.Errorf("restore: %w", err)
	}
	if err := os.Rename(tmp.Name(), dbPath); err != nil {
		return m, fmt.Errorf("restore: %w", err)
	}
	return m, nil
}

// copyChecked copies r into w, noting its size and SHA-256 in got under name.
func copyChecked(got map[string]File, name string, w io.Writer, r io.Reader) error {
	if _, ok := got[name]; ok {
		return shopguard.Invalid("archive", "entry %q twice", name)
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(w, h), r)
	if err != nil {
		return readError(name, err)
	}
	got[name] = File{Name: name, Size: n, SHA256: hex.EncodeToString(h.Sum(nil))}
	return nil
}

// readError says what failed while reading the entry name: the archive, when it is cut
// short, or else where it was going.
func readError(name string, err error) error {
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return shopguard.Invalid("archive", "%s is cut short: the archive is incomplete", name)
	}
	return fmt.Errorf("restore: %s: %w", name, err)
}

// isBlobName reports whether name is blobs/aa/bb/<sha256> with matching digits.
func isBlobName(name string) bool {
	sum := path.Base(name)
	return shopguard.ValidSHA256(sum) && name == blobName(sum)
}

// check compares what was read with the manifest.
func check(m Manifest, got map[string]File) error {
	listed := map[string]bool{}
	for _, f := range m.Files {
		listed[f.Name] = true
		g, ok := got[f.Name]
		switch {
		case !ok:
			return shopguard.Invalid("archive", "%s is listed in the manifest but missing", f.Name)
		case g.Size != f.Size || g.SHA256 != f.SHA256:
			return shopguard.Invalid("archive", "%s does not match the manifest: it was altered or cut short", f.Name)
		case strings.HasPrefix(f.Name, blobsDir) && path.Base(f.Name) != g.SHA256:
			return shopguard.Invalid("archive", "%s does not have the SHA-256 it is named by", f.Name)
		}
	}
	for name := range got {
		if !listed[name] {
			return shopguard.Invalid("archive", "%s is not in the manifest", name)
		}
	}
	if _, ok := got[DatabaseName]; !ok {
		return shopguard.Invalid("archive", "no database in the archive")
	}
	return nil
}
