package intel_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/blob"
	"github.com/shopguard/shopguard/intel"
	"github.com/shopguard/shopguard/internal/testenv"
)

func TestStoredEvidence(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	blobs, err := blob.NewDir(root)
	if err != nil {
		t.Fatal(err)
	}
	put := func(data []byte) string {
		t.Helper()
		sum, _, err := blobs.Put(ctx, bytes.NewReader(data), 1<<30)
		if err != nil {
			t.Fatal(err)
		}
		return sum
	}
	png := append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 64)...)
	sum := put(png)
	testenv.AgeBlobs(t, root) // put long ago, as a case's file usually is
	ev, err := intel.StoredEvidence(ctx, blobs, sum, "chat.png")
	if err != nil || ev.MediaType != "image/png" || ev.Name != "chat.png" || ev.Size != int64(len(png)) {
		t.Fatalf("intel.StoredEvidence(png) = %+v, %v", ev, err)
	}
	// The report is about to log the file: a Delete racing it (its case deleted) must keep it.
	if err := blobs.Delete(ctx, sum); err != nil {
		t.Fatal(err)
	}
	if rc, err := blobs.Open(ctx, sum); err != nil {
		t.Errorf("a file StoredEvidence took for a report was deleted right after: %v", err)
	} else {
		rc.Close()
	}

	mp3 := append([]byte("ID3\x03\x00\x00\x00"), make([]byte, 64)...)
	big := bytes.Repeat([]byte("text "), shopguard.MaxEvidenceSize/5+1)
	for name, data := range map[string][]byte{"call.mp3": mp3, "long.txt": big} {
		_, err := intel.StoredEvidence(ctx, blobs, put(data), name)
		if shopguard.ErrorCode(err) != shopguard.EINVALID || shopguard.ErrorField(err) != "evidence" || !strings.Contains(shopguard.ErrorMessage(err), name) {
			t.Errorf("intel.StoredEvidence(%s) = %v; want an invalid-evidence error naming the file", name, err)
		}
	}

	if _, err := intel.StoredEvidence(ctx, blobs, strings.Repeat("0", 64), "gone.png"); shopguard.ErrorCode(err) != shopguard.ENOTFOUND {
		t.Errorf("intel.StoredEvidence(missing file) = %v; want not found", err)
	}
}
