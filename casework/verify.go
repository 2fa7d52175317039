package casework

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"sort"
	"strings"

	"github.com/shopguard/shopguard"
)

// VerifyLimits bound the work VerifyPackage does on an archive it did not make, so that a ZIP
// bomb (a huge declared or real uncompressed size, or a flood of entries) is refused, not
// unpacked.
type VerifyLimits struct {
	Entries  int   // entries in the archive
	Bytes    int64 // uncompressed bytes in all entries
	Manifest int64 // bytes in manifest.json
}

// DefaultVerifyLimits are far above what WritePackage makes from a case within DefaultLimits.
var DefaultVerifyLimits = VerifyLimits{Entries: 1000, Bytes: 2 << 30, Manifest: 16 << 20}

// VerifyPackage checks an evidence package: that it is a ZIP with a manifest of the known
// format, that every file the manifest lists is there, once, with its hash and size, that
// nothing unlisted was added, and that the evidence log is a whole hash chain whose entries
// match their files. Every problem is named in the report; err is only for an archive too
// large to check or unreadable as a ZIP at all.
func VerifyPackage(ra io.ReaderAt, size int64, lim VerifyLimits) (*Report, error) {
	zr, err := zip.NewReader(ra, size)
	if err != nil {
		return nil, shopguard.Invalid("package", "not a ZIP archive: %v", err)
	}
	if len(zr.File) > lim.Entries {
		return nil, shopguard.Errorf(shopguard.ETOOLARGE, "the archive has %d entries, more than the %d a package may have", len(zr.File), lim.Entries)
	}
	var declared uint64
	for _, f := range zr.File {
		declared += f.UncompressedSize64
		if declared > uint64(lim.Bytes) {
			return nil, shopguard.Errorf(shopguard.ETOOLARGE, "the archive unpacks to more than %d bytes", lim.Bytes)
		}
	}
	r := &Report{Problems: []Problem{}}
	byName := map[string]*zip.File{}
	for _, f := range zr.File {
		if strings.HasSuffix(f.Name, "/") && f.UncompressedSize64 == 0 {
			continue // a directory entry, as archivers add when a package is zipped again
		}
		if byName[f.Name] != nil {
			r.add(f.Name, "is in the archive twice")
		}
		if !fs.ValidPath(f.Name) || strings.Contains(f.Name, `\`) {
			r.add(f.Name, "is not a plain relative path")
		}
		byName[f.Name] = f
	}
	mf := byName[ManifestName]
	if mf == nil {
		r.add(ManifestName, "is missing")
		return r, nil
	}
	raw, err := readEntry(mf, lim.Manifest)
	if err != nil {
		r.add(ManifestName, "cannot be read: %v", err)
		return r, nil
	}
	var m Manifest
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		r.add(ManifestName, "is not a valid manifest: %v", err)
		return r, nil
	}
	if m.Format != PackageFormat {
		r.add(ManifestName, "has format %q, want %q", m.Format, PackageFormat)
		return r, nil
	}

	listed := map[string]ManifestFile{}
	for _, f := range m.Files {
		if _, dup := listed[f.Path]; dup {
			r.add(f.Path, "is listed twice in the manifest")
		}
		listed[f.Path] = f
		zf := byName[f.Path]
		if zf == nil {
			r.add(f.Path, "is listed in the manifest but missing from the archive")
			continue
		}
		sum, n, err := hashEntry(zf, lim.Bytes)
		switch {
		case err != nil:
			r.add(f.Path, "cannot be read: %v", err)
		case sum != f.SHA256 || n != f.Size:
			r.add(f.Path, "was altered: its SHA-256 is %s, the manifest says %s", sum, f.SHA256)
		}
		r.Files++
	}
	var extra []string
	for name := range byName {
		if _, ok := listed[name]; !ok && name != ManifestName {
			extra = append(extra, name)
		}
	}
	sort.Strings(extra)
	for _, name := range extra {
		r.add(name, "was added: the manifest does not list it")
	}

	log := make([]*shopguard.EvidenceEntry, len(m.Evidence))
	for i := range m.Evidence {
		e := &m.Evidence[i]
		log[i] = &e.EvidenceEntry
		f, ok := listed[e.Path]
		switch {
		case e.CaseID != m.CaseID:
			r.add(fmt.Sprintf("evidence #%d", i+1), "belongs to case %s, the package to %s", e.CaseID, m.CaseID)
		case !ok:
			r.add(fmt.Sprintf("evidence #%d", i+1), "its file %s is not listed in the manifest", e.Path)
		case f.SHA256 != e.SHA256 || f.Size != e.Size:
			r.add(e.Path, "is not the file the evidence log recorded (SHA-256 %s)", e.SHA256)
		}
	}
	checkChain(log, r)
	if r.Head != m.ChainHead {
		r.add(ManifestName, "names chain head %s, but the log ends in %s", m.ChainHead, r.Head)
	}
	return r, nil
}

// readEntry reads a whole entry of at most limit bytes.
func readEntry(f *zip.File, limit int64) ([]byte, error) {
	if f.UncompressedSize64 > uint64(limit) {
		return nil, fmt.Errorf("larger than %d bytes", limit)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, limit+1))
	if err == nil && int64(len(b)) > limit {
		err = fmt.Errorf("larger than %d bytes", limit)
	}
	return b, err
}

// hashEntry returns the SHA-256 and size of an entry's content, reading at most limit bytes.
// archive/zip also refuses content longer than the entry declares or failing its CRC.
func hashEntry(f *zip.File, limit int64) (string, int64, error) {
	rc, err := f.Open()
	if err != nil {
		return "", 0, err
	}
	defer rc.Close()
	h := sha256.New()
	n, err := io.Copy(h, io.LimitReader(rc, limit+1))
	if err == nil && n > limit {
		err = errors.New("too large")
	}
	if errors.Is(err, zip.ErrChecksum) || errors.Is(err, zip.ErrFormat) {
		err = fmt.Errorf("its compressed data is damaged (%v)", err)
	}
	return hex.EncodeToString(h.Sum(nil)), n, err
}
