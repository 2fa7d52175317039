package intel

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/filetype"
)

// EvidenceFiles are the kinds of file a report may carry, by the type sniffed from their
// content: screenshots, PDFs and plain text (chat exports in JSON included).
var EvidenceFiles = filetype.Policy{Types: []string{filetype.PNG, filetype.JPEG, filetype.GIF, filetype.WebP, filetype.PDF, filetype.Text, filetype.JSON}}

// CheckEvidence checks one evidence file and describes it. Its type is sniffed from its
// content, never taken from its name: a file that is not an image, a PDF or text is refused.
func CheckEvidence(name string, data []byte) (shopguard.Evidence, error) {
	name = filetype.CleanName(name)
	if len(data) > shopguard.MaxEvidenceSize {
		return shopguard.Evidence{}, &shopguard.Error{Code: shopguard.ETOOLARGE, Field: "evidence", Message: fmt.Sprintf("%s is larger than %d MiB", name, shopguard.MaxEvidenceSize>>20)}
	}
	mt, err := EvidenceFiles.Sniff(data)
	if err != nil {
		return shopguard.Evidence{}, shopguard.Invalid("evidence", "%s: %s", name, shopguard.ErrorMessage(err))
	}
	h := sha256.Sum256(data)
	return shopguard.Evidence{SHA256: hex.EncodeToString(h[:]), Name: name, MediaType: mt, Size: int64(len(data))}, nil
}

// AttachEvidence checks a file, keeps it in blobs and returns its description for a report.
func AttachEvidence(ctx context.Context, blobs shopguard.BlobStore, name string, data []byte) (shopguard.Evidence, error) {
	ev, err := CheckEvidence(name, data)
	if err != nil {
		return ev, err
	}
	if _, _, err := blobs.Put(ctx, bytes.NewReader(data), shopguard.MaxEvidenceSize); err != nil {
		return ev, fmt.Errorf("intel: keep evidence: %w", err)
	}
	return ev, nil
}

// StoredEvidence describes a file already kept in blobs (a case's evidence) for a report,
// under the report's rules: it is read back and checked as CheckEvidence checks an upload,
// and must still hash to sha. A file the report side does not take is an EINVALID error
// about field "evidence" that names it.
func StoredEvidence(ctx context.Context, blobs shopguard.BlobStore, sha, name string) (shopguard.Evidence, error) {
	rc, err := blobs.Open(ctx, sha)
	if err != nil {
		return shopguard.Evidence{}, fmt.Errorf("intel: open evidence %s: %w", filetype.CleanName(name), err)
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, shopguard.MaxEvidenceSize+1))
	if err != nil {
		return shopguard.Evidence{}, fmt.Errorf("intel: read evidence %s: %w", filetype.CleanName(name), err)
	}
	ev, err := CheckEvidence(name, data)
	if shopguard.ErrorCode(err) == shopguard.ETOOLARGE {
		return ev, shopguard.Invalid("evidence", "%s is larger than the %d MiB a report's file may be", filetype.CleanName(name), shopguard.MaxEvidenceSize>>20)
	}
	if err != nil {
		return ev, err
	}
	if ev.SHA256 != sha {
		return ev, fmt.Errorf("intel: evidence %s no longer hashes to %s", filetype.CleanName(name), sha)
	}
	// The report is about to log the file: put it as an upload does, which refreshes it (or
	// writes it back, if a deletion of its case took it meanwhile) so that a racing Delete
	// keeps it (see shopguard.BlobStore).
	if _, _, err := blobs.Put(ctx, bytes.NewReader(data), shopguard.MaxEvidenceSize); err != nil {
		return ev, fmt.Errorf("intel: keep evidence %s: %w", filetype.CleanName(name), err)
	}
	return ev, nil
}
