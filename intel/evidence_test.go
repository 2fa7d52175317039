package intel_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/filetype"
	"github.com/shopguard/shopguard/intel"
)

func TestCheckEvidence(t *testing.T) {
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01")
	ev, err := intel.CheckEvidence(`..\..\聊天.png`, png)
	if err != nil || ev.Name != "聊天.png" || ev.MediaType != filetype.PNG || ev.Size != int64(len(png)) || len(ev.SHA256) != 64 {
		t.Fatalf("a screenshot: %+v %v", ev, err)
	}
	for name, data := range map[string][]byte{
		"voice.m4a": []byte("\x00\x00\x00\x18ftypM4A \x00\x00\x02\x00"), // a case takes it, a report does not
		"app.apk":   []byte("PK\x03\x04\x14\x00"),
		"empty.txt": nil,
	} {
		_, err := intel.CheckEvidence(name, data)
		if shopguard.ErrorCode(err) != shopguard.EINVALID || shopguard.ErrorField(err) != "evidence" || !strings.HasPrefix(shopguard.ErrorMessage(err), name+": ") {
			t.Errorf("%s: %v; want an invalid evidence error naming the file", name, err)
		}
	}
	if _, err := intel.CheckEvidence("big.txt", bytes.Repeat([]byte("a"), shopguard.MaxEvidenceSize+1)); shopguard.ErrorCode(err) != shopguard.ETOOLARGE {
		t.Errorf("an oversized file: %v", err)
	}
}
