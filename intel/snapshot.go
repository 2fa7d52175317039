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
	"github.com/shopguard/shopguard/detect/ident"
)

// A snapshot is a file the command line checks identifiers against with no server. It holds
// hashes, not identifiers: per indicator the first 16 bytes of its lookup hash and its 12-byte
// summary. It holds only what the public may see as a finding (a confirmed report or a
// confirmed feed entry whose score has not faded to 0): no identifier whose reports were all
// rejected, or that was delisted, or that only waits for a moderator.
//
// A hash hides nothing that can be guessed: every phone number, QQ number or bank card can be
// hashed in turn (a million guesses a second on one core). So a public snapshot (no key) leaves
// out every identifier of a low-entropy kind (ident.LowEntropy: phone, QQ, bank account,
// Alipay, shop, and digit-made WeChat ids and e-mail addresses) and holds only domains, URLs
// and the other e-mail addresses and WeChat ids, whose SHA-256 (as ident.Hash) hides them only
// from someone without a list to try. A keyed snapshot holds every kind, each under
// HMAC-SHA256 with the operator's snapshot key: without the key its hashes cannot be tested
// against any guess; whoever holds the key can, so it is given only to whom the operator
// trusts with bulk access.
//
//	"SGSNAP02"                  magic (version 2; version 1 had no key and every kind)
//	uint8   hash: 0 SHA-256 (public), 1 HMAC-SHA256 under the snapshot key
//	[8]byte key id: the first 8 bytes of SHA-256("shopguard snapshot key id:" + key); zero when public
//	int64   created, Unix seconds
//	uint32  number of scam-type sets, then each: uint16 length, the types joined by ","
//	uint64  number of indicators, then each: 16 bytes of hash, 12 bytes of summary
//	[32]byte SHA-256 of everything before
//
// Integers are little-endian.
const snapshotMagic = "SGSNAP02"

// The hash modes of a snapshot.
const (
	hashPublic = 0
	hashKeyed  = 1
)

// MinSnapshotKey is the shortest snapshot key accepted, in bytes.
const MinSnapshotKey = 16

// maxSnapshotIndicators bounds what a snapshot may claim to hold, so that a corrupt count
// cannot make the reader allocate without end.
const maxSnapshotIndicators = 1 << 30

// SnapshotInfo describes a snapshot.
type SnapshotInfo struct {
	Created    time.Time `json:"created"`
	Indicators int       `json:"indicators"`
	// Keyed is set for a snapshot hashed under a key.
	Keyed bool `json:"keyed"`
}

func keyID(key []byte) [8]byte {
	h := sha256.Sum256(append([]byte("shopguard snapshot key id:"), key...))
	return [8]byte(h[:8])
}

func checkKey(key []byte) error {
	if key != nil && len(key) < MinSnapshotKey {
		return shopguard.Invalid("snapshot_key", "a snapshot key has at least %d bytes, got %d", MinSnapshotKey, len(key))
	}
	return nil
}

// InSnapshot reports whether an indicator goes into a snapshot written at time now: a public
// finding (confirmed, score above 0 at now) and, in a public snapshot (keyed false), of a kind
// whose values cannot all be tried (not ident.LowEntropy).
func InSnapshot(id shopguard.Identifier, s Summary, now time.Time, keyed bool) bool {
	if s.Flags&flagConfirmed == 0 || s.score(now) == 0 {
		return false
	}
	return keyed || !ident.LowEntropy(id.Kind, id.Value)
}

// WriteSnapshot writes to w the indicators of x whose identifier it knows and that belong in a
// snapshot (InSnapshot): a public one when key is nil, else one keyed under key (at least
// MinSnapshotKey bytes).
func WriteSnapshot(w io.Writer, x *Index, created time.Time, key []byte) (SnapshotInfo, error) {
	if err := checkKey(key); err != nil {
		return SnapshotInfo{}, err
	}
	type rec struct {
		h   [32]byte
		sum Summary
	}
	var recs []rec
	x.eachSummary(func(s string, sum Summary) bool {
		kind, value, _ := strings.Cut(s, ":")
		if InSnapshot(shopguard.Identifier{Kind: shopguard.Kind(kind), Value: value}, sum, created, key != nil) {
			recs = append(recs, rec{lookupHash(key, unsafeBytes(s)), sum})
		}
		return true
	})
	sets := x.types.Load().sets

	h := sha256.New()
	bw := bufio.NewWriter(io.MultiWriter(w, h))
	le := binary.LittleEndian
	var buf [28]byte
	bw.WriteString(snapshotMagic)
	mode, id := byte(hashPublic), [8]byte{}
	if key != nil {
		mode, id = hashKeyed, keyID(key)
	}
	bw.WriteByte(mode)
	bw.Write(id[:])
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
	return SnapshotInfo{Created: created.UTC().Truncate(time.Second), Indicators: len(recs), Keyed: key != nil}, nil
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

// ReadSnapshot reads a snapshot into a new index. hashKey is the snapshot key a keyed snapshot
// needs (a public one ignores it). A damaged or truncated file, an old version, a keyed
// snapshot without its key or with another key are refused with an EINVALID error that says
// what is wrong.
func ReadSnapshot(r io.Reader, hashKey []byte) (*Index, SnapshotInfo, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, SnapshotInfo{}, fmt.Errorf("intel: read snapshot: %w", err)
	}
	bad := func(format string, args ...any) error {
		return shopguard.Invalid("snapshot", "not a valid snapshot: "+format, args...)
	}
	if err := checkKey(hashKey); err != nil {
		return nil, SnapshotInfo{}, err
	}
	if len(data) >= 8 && string(data[:8]) == "SGSNAP01" {
		return nil, SnapshotInfo{}, bad("it is of version 1, which this version no longer reads: write it again with shopguard snapshot")
	}
	if len(data) < len(snapshotMagic)+1+8+8+4+8+32 || string(data[:len(snapshotMagic)]) != snapshotMagic {
		return nil, SnapshotInfo{}, bad("it does not start with the snapshot header")
	}
	body, sum := data[:len(data)-32], data[len(data)-32:]
	if got := sha256.Sum256(body); !bytes.Equal(got[:], sum) {
		return nil, SnapshotInfo{}, bad("its checksum does not match: the file is damaged or truncated")
	}
	le := binary.LittleEndian
	p := body[len(snapshotMagic):]
	mode, id := p[0], [8]byte(p[1:9])
	p = p[9:]
	switch {
	case mode == hashPublic:
		hashKey = nil // a public snapshot needs no key: one given is not used
	case mode == hashKeyed && hashKey == nil:
		return nil, SnapshotInfo{}, shopguard.Invalid("snapshot_key", "this snapshot is keyed: give its key (SHOPGUARD_SNAPSHOT_KEY or SHOPGUARD_SNAPSHOT_KEY_FILE)")
	case mode == hashKeyed && id != keyID(hashKey):
		return nil, SnapshotInfo{}, shopguard.Invalid("snapshot_key", "this snapshot was written under another key")
	case mode != hashPublic && mode != hashKeyed:
		return nil, SnapshotInfo{}, bad("unknown hash mode %d", mode)
	}
	info := SnapshotInfo{Created: time.Unix(int64(le.Uint64(p)), 0).UTC(), Keyed: hashKey != nil}
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
	b := &Builder{ents: make([]ent, 0, n), sha: true, mac: hashKey, types: tt}
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
