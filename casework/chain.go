package casework

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/shopguard/shopguard"
)

// chainTag starts every entry hash, so that the hashes of this log format cannot be confused
// with any other.
const chainTag = "shopguard-evidence-log-v1"

// TimeFormat is how evidence times are written into the chain and the manifest: UTC, to the
// second, so that every store keeps them exactly.
const TimeFormat = "2006-01-02T15:04:05Z"

// EntryHash returns the chain hash of e: SHA-256 over the previous entry's hash and every
// field of e, each length-prefixed so that no two different entries give the same input.
func EntryHash(e *shopguard.EvidenceEntry) string {
	h := sha256.New()
	field := func(s string) {
		var n [binary.MaxVarintLen64]byte
		h.Write(n[:binary.PutUvarint(n[:], uint64(len(s)))])
		h.Write([]byte(s))
	}
	field(chainTag)
	field(e.PrevHash)
	field(e.CaseID)
	field(fmt.Sprint(e.Seq))
	field(e.SHA256)
	field(e.Name)
	field(e.Type)
	field(fmt.Sprint(e.Size))
	field(e.ReceivedAt.UTC().Format(TimeFormat))
	field(e.Note)
	return hex.EncodeToString(h.Sum(nil))
}

// Seal fills e's place in the chain after prev (nil for the first entry): its Seq, PrevHash,
// a ReceivedAt cut to the second, and Hash.
func Seal(e *shopguard.EvidenceEntry, prev *shopguard.EvidenceEntry) {
	e.Seq, e.PrevHash = 1, ""
	if prev != nil {
		e.Seq, e.PrevHash = prev.Seq+1, prev.Hash
	}
	e.ReceivedAt = e.ReceivedAt.UTC().Truncate(time.Second)
	e.Hash = EntryHash(e)
}

// Problem is one thing a verification found wrong, with where: a file path in a package, or
// an evidence entry ("evidence #3").
type Problem struct {
	Where string `json:"where"`
	What  string `json:"what"`
}

// String writes the problem as "where: what".
func (p Problem) String() string { return p.Where + ": " + p.What }

// Report is the result of a verification: how many files and entries were checked and what
// was wrong. It is intact when there are no problems.
type Report struct {
	Files    int       `json:"files"`
	Entries  int       `json:"entries"`
	Head     string    `json:"chain_head"`
	Problems []Problem `json:"problems"`
}

// OK reports whether nothing was found wrong.
func (r *Report) OK() bool { return len(r.Problems) == 0 }

func (r *Report) add(where, format string, args ...any) {
	r.Problems = append(r.Problems, Problem{where, fmt.Sprintf(format, args...)})
}

// checkChain checks that log is a whole chain: numbered from 1, each entry pointing to the one
// before and carrying its own hash, all of one case.
func checkChain(log []*shopguard.EvidenceEntry, r *Report) {
	prev := ""
	for i, e := range log {
		where := fmt.Sprintf("evidence #%d", i+1)
		if e.Seq != i+1 {
			r.add(where, "numbered %d: an entry is missing or out of order", e.Seq)
		}
		if e.PrevHash != prev {
			r.add(where, "does not follow the entry before it: an entry was removed, inserted or changed")
		}
		if got := EntryHash(e); got != e.Hash {
			r.add(where, "its details (name, type, size, time, note or file hash) were changed after it was logged")
		}
		if len(log) > 0 && e.CaseID != log[0].CaseID {
			r.add(where, "belongs to another case (%s)", e.CaseID)
		}
		prev = e.Hash
		r.Entries++
	}
	r.Head = prev
}
