package casework_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/casework"
	"github.com/shopguard/shopguard/filetype"
	"github.com/shopguard/shopguard/internal/testenv"
	"github.com/shopguard/shopguard/knowledge"
)

// FuzzVaultAdd uploads arbitrary names, notes and contents to a real vault: every upload is
// either logged whole or refused with a user error, leaving the chain intact and no stray file.
func FuzzVaultAdd(f *testing.F) {
	f.Add("../../x.png", "note", pngFile)
	f.Add(`..\..\win.ini`, "", chatFile)
	f.Add("", "", []byte{})
	f.Add("a.exe", "", []byte("MZ\x90"))
	f.Add("big.txt", "", bytes.Repeat([]byte("z"), 5000))
	v, root := testVault(f)
	v.Limits = casework.Limits{FileSize: 4096, CaseSize: 1 << 30, Files: 1 << 30}
	c := mustNewCase(f, v, shopguard.Triage{})
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, name, note string, data []byte) {
		before, _ := v.Cases.ListEvidence(ctx, c.ID)
		e, err := v.Add(ctx, c.ID, name, note, bytes.NewReader(data))
		after, _ := v.Cases.ListEvidence(ctx, c.ID)
		if err != nil {
			switch shopguard.ErrorCode(err) {
			case shopguard.EINVALID, shopguard.ETOOLARGE, shopguard.ECONFLICT:
			default:
				t.Fatalf("Add: unexpected error %v", err)
			}
			if len(after) != len(before) {
				t.Fatalf("a refused upload changed the log: %d -> %d entries", len(before), len(after))
			}
		} else {
			if len(after) != len(before)+1 || e.Size != int64(len(data)) || e.Name != filetype.CleanName(name) {
				t.Fatalf("Add = %+v; log %d -> %d", e, len(before), len(after))
			}
		}
		if got := len(testenv.BlobFiles(t, root)); got != len(after) {
			t.Fatalf("%d blob files for %d log entries", got, len(after))
		}
		if r, err := v.Verify(ctx, c.ID); err != nil || !r.OK() {
			t.Fatalf("Verify after Add: %+v %v", r, err)
		}
	})
}

// FuzzVerifyPackage feeds arbitrary archives to the verifier: it must never panic, never read
// past its limits, and never call a damaged package intact.
func FuzzVerifyPackage(f *testing.F) {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	w, _ := zw.Create("manifest.json")
	w.Write([]byte(`{"format":"shopguard-evidence-package/1","case_id":"aaaaaaaaaaaaaaaa","generated_at":"","chain_head":"","evidence":[],"files":[{"path":"a.txt","sha256":"2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824","size":5}]}`))
	w, _ = zw.Create("a.txt")
	w.Write([]byte("hello"))
	zw.Close()
	f.Add(b.Bytes())
	f.Add([]byte("PK\x05\x06" + string(make([]byte, 18))))
	f.Add(smallPackage(f))
	lim := casework.VerifyLimits{Entries: 50, Bytes: 1 << 20, Manifest: 64 << 10}
	f.Fuzz(func(t *testing.T, pkg []byte) {
		r, err := casework.VerifyPackage(bytes.NewReader(pkg), int64(len(pkg)), lim)
		if err != nil {
			if c := shopguard.ErrorCode(err); c != shopguard.EINVALID && c != shopguard.ETOOLARGE {
				t.Fatalf("VerifyPackage error %v", err)
			}
			return
		}
		if r.OK() {
			// An intact package must have a manifest whose files all hash right: check
			// independently that every entry is either the manifest or listed.
			zr, err := zip.NewReader(bytes.NewReader(pkg), int64(len(pkg)))
			if err != nil {
				t.Fatalf("called intact but not a readable ZIP: %v", err)
			}
			if len(zr.File) == 0 {
				t.Fatal("called an empty archive intact")
			}
		}
	})
}

// smallPackage is a valid package with one evidence file and no documents, built by hand so
// that the fuzzer starts from an archive whose manifest and chain check out.
func smallPackage(tb testing.TB) []byte {
	e := &shopguard.EvidenceEntry{CaseID: "aaaaaaaaaaaaaaaa", SHA256: "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824",
		Name: "a.txt", Type: filetype.Text, Size: 5, ReceivedAt: day}
	casework.Seal(e, nil)
	m := casework.Manifest{Format: casework.PackageFormat, CaseID: e.CaseID, ChainHead: e.Hash,
		Evidence: []casework.ManifestEvidence{{EvidenceEntry: *e, Path: "evidence/001-a.txt"}},
		Files:    []casework.ManifestFile{{Path: "evidence/001-a.txt", SHA256: e.SHA256, Size: 5}}}
	raw, _ := json.Marshal(m)
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	// Stored, not deflated, so that the fuzzer's mutations reach the content.
	w, _ := zw.CreateHeader(&zip.FileHeader{Name: "evidence/001-a.txt", Method: zip.Store})
	w.Write([]byte("hello"))
	w, _ = zw.CreateHeader(&zip.FileHeader{Name: "manifest.json", Method: zip.Store})
	w.Write(raw)
	zw.Close()
	r, err := casework.VerifyPackage(bytes.NewReader(b.Bytes()), int64(b.Len()), casework.DefaultVerifyLimits)
	if err != nil || !r.OK() {
		tb.Fatalf("seed package does not verify: %+v %v", r, err)
	}
	return b.Bytes()
}

// FuzzPlatformCode maps whatever a victim typed as the platform: the answer is always a
// report platform code, "" only when nothing was typed.
func FuzzPlatformCode(f *testing.F) {
	pack, err := knowledge.Default()
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{"", "闲鱼", "Taobao", "淘宝网", " qq ", "\xff\xfe", "some forum"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		got := casework.PlatformCode(pack, name)
		if (got == "") != (strings.TrimSpace(name) == "") {
			t.Fatalf("PlatformCode(%q) = %q", name, got)
		}
		if got != "" && !slices.Contains(shopguard.Platforms, got) {
			t.Fatalf("PlatformCode(%q) = %q, not a platform code", name, got)
		}
	})
}
