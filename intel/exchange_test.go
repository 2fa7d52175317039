package intel_test

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"io"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/detect/ident"
	"github.com/shopguard/shopguard/intel"
)

func sampleIndex(t *testing.T) *intel.Index {
	t.Helper()
	x := intel.NewIndex()
	b := intel.NewBuilder(4)
	b.Add(rep(shopguard.KindPhone, "+8613812345678", 70, 3, true))
	b.Add(rep(shopguard.KindDomain, "taobao-refund.com", 45, 2, false))
	b.Add(rep(shopguard.KindURL, "http://evil.example.com/it's", 45, 2, false))
	b.Add(rep(shopguard.KindShop, "xianyu:seller_01", 30, 1, false))
	b.Build(x)
	return x
}

func TestExportImportRoundTrip(t *testing.T) {
	now := day0.Add(time.Hour)
	recs := intel.Records(sampleIndex(t), now)
	if len(recs) != 4 {
		t.Fatalf("Records = %d, want 4", len(recs))
	}
	for _, f := range []intel.Format{intel.FormatCSV, intel.FormatJSON, intel.FormatSTIX} {
		t.Run(string(f), func(t *testing.T) {
			var buf bytes.Buffer
			if err := intel.Export(&buf, f, recs, now); err != nil {
				t.Fatal(err)
			}
			reps, errs, err := intel.Import(bytes.NewReader(buf.Bytes()), f, "feed-a")
			if err != nil || len(errs) != 0 {
				t.Fatalf("Import: %v, %v\n%s", err, errs, buf.String())
			}
			if len(reps) != 4 {
				t.Fatalf("imported %d, want 4", len(reps))
			}
			x := intel.NewIndex()
			b := intel.NewBuilder(4)
			for _, r := range reps {
				if r.Source != "feed-a" {
					t.Fatalf("source %q", r.Source)
				}
				b.Add(r)
			}
			b.Build(x)
			back := intel.Records(x, now)
			for _, want := range recs {
				found := false
				for _, got := range back {
					if got.Kind == want.Kind && got.Value == want.Value {
						found = true
						if got.Score != want.Score || got.Reports != want.Reports || got.Confirmed != want.Confirmed || got.FirstSeen != want.FirstSeen || strings.Join(got.ScamTypes, ",") != strings.Join(want.ScamTypes, ",") {
							t.Fatalf("%s round trip: got %+v, want %+v", f, got, want)
						}
					}
				}
				if !found {
					t.Fatalf("%s lost %s %s", f, want.Kind, want.Value)
				}
			}
		})
	}
}

func TestSTIXBundleShape(t *testing.T) {
	var buf bytes.Buffer
	if err := intel.Export(&buf, intel.FormatSTIX, intel.Records(sampleIndex(t), day0), day0); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Type    string `json:"type"`
		ID      string `json:"id"`
		Objects []map[string]any
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Type != "bundle" || !strings.HasPrefix(doc.ID, "bundle--") || len(doc.Objects) != 4 {
		t.Fatalf("bundle: %+v", doc)
	}
	patterns := map[string]bool{}
	for _, o := range doc.Objects {
		if o["type"] != "indicator" || o["spec_version"] != "2.1" || o["pattern_type"] != "stix" || !strings.HasPrefix(o["id"].(string), "indicator--") {
			t.Fatalf("object: %v", o)
		}
		patterns[o["pattern"].(string)] = true
	}
	for _, want := range []string{"[domain-name:value = 'taobao-refund.com']", `[url:value = 'http://evil.example.com/it\'s']`, "[x-shopguard-phone:value = '+8613812345678']"} {
		if !patterns[want] {
			t.Fatalf("no pattern %s in %v", want, patterns)
		}
	}
}

func TestImportReportsBadRecords(t *testing.T) {
	csv := "kind,value,score\nphone,138 1234 5678,40\nphone,12,40\nfax,123,1\nqq,12345678,abc\nqq,12345678,150\n"
	reps, errs, err := intel.Import(strings.NewReader(csv), intel.FormatCSV, "feed")
	if err != nil {
		t.Fatal(err)
	}
	if len(reps) != 1 || reps[0].Identifier.Value != "+8613812345678" {
		t.Fatalf("imported %+v", reps)
	}
	if len(errs) != 4 || errs[0].Record != 2 || errs[1].Record != 3 || errs[2].Record != 4 || errs[3].Record != 5 {
		t.Fatalf("errors %+v, want records 2-5", errs)
	}
	if !strings.Contains(errs[1].Error, "unknown kind") || !strings.Contains(errs[2].Error, "not a number") || !strings.Contains(errs[3].Error, "0 to 100") {
		t.Fatalf("errors do not say what is wrong: %+v", errs)
	}
	if _, _, err := intel.Import(strings.NewReader("{"), intel.FormatJSON, "feed"); shopguard.ErrorCode(err) != shopguard.EINVALID {
		t.Fatalf("broken JSON: %v", err)
	}
}

// snapshotIndex holds what a snapshot must and must not carry: confirmed findings of kinds
// whose values can and cannot all be tried, an unconfirmed domain, and identifiers of score
// 0 that the index still knows: one whose only report was rejected (a "not a scam" voice
// keeps it known) and one delisted on appeal.
func snapshotIndex() *intel.Index {
	x := intel.NewIndex()
	b := intel.NewBuilder(8)
	b.Add(rep(shopguard.KindPhone, "+8613812345678", 70, 3, true))
	b.Add(rep(shopguard.KindQQ, "12345678", 70, 2, true))
	b.Add(rep(shopguard.KindEmail, "12345678@qq.com", 70, 2, true))
	b.Add(rep(shopguard.KindEmail, "zhangwei.shop@163.com", 70, 2, true))
	b.Add(rep(shopguard.KindDomain, "taobao-refund.com", 80, 2, true))
	b.Add(rep(shopguard.KindDomain, "pending-shop.com", 45, 2, false))
	for _, id := range []shopguard.Identifier{{Kind: shopguard.KindDomain, Value: "rejected-shop.com"}, {Kind: shopguard.KindPhone, Value: "+8613900000000"}} {
		b.Add(&shopguard.Reputation{Identifier: id, ByStatus: map[shopguard.ReportStatus]int{shopguard.ReportRejected: 1}, NotScam: 1, ScamTypes: []string{}})
	}
	b.Add(&shopguard.Reputation{Identifier: shopguard.Identifier{Kind: shopguard.KindDomain, Value: "cleared-shop.com"}, Delisted: true, ScamTypes: []string{}})
	b.Build(x)
	return x
}

// snapshotHolds reports whether the snapshot's bytes hold the first 16 bytes of a hash: what
// someone who hashes every candidate looks for.
func snapshotHolds(snap []byte, h [32]byte) bool { return bytes.Contains(snap, h[:16]) }

func TestPublicSnapshot(t *testing.T) {
	x := snapshotIndex()
	if x.Len() != 9 {
		t.Fatalf("the index holds %d identifiers, want 9", x.Len())
	}
	var buf bytes.Buffer
	info, err := intel.WriteSnapshot(&buf, x, day0, nil)
	if err != nil || info.Indicators != 2 || info.Keyed {
		t.Fatalf("WriteSnapshot: %+v, %v; want the confirmed domain and the e-mail address with letters", info, err)
	}
	snap := buf.Bytes()
	if bytes.Contains(snap, []byte("taobao-refund")) {
		t.Fatal("the snapshot holds identifiers in clear")
	}
	// Whoever hashes every phone number, QQ number and digit-made address finds none of them,
	// nor the numbers and domains no moderator confirmed, nor those whose reports were rejected.
	for n := 13812345600; n < 13812345700; n++ {
		if h := ident.Hash(shopguard.KindPhone, "+86"+strconv.Itoa(n)); snapshotHolds(snap, h) {
			t.Fatalf("the public snapshot gives phone %d away", n)
		}
	}
	for _, id := range []shopguard.Identifier{{Kind: shopguard.KindQQ, Value: "12345678"}, {Kind: shopguard.KindEmail, Value: "12345678@qq.com"},
		{Kind: shopguard.KindPhone, Value: "+8613900000000"}, {Kind: shopguard.KindDomain, Value: "rejected-shop.com"},
		{Kind: shopguard.KindDomain, Value: "cleared-shop.com"}, {Kind: shopguard.KindDomain, Value: "pending-shop.com"}} {
		if snapshotHolds(snap, ident.Hash(id.Kind, id.Value)) {
			t.Errorf("the public snapshot holds %s", id)
		}
	}
	y, info, err := intel.ReadSnapshot(bytes.NewReader(snap), nil)
	if err != nil || info.Indicators != 2 || !info.Created.Equal(day0) {
		t.Fatalf("ReadSnapshot: %+v, %v", info, err)
	}
	now := day0.Add(time.Hour)
	for _, c := range []struct {
		kind    shopguard.Kind
		raw     string
		finding string
	}{
		{shopguard.KindDomain, "www.taobao-refund.com", shopguard.FindingReported},
		{shopguard.KindEmail, "ZhangWei.Shop@163.com", shopguard.FindingReported},
		{shopguard.KindPhone, "+86 138 1234 5678", shopguard.FindingNone},
		{shopguard.KindQQ, "12345678", shopguard.FindingNone},
		{shopguard.KindDomain, "rejected-shop.com", shopguard.FindingNone},
	} {
		if in, err := y.Lookup(c.kind, c.raw, now); err != nil || in.Finding != c.finding {
			t.Errorf("snapshot lookup %s %s: %+v, %v; want %s", c.kind, c.raw, in, err, c.finding)
		}
	}
	// damage: flip a byte, cut the end; an old version is named
	bad := bytes.Clone(snap)
	bad[len(bad)/2] ^= 1
	if _, _, err := intel.ReadSnapshot(bytes.NewReader(bad), nil); shopguard.ErrorCode(err) != shopguard.EINVALID || !strings.Contains(err.Error(), "checksum") {
		t.Fatalf("damaged snapshot: %v", err)
	}
	if _, _, err := intel.ReadSnapshot(bytes.NewReader(snap[:len(snap)-3]), nil); err == nil {
		t.Fatal("truncated snapshot read")
	}
	if _, _, err := intel.ReadSnapshot(strings.NewReader("SGSNAP01"+strings.Repeat("\x00", 60)), nil); shopguard.ErrorCode(err) != shopguard.EINVALID || !strings.Contains(err.Error(), "version 1") {
		t.Fatalf("old snapshot: %v", err)
	}
}

func TestKeyedSnapshot(t *testing.T) {
	x := snapshotIndex()
	key := []byte("a snapshot key of the operator's")
	var buf bytes.Buffer
	info, err := intel.WriteSnapshot(&buf, x, day0, key)
	if err != nil || info.Indicators != 5 || !info.Keyed {
		t.Fatalf("WriteSnapshot: %+v, %v; want every confirmed finding", info, err)
	}
	snap := buf.Bytes()
	// Without the key no guess can be tested: the SHA-256 of the number is not there.
	if snapshotHolds(snap, ident.Hash(shopguard.KindPhone, "+8613812345678")) {
		t.Fatal("the keyed snapshot holds the phone's public hash")
	}
	y, _, err := intel.ReadSnapshot(bytes.NewReader(snap), key)
	if err != nil {
		t.Fatal(err)
	}
	now := day0.Add(time.Hour)
	for _, c := range []struct {
		kind    shopguard.Kind
		raw     string
		finding string
	}{
		{shopguard.KindPhone, "138 1234 5678", shopguard.FindingReported},
		{shopguard.KindQQ, "12345678", shopguard.FindingReported},
		{shopguard.KindDomain, "taobao-refund.com", shopguard.FindingReported},
		{shopguard.KindPhone, "13900000000", shopguard.FindingNone}, // its only report was rejected
		{shopguard.KindDomain, "pending-shop.com", shopguard.FindingNone},
	} {
		if in, err := y.Lookup(c.kind, c.raw, now); err != nil || in.Finding != c.finding {
			t.Errorf("keyed lookup %s %s: %+v, %v; want %s", c.kind, c.raw, in, err, c.finding)
		}
	}
	if got := y.Bucket(shopguard.KindDomain, 0, now, true); len(got) != 0 {
		t.Errorf("a keyed index answers private lookups: %v", got)
	}
	for _, c := range []struct {
		key  []byte
		want string
	}{{nil, "keyed"}, {[]byte("another key of sixteen bytes"), "another key"}, {[]byte("short"), "at least"}} {
		if _, _, err := intel.ReadSnapshot(bytes.NewReader(snap), c.key); shopguard.ErrorCode(err) != shopguard.EINVALID || !strings.Contains(err.Error(), c.want) {
			t.Errorf("read with key %q: %v, want %q", c.key, err, c.want)
		}
	}
	if _, err := intel.WriteSnapshot(io.Discard, x, day0, []byte("short")); shopguard.ErrorCode(err) != shopguard.EINVALID {
		t.Errorf("a short key: %v", err)
	}
}

// A private lookup leaves out identifiers of score 0 and, unless asked by a known caller,
// those whose values can all be tried.
func TestBucketLeavesOutWhatItShould(t *testing.T) {
	x := snapshotIndex()
	now := day0.Add(time.Hour)
	in := func(kind shopguard.Kind, value string, guessable bool) bool {
		h := ident.Hash(kind, value)
		p, _ := intel.ParsePrefix(hex.EncodeToString(h[:3])[:5])
		return slices.ContainsFunc(x.Bucket(kind, p, now, guessable), func(m intel.Match) bool { return m.Hash == hex.EncodeToString(h[:]) })
	}
	for _, c := range []struct {
		kind            shopguard.Kind
		value           string
		public, withKey bool
	}{
		{shopguard.KindDomain, "taobao-refund.com", true, true},
		{shopguard.KindDomain, "pending-shop.com", true, true},
		{shopguard.KindDomain, "rejected-shop.com", false, false},
		{shopguard.KindDomain, "cleared-shop.com", false, false},
		{shopguard.KindPhone, "+8613812345678", false, true},
		{shopguard.KindPhone, "+8613900000000", false, false},
		{shopguard.KindEmail, "12345678@qq.com", false, true},
		{shopguard.KindEmail, "zhangwei.shop@163.com", true, true},
	} {
		if got := in(c.kind, c.value, false); got != c.public {
			t.Errorf("public bucket holds %s %s: %v, want %v", c.kind, c.value, got, c.public)
		}
		if got := in(c.kind, c.value, true); got != c.withKey {
			t.Errorf("bucket for a known caller holds %s %s: %v, want %v", c.kind, c.value, got, c.withKey)
		}
	}
}

func FuzzReadSnapshot(f *testing.F) {
	x := snapshotIndex()
	key := []byte("a snapshot key of the operator's")
	for _, k := range [][]byte{nil, key} {
		var buf bytes.Buffer
		intel.WriteSnapshot(&buf, x, day0, k)
		f.Add(buf.Bytes())
	}
	f.Add([]byte("SGSNAP02"))
	f.Fuzz(func(t *testing.T, data []byte) {
		k := key
		if len(data) > 8 && data[8] == 0 {
			k = nil
		}
		y, info, err := intel.ReadSnapshot(bytes.NewReader(data), k)
		if err != nil {
			if shopguard.ErrorCode(err) != shopguard.EINVALID {
				t.Fatalf("error %v is not EINVALID", err)
			}
			return
		}
		if y.Len() != info.Indicators {
			t.Fatalf("index holds %d, info says %d", y.Len(), info.Indicators)
		}
		y.Lookup(shopguard.KindPhone, "13812345678", day0)
	})
}

func FuzzImport(f *testing.F) {
	f.Add("kind,value,score\nphone,13812345678,40\n", "csv")
	f.Add(`{"indicators":[{"kind":"qq","value":"12345678","score":40}]}`, "json")
	f.Add(`{"type":"bundle","objects":[{"type":"indicator","pattern":"[domain-name:value = 'a.com']","confidence":50}]}`, "stix")
	f.Fuzz(func(t *testing.T, data, format string) {
		fm, err := intel.ParseFormat(format)
		if err != nil {
			return
		}
		reps, _, err := intel.Import(strings.NewReader(data), fm, "fuzz")
		if err != nil {
			return
		}
		for _, r := range reps {
			if v, err := ident.Canonical(r.Identifier.Kind, r.Identifier.Value); err != nil || v != r.Identifier.Value || r.Score < 0 || r.Score > 100 {
				t.Fatalf("imported a bad indicator: %+v", r)
			}
		}
	})
}

func FuzzLoadCache(f *testing.F) {
	x := intel.NewIndex()
	x.Put(rep(shopguard.KindPhone, "+8613812345678", 70, 3, true))
	var buf bytes.Buffer
	x.WriteCache(&buf, 7)
	f.Add(buf.Bytes())
	f.Add([]byte("SGIDX001"))
	f.Fuzz(func(t *testing.T, data []byte) {
		y := intel.NewIndex()
		if _, err := y.LoadCache(bytes.NewReader(data)); err != nil {
			return
		}
		y.Lookup(shopguard.KindPhone, "13812345678", day0)
		intel.Records(y, day0)
		for p := range uint32(16) {
			y.Bucket(shopguard.KindPhone, p, day0, true)
		}
	})
}
