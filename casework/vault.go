package casework

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"time"
	"unicode/utf8"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/filetype"
	"github.com/shopguard/shopguard/internal/budget"
)

// Limits bound what one case may hold.
type Limits struct {
	FileSize int64 // bytes in one file
	CaseSize int64 // bytes in all of a case's files
	Files    int   // files in one case
}

// EvidenceFiles are the files a case takes: every type filetype recognises.
var EvidenceFiles = filetype.Policy{Types: filetype.All, Hint: "describe anything else in a note"}

// DefaultLimits fit screenshots, PDFs and a phone's screen recording of ordinary length
// (several minutes of video), which is often the best evidence a victim has.
var DefaultLimits = Limits{FileSize: 200 << 20, CaseSize: 1 << 30, Files: 100}

// Vault keeps a case's evidence: the files in a blob store, the log in a case store.
type Vault struct {
	Cases  shopguard.CaseStore
	Blobs  shopguard.BlobStore
	Limits Limits
	Now    func() time.Time // the clock; time.Now when nil
}

func (v *Vault) now() time.Time {
	if v.Now != nil {
		return v.Now()
	}
	return time.Now()
}

// Add reads a file from r and logs it as evidence of a case, with the name it was uploaded
// under (directories are dropped) and the victim's note. The type is checked from the
// content (see EvidenceFiles). Errors: EINVALID for an empty or refused file or a long note,
// ETOOLARGE past a limit, ECONFLICT if the same file is in the case already, ENOTFOUND for no
// such case. A failed Add leaves no entry behind; a file it put that nothing refers to goes at
// the blob store's next Sweep past the grace period.
func (v *Vault) Add(ctx context.Context, caseID, name, note string, r io.Reader) (*shopguard.EvidenceEntry, error) {
	if !utf8.ValidString(note) || utf8.RuneCountInString(note) > shopguard.MaxEvidenceNote {
		return nil, shopguard.Invalid("note", "a note is UTF-8 text of at most %d characters", shopguard.MaxEvidenceNote)
	}
	if _, err := v.Cases.CaseByID(ctx, caseID); err != nil {
		return nil, err
	}
	log, err := v.Cases.ListEvidence(ctx, caseID)
	if err != nil {
		return nil, err
	}
	var total int64
	for _, e := range log {
		total += e.Size
	}
	if len(log) >= v.Limits.Files {
		return nil, shopguard.Errorf(shopguard.ETOOLARGE, "a case holds at most %d files", v.Limits.Files)
	}
	limit := min(v.Limits.FileSize, v.Limits.CaseSize-total)
	if limit <= 0 {
		return nil, shopguard.Errorf(shopguard.ETOOLARGE, "the case's files already take the %d bytes a case may hold", v.Limits.CaseSize)
	}
	head := make([]byte, filetype.HeadLen)
	n, err := io.ReadFull(r, head)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		return nil, fmt.Errorf("casework: read upload: %w", err)
	}
	head = head[:n]
	typ, err := EvidenceFiles.Sniff(head)
	if err != nil {
		return nil, err
	}
	sum, size, err := v.Blobs.Put(ctx, io.MultiReader(bytes.NewReader(head), r), limit)
	if shopguard.ErrorCode(err) == shopguard.ETOOLARGE {
		if limit < v.Limits.FileSize {
			return nil, shopguard.Errorf(shopguard.ETOOLARGE, "the file does not fit: the case may hold %d bytes in all and has %d left", v.Limits.CaseSize, limit)
		}
		return nil, shopguard.Errorf(shopguard.ETOOLARGE, "the file is larger than the %d bytes allowed", v.Limits.FileSize)
	}
	if err != nil {
		return nil, err
	}
	return v.append(ctx, caseID, &shopguard.EvidenceEntry{CaseID: caseID, SHA256: sum, Name: filetype.CleanName(name), Type: typ,
		Size: size, Note: note, ReceivedAt: v.now()}, log)
}

// appendTries bounds how often append re-reads the log when other uploads to the same case
// keep getting there first.
const appendTries = 20

// append seals e after the log and stores it, reading the log again (after a short, growing,
// random pause) when another upload got there first, on this node or another.
func (v *Vault) append(ctx context.Context, caseID string, e *shopguard.EvidenceEntry, log []*shopguard.EvidenceEntry) (*shopguard.EvidenceEntry, error) {
	for try := 1; ; try++ {
		var prev *shopguard.EvidenceEntry
		for _, x := range log {
			if x.SHA256 == e.SHA256 {
				return nil, shopguard.Errorf(shopguard.ECONFLICT, "this file is in the case already, as item %d (%s)", x.Seq, x.Name)
			}
			prev = x
		}
		Seal(e, prev)
		err := v.Cases.AppendEvidence(ctx, e)
		if shopguard.ErrorCode(err) != shopguard.ECONFLICT || try == appendTries {
			return e, err
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(time.Duration(rand.Int64N(int64(try) * int64(2*time.Millisecond)))):
		}
		if log, err = v.Cases.ListEvidence(ctx, caseID); err != nil {
			return nil, err
		}
	}
}

// Delete removes a case, its log and statuses, and the files no other case refers to; those
// put within the blob store's grace period go at its next sweep instead (see
// shopguard.BlobStore).
func (v *Vault) Delete(ctx context.Context, caseID string) error {
	orphans, err := v.Cases.DeleteCase(ctx, caseID)
	if err != nil {
		return err
	}
	var errs []error
	for _, s := range orphans {
		errs = append(errs, v.Blobs.Delete(ctx, s))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("casework: delete files of case %s: %w", caseID, err)
	}
	return nil
}

// Verify checks a stored case: its log is a whole chain and every file still hashes to what
// the log says.
func (v *Vault) Verify(ctx context.Context, caseID string) (*Report, error) {
	log, err := v.Cases.ListEvidence(ctx, caseID)
	if err != nil {
		return nil, err
	}
	r := &Report{Problems: []Problem{}}
	checkChain(log, r)
	for _, e := range log {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("casework: verify case %s: %w", caseID, err)
		}
		where := fmt.Sprintf("evidence #%d (%s)", e.Seq, e.Name)
		rc, err := v.Blobs.Open(ctx, e.SHA256)
		if err != nil {
			r.add(where, "the file is missing: %v", shopguard.ErrorMessage(err))
			continue
		}
		h := sha256.New()
		n, err := io.Copy(h, budget.Reader(ctx, rc))
		rc.Close()
		switch {
		case err != nil && !errors.Is(err, shopguard.ErrCorrupt):
			return nil, fmt.Errorf("casework: verify case %s: read %s: %w", caseID, e.SHA256, err)
		case err != nil || hex.EncodeToString(h.Sum(nil)) != e.SHA256 || n != e.Size:
			r.add(where, "the file's content was changed: it no longer matches its SHA-256")
		}
		r.Files++
	}
	return r, nil
}
