package casework_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/casework"
	"github.com/shopguard/shopguard/filetype"
	"github.com/shopguard/shopguard/intel"
	"github.com/shopguard/shopguard/internal/testenv"
)

func TestVaultAddLogsAChain(t *testing.T) {
	ctx := context.Background()
	v, _ := testVault(t)
	c := mustNewCase(t, v, shopguard.Triage{Culprit: "seller"})
	e1, err := v.Add(ctx, c.ID, `C:\Users\me\Desktop\聊天.png`, "卖家让我加微信", bytes.NewReader(pngFile))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(pngFile)
	if e1.SHA256 != hex.EncodeToString(sum[:]) || e1.Name != "聊天.png" || e1.Type != filetype.PNG || e1.Seq != 1 || e1.PrevHash != "" {
		t.Fatalf("entry 1 = %+v", e1)
	}
	e2, err := v.Add(ctx, c.ID, "../../chat.txt", "", bytes.NewReader(chatFile))
	if err != nil {
		t.Fatal(err)
	}
	if e2.Seq != 2 || e2.PrevHash != e1.Hash || e2.Name != "chat.txt" || e2.Type != filetype.Text {
		t.Fatalf("entry 2 = %+v", e2)
	}
	r, err := v.Verify(ctx, c.ID)
	if err != nil || !r.OK() || r.Files != 2 || r.Entries != 2 || r.Head != e2.Hash {
		t.Fatalf("Verify = %+v, %v", r, err)
	}
	_, err = v.Add(ctx, c.ID, "again.png", "", bytes.NewReader(pngFile))
	if shopguard.ErrorCode(err) != shopguard.ECONFLICT || !strings.Contains(err.Error(), "item 1") {
		t.Fatalf("same file twice: %v", err)
	}
}

func TestVaultRefusesAndLeavesNothing(t *testing.T) {
	ctx := context.Background()
	v, root := testVault(t)
	v.Limits = casework.Limits{FileSize: 1000, CaseSize: 1500, Files: 3}
	c := mustNewCase(t, v, shopguard.Triage{})
	tests := []struct {
		name, note string
		data       []byte
		code       string
	}{
		{"empty.png", "", nil, shopguard.EINVALID},
		{"prog.exe", "", []byte("MZ\x90\x00\x03\x00\x00\x00"), shopguard.EINVALID},
		{"app.apk", "", []byte("PK\x03\x04\x14\x00\x00\x00"), shopguard.EINVALID},
		{"page.html", "", []byte("<!DOCTYPE html><html><script>alert(1)</script>"), shopguard.EINVALID},
		{"big.txt", "", bytes.Repeat([]byte("a"), 1001), shopguard.ETOOLARGE},
		{"note.txt", strings.Repeat("字", shopguard.MaxEvidenceNote+1), []byte("hello"), shopguard.EINVALID},
	}
	for _, tt := range tests {
		_, err := v.Add(ctx, c.ID, tt.name, tt.note, bytes.NewReader(tt.data))
		if shopguard.ErrorCode(err) != tt.code {
			t.Errorf("%s: err = %v, want %s", tt.name, err, tt.code)
		}
	}
	if f := testenv.BlobFiles(t, root); len(f) != 0 {
		t.Fatalf("files left after refused uploads: %v", f)
	}
	if log, _ := v.Cases.ListEvidence(ctx, c.ID); len(log) != 0 {
		t.Fatalf("entries left after refused uploads: %v", log)
	}
	if _, err := v.Add(ctx, c.ID, "a.txt", "", bytes.NewReader(bytes.Repeat([]byte("a"), 900))); err != nil {
		t.Fatal(err)
	}
	_, err := v.Add(ctx, c.ID, "b.txt", "", bytes.NewReader(bytes.Repeat([]byte("b"), 700)))
	if shopguard.ErrorCode(err) != shopguard.ETOOLARGE || !strings.Contains(err.Error(), "left") {
		t.Fatalf("past the case limit: %v", err)
	}
	if f := testenv.BlobFiles(t, root); len(f) != 1 {
		t.Fatalf("blob files = %v, want just the one accepted", f)
	}
	_, err = v.Add(ctx, "aaaaaaaaaaaaaaaa", "a.png", "", bytes.NewReader(pngFile))
	if shopguard.ErrorCode(err) != shopguard.ENOTFOUND {
		t.Fatalf("missing case: %v", err)
	}
}

func TestVaultDeleteRemovesFilesNoOtherCaseUses(t *testing.T) {
	ctx := context.Background()
	v, root := testVault(t)
	a, b := mustNewCase(t, v, shopguard.Triage{}), mustNewCase(t, v, shopguard.Triage{})
	for _, c := range []*shopguard.Case{a, b} {
		if _, err := v.Add(ctx, c.ID, "shared.png", "", bytes.NewReader(pngFile)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := v.Add(ctx, a.ID, "own.pdf", "", bytes.NewReader(pdfFile)); err != nil {
		t.Fatal(err)
	}
	testenv.AgeBlobs(t, root)
	if err := v.Delete(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	f := testenv.BlobFiles(t, root)
	sum := sha256.Sum256(pngFile)
	if len(f) != 1 || !strings.HasSuffix(f[0], hex.EncodeToString(sum[:])) {
		t.Fatalf("after deleting case a, blob files = %v; want only the file case b still uses", f)
	}
	if r, err := v.Verify(ctx, b.ID); err != nil || !r.OK() {
		t.Fatalf("case b after deleting a: %+v %v", r, err)
	}
}

// deleteHook is a case store that calls then right after it deletes a case: before the vault
// deletes the files the case leaves unused.
type deleteHook struct {
	shopguard.CaseStore
	then func()
}

func (h deleteHook) DeleteCase(ctx context.Context, id string) ([]string, error) {
	orphans, err := h.CaseStore.DeleteCase(ctx, id)
	h.then()
	return orphans, err
}

// Another case takes a file just as the only case that had it is deleted: the deletion found
// the file unused, but it must keep it for the other case.
func TestVaultDeleteRacingAnUploadKeepsTheFile(t *testing.T) {
	ctx := context.Background()
	v, root := testVault(t)
	a, b := mustNewCase(t, v, shopguard.Triage{}), mustNewCase(t, v, shopguard.Triage{})
	if _, err := v.Add(ctx, a.ID, "shared.png", "", bytes.NewReader(pngFile)); err != nil {
		t.Fatal(err)
	}
	testenv.AgeBlobs(t, root)
	v.Cases = deleteHook{CaseStore: v.Cases, then: func() {
		if _, err := v.Add(ctx, b.ID, "shared.png", "", bytes.NewReader(pngFile)); err != nil {
			t.Error(err)
		}
	}}
	if err := v.Delete(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	if r, err := v.Verify(ctx, b.ID); err != nil || !r.OK() || r.Files != 1 {
		t.Fatalf("case b after deleting a: %+v %v", r, err)
	}
}

func TestVaultDeleteKeepsFilesAReportUses(t *testing.T) {
	ctx := context.Background()
	v, root := testVault(t)
	c := mustNewCase(t, v, shopguard.Triage{})
	if _, err := v.Add(ctx, c.ID, "chat.png", "", bytes.NewReader(pngFile)); err != nil {
		t.Fatal(err)
	}
	// the victim also reports the scammer with the same screenshot: one blob, two owners
	ev, err := intel.AttachEvidence(ctx, v.Blobs, "chat.png", pngFile)
	if err != nil {
		t.Fatal(err)
	}
	reports := v.Cases.(shopguard.ReportStore)
	if err := reports.CreateReport(ctx, &shopguard.Report{ScamType: "deposit_scam", Narrative: "paid a deposit",
		Identifiers: []shopguard.Identifier{{Kind: shopguard.KindQQ, Value: "12345678"}}, Evidence: []shopguard.Evidence{ev}}); err != nil {
		t.Fatal(err)
	}
	if err := v.Delete(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	if f := testenv.BlobFiles(t, root); len(f) != 1 || !strings.HasSuffix(f[0], ev.SHA256) {
		t.Fatalf("after deleting the case, blob files = %v; want the file the report still carries", f)
	}
	rc, err := v.Blobs.Open(ctx, ev.SHA256)
	if err != nil {
		t.Fatalf("the report's evidence after deleting the case: %v", err)
	}
	rc.Close()
}

func TestVaultVerifyFindsAlteredFile(t *testing.T) {
	ctx := context.Background()
	v, root := testVault(t)
	c := mustNewCase(t, v, shopguard.Triage{})
	e, err := v.Add(ctx, c.ID, "invoice.pdf", "", bytes.NewReader(pdfFile))
	if err != nil {
		t.Fatal(err)
	}
	p := root + "/" + e.SHA256[:2] + "/" + e.SHA256[2:4] + "/" + e.SHA256
	data, _ := os.ReadFile(p)
	data[10] ^= 1
	os.WriteFile(p, data, 0o600)
	r, err := v.Verify(ctx, c.ID)
	if err != nil || r.OK() || !strings.Contains(r.Problems[0].String(), "invoice.pdf") {
		t.Fatalf("Verify of an altered file = %+v, %v", r, err)
	}
}

// Uploads racing to one case all land, in one unbroken chain.
func TestVaultConcurrentAdds(t *testing.T) {
	ctx := context.Background()
	v, _ := testVault(t)
	c := mustNewCase(t, v, shopguard.Triage{})
	const n = 8
	errs := make(chan error, n)
	for i := range n {
		go func() {
			_, err := v.Add(ctx, c.ID, fmt.Sprintf("note%d.txt", i), "", strings.NewReader(fmt.Sprintf("聊天记录 %d\n", i)))
			errs <- err
		}()
	}
	for range n {
		if err := <-errs; err != nil {
			t.Errorf("Add: %v", err)
		}
	}
	r, err := v.Verify(ctx, c.ID)
	if err != nil || !r.OK() || r.Entries != n {
		t.Fatalf("after %d concurrent adds: %+v %v", n, r, err)
	}
}
