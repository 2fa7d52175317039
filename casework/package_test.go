package casework_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/casework"
	"github.com/shopguard/shopguard/internal/testenv"
)

// buildPackage makes a case with two files and returns its package.
func buildPackage(t *testing.T) []byte { return buildPackageTB(t) }

func buildPackageTB(t testing.TB) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := casework.WritePackage(context.Background(), &b, packageInput(t)); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// packageInput makes a case with two files and returns what its package is made from.
func packageInput(t testing.TB) casework.PackageInput {
	t.Helper()
	ctx := context.Background()
	v, _ := testVault(t)
	c := mustNewCase(t, v, sampleInput(t).Case.Triage)
	for _, f := range []struct {
		name string
		data []byte
	}{{"聊天记录.png", pngFile}, {"付款:凭证?.pdf", pdfFile}} {
		if _, err := v.Add(ctx, c.ID, f.name, "说明 "+f.name, bytes.NewReader(f.data)); err != nil {
			t.Fatal(err)
		}
	}
	log, err := v.Cases.ListEvidence(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	return casework.PackageInput{Case: c, Evidence: log, Plan: testPlanner(t).Plan(c.Triage, c.Lang, day), Blobs: v.Blobs, Now: day}
}

// TestPackageStopsWhenTheCallerLeaves cancels the building of a package at every point where
// it looks at its context: each time it must end with the context's error at once.
func TestPackageStopsWhenTheCallerLeaves(t *testing.T) {
	in := packageInput(t)
	all := testenv.CancelAfter(context.Background(), 1<<30)
	if err := casework.WritePackage(all, io.Discard, in); err != nil {
		t.Fatal(err)
	}
	if all.Looks() < 2+len(casework.Documents)*len(shopguard.Langs) {
		t.Fatalf("building a package looked at its context %d times: fewer than once per file", all.Looks())
	}
	// At the first file, in the middle, at the last look (each build takes a while: not all).
	for _, k := range []int{0, 1, all.Looks() / 2, all.Looks() - 1} {
		ctx := testenv.CancelAfter(context.Background(), k)
		err := casework.WritePackage(ctx, io.Discard, in)
		if !errors.Is(err, context.Canceled) || ctx.LooksAfterCancel() != 0 {
			t.Errorf("cancelled after %d of %d looks: %v, %d looks after the cancel; want context.Canceled and none", k, all.Looks(), err, ctx.LooksAfterCancel())
		}
	}
}

func verify(t *testing.T, pkg []byte) *casework.Report {
	t.Helper()
	r, err := casework.VerifyPackage(bytes.NewReader(pkg), int64(len(pkg)), casework.DefaultVerifyLimits)
	if err != nil {
		t.Fatalf("VerifyPackage: %v", err)
	}
	return r
}

// rewrite copies a ZIP, passing each entry's content through edit (nil drops the entry),
// then adds the extra entries.
func rewrite(t *testing.T, pkg []byte, edit func(name string, data []byte) []byte, extra map[string][]byte) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(pkg), int64(len(pkg)))
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, f := range zr.File {
		rc, _ := f.Open()
		data, _ := io.ReadAll(rc)
		rc.Close()
		if data = edit(f.Name, data); data == nil {
			continue
		}
		w, _ := zw.Create(f.Name)
		w.Write(data)
	}
	for name, data := range extra {
		w, _ := zw.Create(name)
		w.Write(data)
	}
	zw.Close()
	return b.Bytes()
}

func TestPackageContentsAndVerify(t *testing.T) {
	pkg := buildPackage(t)
	r := verify(t, pkg)
	if !r.OK() || r.Entries != 2 || r.Files != 2+2*2*len(casework.Documents)+1 {
		t.Fatalf("intact package: %+v", r)
	}
	zr, _ := zip.NewReader(bytes.NewReader(pkg), int64(len(pkg)))
	names := map[string]bool{}
	for _, f := range zr.File {
		names[f.Name] = true
	}
	for _, want := range []string{"manifest.json", "index.html", "evidence/001-聊天记录.png", "evidence/002-付款凭证_.pdf",
		"documents/police_report.zh-CN.pdf", "documents/demand_letter.en.md"} {
		if !names[want] {
			t.Errorf("package lacks %s (has %v)", want, names)
		}
	}
	index := rewriteGet(t, pkg, "index.html")
	for _, want := range []string{`href="evidence/001-`, "聊天记录.png", `href="documents/police_report.zh-CN.pdf"`, "数码旗舰小店"} {
		if !strings.Contains(index, want) {
			t.Errorf("index.html lacks %q", want)
		}
	}
	if strings.Contains(index, "<script") || strings.Contains(index, "http://") || strings.Contains(index, "https://") {
		t.Error("index.html must work offline and run nothing")
	}
}

func rewriteGet(t *testing.T, pkg []byte, name string) string {
	var out []byte
	rewrite(t, pkg, func(n string, d []byte) []byte {
		if n == name {
			out = d
		}
		return d
	}, nil)
	return string(out)
}

// A package unzipped and zipped again (with directory entries, another compression) verifies.
func TestVerifyRezippedPackage(t *testing.T) {
	pkg := buildPackage(t)
	zr, _ := zip.NewReader(bytes.NewReader(pkg), int64(len(pkg)))
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, dir := range []string{"evidence/", "documents/"} {
		zw.Create(dir)
	}
	for _, f := range zr.File {
		rc, _ := f.Open()
		w, _ := zw.CreateHeader(&zip.FileHeader{Name: f.Name, Method: zip.Store})
		io.Copy(w, rc)
		rc.Close()
	}
	zw.Close()
	if r := verify(t, b.Bytes()); !r.OK() {
		t.Fatalf("re-zipped package: %v", r.Problems)
	}
}

func TestVerifyNamesWhatWasAltered(t *testing.T) {
	pkg := buildPackage(t)
	tests := []struct {
		name  string
		edit  func(string, []byte) []byte
		extra map[string][]byte
		want  string
	}{
		{"one byte of one evidence file", func(n string, d []byte) []byte {
			if n == "evidence/002-付款凭证_.pdf" {
				d[20] ^= 0x01
			}
			return d
		}, nil, "evidence/002-付款凭证_.pdf: was altered"},
		{"a document", func(n string, d []byte) []byte {
			if n == "documents/police_report.zh-CN.md" {
				return bytes.Replace(d, []byte("3299.00"), []byte("9299.00"), 1)
			}
			return d
		}, nil, "documents/police_report.zh-CN.md: was altered"},
		{"a file removed", func(n string, d []byte) []byte {
			if n == "evidence/001-聊天记录.png" {
				return nil
			}
			return d
		}, nil, "evidence/001-聊天记录.png: is listed in the manifest but missing"},
		{"a file added", func(n string, d []byte) []byte { return d },
			map[string][]byte{"evidence/003-extra.png": pngFile}, "evidence/003-extra.png: was added"},
		{"an evidence note changed in the manifest", func(n string, d []byte) []byte {
			if n == "manifest.json" {
				return bytes.Replace(d, []byte("说明 聊天记录.png"), []byte("说明 别的"), 1)
			}
			return d
		}, nil, "evidence #1: its details"},
		{"an evidence entry removed from the manifest", func(n string, d []byte) []byte {
			if n != "manifest.json" {
				return d
			}
			var m casework.Manifest
			json.Unmarshal(d, &m)
			m.Evidence = m.Evidence[1:]
			out, _ := json.Marshal(m)
			return out
		}, nil, "evidence #1: numbered 2"},
		{"the manifest removed", func(n string, d []byte) []byte {
			if n == "manifest.json" {
				return nil
			}
			return d
		}, nil, "manifest.json: is missing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := verify(t, rewrite(t, pkg, tt.edit, tt.extra))
			var all []string
			for _, p := range r.Problems {
				all = append(all, p.String())
			}
			if r.OK() || !strings.Contains(strings.Join(all, "\n"), tt.want) {
				t.Fatalf("problems = %q, want one containing %q", all, tt.want)
			}
		})
	}
}

func TestVerifyRefusesZipBombs(t *testing.T) {
	// Many entries.
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for i := range 50 {
		zw.Create(strings.Repeat("x", i+1))
	}
	zw.Close()
	lim := casework.VerifyLimits{Entries: 20, Bytes: 1 << 20, Manifest: 1 << 10}
	if _, err := casework.VerifyPackage(bytes.NewReader(b.Bytes()), int64(b.Len()), lim); shopguard.ErrorCode(err) != shopguard.ETOOLARGE {
		t.Errorf("50 entries: %v", err)
	}
	// A small archive that unpacks to far more than the limit.
	b.Reset()
	zw = zip.NewWriter(&b)
	w, _ := zw.Create("evidence/001-zeros.txt")
	w.Write(make([]byte, 8<<20))
	zw.Close()
	if b.Len() > 100<<10 {
		t.Fatalf("test bomb is %d bytes", b.Len())
	}
	if _, err := casework.VerifyPackage(bytes.NewReader(b.Bytes()), int64(b.Len()), lim); shopguard.ErrorCode(err) != shopguard.ETOOLARGE {
		t.Errorf("8 MiB of zeros: %v", err)
	}
	// Not a ZIP at all.
	if _, err := casework.VerifyPackage(strings.NewReader("hello"), 5, lim); shopguard.ErrorCode(err) != shopguard.EINVALID {
		t.Errorf("not a zip: %v", err)
	}
}

// BenchmarkVerifyPackage measures checking a package of a case with two files and every
// document.
func BenchmarkVerifyPackage(b *testing.B) {
	pkg := buildPackageTB(b)
	for b.Loop() {
		r, err := casework.VerifyPackage(bytes.NewReader(pkg), int64(len(pkg)), casework.DefaultVerifyLimits)
		if err != nil || !r.OK() {
			b.Fatal(r, err)
		}
	}
	b.ReportMetric(float64(len(pkg)), "zip-bytes")
}
