package intel_test

import (
	"bytes"
	"encoding/json"
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

func TestSnapshotRoundTrip(t *testing.T) {
	x := sampleIndex(t)
	x.Put(rep(shopguard.KindQQ, "12345678", 50, 2, false))
	var buf bytes.Buffer
	info, err := intel.WriteSnapshot(&buf, x, day0)
	if err != nil || info.Indicators != 5 {
		t.Fatalf("WriteSnapshot: %+v, %v", info, err)
	}
	if bytes.Contains(buf.Bytes(), []byte("13812345678")) || bytes.Contains(buf.Bytes(), []byte("taobao-refund")) {
		t.Fatal("the snapshot holds identifiers in clear")
	}
	y, info, err := intel.ReadSnapshot(bytes.NewReader(buf.Bytes()))
	if err != nil || info.Indicators != 5 || !info.Created.Equal(day0) {
		t.Fatalf("ReadSnapshot: %+v, %v", info, err)
	}
	now := day0.Add(time.Hour)
	for _, c := range []struct {
		kind shopguard.Kind
		raw  string
		risk shopguard.Risk
	}{{shopguard.KindPhone, "+86 138 1234 5678", shopguard.RiskHigh}, {shopguard.KindQQ, "12345678", shopguard.RiskMedium}, {shopguard.KindDomain, "www.taobao-refund.com", shopguard.RiskMedium}, {shopguard.KindPhone, "13900000000", shopguard.RiskLow}} {
		in, err := y.Lookup(c.kind, c.raw, now)
		if err != nil || in.Risk != c.risk {
			t.Fatalf("snapshot lookup %s %s: %+v, %v; want %s", c.kind, c.raw, in, err, c.risk)
		}
	}
	in, _ := y.Lookup(shopguard.KindPhone, "13812345678", now)
	if in.Display != ident.Mask(shopguard.KindPhone, "+8613812345678") || len(in.ScamTypes) != 1 {
		t.Fatalf("snapshot answer: %+v", in)
	}
	// damage: flip a byte, cut the end
	bad := bytes.Clone(buf.Bytes())
	bad[len(bad)/2] ^= 1
	if _, _, err := intel.ReadSnapshot(bytes.NewReader(bad)); shopguard.ErrorCode(err) != shopguard.EINVALID || !strings.Contains(err.Error(), "checksum") {
		t.Fatalf("damaged snapshot: %v", err)
	}
	if _, _, err := intel.ReadSnapshot(bytes.NewReader(buf.Bytes()[:buf.Len()-3])); err == nil {
		t.Fatal("truncated snapshot read")
	}
}

func FuzzReadSnapshot(f *testing.F) {
	x := intel.NewIndex()
	x.Put(rep(shopguard.KindPhone, "+8613812345678", 70, 3, true))
	var buf bytes.Buffer
	intel.WriteSnapshot(&buf, x, day0)
	f.Add(buf.Bytes())
	f.Add([]byte("SGSNAP01"))
	f.Fuzz(func(t *testing.T, data []byte) {
		y, info, err := intel.ReadSnapshot(bytes.NewReader(data))
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
			y.Bucket(shopguard.KindPhone, p, day0)
		}
	})
}
