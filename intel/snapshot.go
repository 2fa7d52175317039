package intel

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/shopguard/shopguard"
)

// A snapshot is a file the command line checks identifiers against with no server. It holds
// hashes, not identifiers, so it can be handed out freely: per indicator the first 16 bytes of
// its lookup hash and its 12-byte summary.
//
//	"SGSNAP01"                  magic
//	int64   created, Unix seconds
//	uint32  number of scam-type sets, then each: uint16 length, the types joined by ","
//	uint64  number of indicators, then each: 16 bytes of hash, 12 bytes of summary
//	[32]byte SHA-256 of everything before
//
// Integers are little-endian.
const snapshotMagic = "SGSNAP01"

// maxSnapshotIndicators bounds what a snapshot may claim to hold, so that a corrupt count
// cannot make the reader allocate without end.
const maxSnapshotIndicators = 1 << 30

// SnapshotInfo describes a snapshot.
type SnapshotInfo struct {
	Created    time.Time `json:"created"`
	Indicators int       `json:"indicators"`
}

// WriteSnapshot writes every indicator of x whose identifier it knows to w.
func WriteSnapshot(w io.Writer, x *Index, created time.Time) (SnapshotInfo, error) {
	type rec struct {
		h   [32]byte
		sum Summary
	}
	var recs []rec
	x.eachSummary(func(s string, sum Summary) bool {
		recs = append(recs, rec{sha256.Sum256(unsafeBytes(s)), sum})
		return true
	})
	sets := x.types.Load().sets

	h := sha256.New()
	bw := bufio.NewWriter(io.MultiWriter(w, h))
	le := binary.LittleEndian
	var buf [28]byte
	bw.WriteString(snapshotMagic)
	bw.Write(le.AppendUint64(buf[:0], uint64(created.Unix())))
	bw.Write(le.AppendUint32(buf[:0], uint32(len(sets))))
	for _, set := range sets {
		j := strings.Join(set, ",")
		bw.Write(le.AppendUint16(buf[:0], uint16(len(j))))
		bw.WriteString(j)
	}
	bw.Write(le.AppendUint64(buf[:0], uint64(len(recs))))
	for _, r := range recs {
		b := append(buf[:0], r.h[:16]...)
		b = appendSummary(b, r.sum)
		bw.Write(b)
	}
	if err := bw.Flush(); err != nil {
		return SnapshotInfo{}, fmt.Errorf("intel: write snapshot: %w", err)
	}
	if _, err := w.Write(h.Sum(nil)); err != nil {
		return SnapshotInfo{}, fmt.Errorf("intel: write snapshot: %w", err)
	}
	return SnapshotInfo{Created: created.UTC().Truncate(time.Second), Indicators: len(recs)}, nil
}

func appendSummary(b []byte, s Summary) []byte {
	le := binary.LittleEndian
	b = append(b, s.Score, s.Flags)
	for _, v := range []uint16{s.Reports, s.Reporters, s.FirstDay, s.LastDay, s.Types} {
		b = le.AppendUint16(b, v)
	}
	return b
}

func readSummary(b []byte) Summary {
	le := binary.LittleEndian
	return Summary{Score: b[0], Flags: b[1], Reports: le.Uint16(b[2:]), Reporters: le.Uint16(b[4:]),
		FirstDay: le.Uint16(b[6:]), LastDay: le.Uint16(b[8:]), Types: le.Uint16(b[10:])}
}

// ReadSnapshot reads a snapshot into a new index. A damaged or truncated file is refused with
// an EINVALID error that says what is wrong.
func ReadSnapshot(r io.Reader) (*Index, SnapshotInfo, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, SnapshotInfo{}, fmt.Errorf("intel: read snapshot: %w", err)
	}
	bad := func(format string, args ...any) error {
		return shopguard.Invalid("snapshot", "not a valid snapshot: "+format, args...)
	}
	if len(data) < len(snapshotMagic)+8+4+8+32 || string(data[:len(snapshotMagic)]) != snapshotMagic {
		return nil, SnapshotInfo{}, bad("it does not start with the snapshot header")
	}
	body, sum := data[:len(data)-32], data[len(data)-32:]
	if got := sha256.Sum256(body); !bytes.Equal(got[:], sum) {
		return nil, SnapshotInfo{}, bad("its checksum does not match: the file is damaged or truncated")
	}
	le := binary.LittleEndian
	p := body[len(snapshotMagic):]
	info := SnapshotInfo{Created: time.Unix(int64(le.Uint64(p)), 0).UTC()}
	p = p[8:]
	nsets := le.Uint32(p)
	p = p[4:]
	if nsets == 0 || nsets > 1<<16 {
		return nil, SnapshotInfo{}, bad("%d scam-type sets", nsets)
	}
	tt := &typeTable{ids: map[string]uint16{}}
	for i := range nsets {
		if len(p) < 2 || len(p) < 2+int(le.Uint16(p)) {
			return nil, SnapshotInfo{}, bad("scam-type set %d is cut short", i)
		}
		n := int(le.Uint16(p))
		j := string(p[2 : 2+n])
		p = p[2+n:]
		var set []string
		if j != "" {
			set = strings.Split(j, ",")
		}
		tt.sets = append(tt.sets, set)
		if _, dup := tt.ids[j]; !dup {
			tt.ids[j] = uint16(i)
		}
	}
	if len(p) < 8 {
		return nil, SnapshotInfo{}, bad("the indicator count is missing")
	}
	n := le.Uint64(p)
	p = p[8:]
	if n > maxSnapshotIndicators || uint64(len(p)) != n*28 {
		return nil, SnapshotInfo{}, bad("it claims %d indicators but holds %d bytes of them", n, len(p))
	}
	b := &Builder{ents: make([]ent, 0, n), sha: true, types: tt}
	for i := range int(n) {
		rec := p[i*28 : i*28+28]
		s := readSummary(rec[16:])
		if int(s.Types) >= len(tt.sets) {
			return nil, SnapshotInfo{}, bad("indicator %d refers to scam-type set %d of %d", i, s.Types, len(tt.sets))
		}
		b.ents = append(b.ents, ent{max(binary.BigEndian.Uint64(rec[:8]), 1), s})
	}
	info.Indicators = int(n)
	x := NewIndex()
	b.Build(x)
	return x, info, nil
}
