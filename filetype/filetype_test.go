package filetype_test

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/filetype"
)

var (
	pngFile  = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82")
	pdfFile  = []byte("%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
	chatFile = []byte("2026-11-18 10:01 卖家：亲，加微信私下转账更便宜\n2026-11-18 10:03 我：好的\n")
)

// all accepts every type Sniff recognises.
var all = filetype.Policy{Types: filetype.All}

func TestSniff(t *testing.T) {
	tests := []struct {
		name string
		head string
		want string // a type, or "!" + a word of the error
	}{
		{"png", string(pngFile), filetype.PNG},
		{"jpeg", "\xff\xd8\xff\xe0\x00\x10JFIF\x00", filetype.JPEG},
		{"webp", "RIFF\x24\x00\x00\x00WEBPVP8 ", filetype.WebP},
		{"heic", "\x00\x00\x00\x18ftypheic\x00\x00\x00\x00", filetype.HEIC},
		{"mp4", "\x00\x00\x00\x18ftypisom\x00\x00\x02\x00", filetype.MP4},
		{"m4a", "\x00\x00\x00\x18ftypM4A \x00\x00\x02\x00", filetype.M4A},
		{"amr voice message", "#!AMR\n\x3c\x48", filetype.AMR},
		{"pdf", string(pdfFile), filetype.PDF},
		{"chinese text", string(chatFile), filetype.Text},
		{"text cut inside a rune", strings.Repeat("字", 200)[:512], filetype.Text},
		{"json export", "\xef\xbb\xbf  [{\"from\":\"卖家\"}]", filetype.JSON},
		{"empty", "", "!empty"},
		{"elf", "\x7fELF\x02\x01\x01", "!program"},
		{"windows exe", "MZ\x90\x00", "!program"},
		{"shell script", "#!/bin/sh\nrm -rf /", "!script"},
		{"apk or zip", "PK\x03\x04\x14\x00", "!archive"},
		{"html", "<html><body>退款</body></html>", "!web pages"},
		{"svg", "<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\"/>", "!web pages"},
		{"svg without a prolog", `<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`, "!web pages"},
		{"svg after a comment", "\xef\xbb\xbf\n<!-- exported --><svg><script>alert(1)</script></svg>", "!web pages"},
		{"svg after words", "chat export\n<SVG onload=alert(1)>", "!web pages"},
		{"html without its tag", "<p>退款</p><script>alert(1)</script>", "!web pages"},
		{"script in a text", "聊天记录\n<script>alert(1)</script>", "!web pages"},
		{"text with angle brackets", "价格 < 100 元，卖家说 >_< 先付定金 <3 <svgs are not tags", filetype.Text},
		{"gbk text", "\xc4\xe3\xba\xc3\xa3\xac\xc2\xf4\xbc\xd2", "!UTF-8"},
		{"binary junk", "\x00\x01\x02\x03\x04\x05", "!not accepted"},
	}
	for _, tt := range tests {
		got, err := all.Sniff([]byte(tt.head))
		if w, bad := strings.CutPrefix(tt.want, "!"); bad {
			if shopguard.ErrorCode(err) != shopguard.EINVALID || !strings.Contains(err.Error(), w) {
				t.Errorf("%s: got %q, %v; want an invalid error mentioning %q", tt.name, got, err, w)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("%s: got %q, %v; want %q", tt.name, got, err, tt.want)
		}
	}
}

func TestCleanName(t *testing.T) {
	tests := map[string]string{
		"聊天记录.png":                        "聊天记录.png",
		"../../etc/passwd":                "passwd",
		`C:\Users\me\invoice.pdf`:         "invoice.pdf",
		"dir/":                            "file",
		"..":                              "file",
		"":                                "file",
		" a\x00b\nc\x7f.txt ":             "abc.txt",
		"bad\xffutf8.png":                 "badutf8.png",
		strings.Repeat("长", 100) + ".png": strings.Repeat("长", 65) + ".png",
	}
	for in, want := range tests {
		if got := filetype.CleanName(in); got != want {
			t.Errorf("CleanName(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzCleanName(f *testing.F) {
	for _, s := range []string{"a/b\\c.png", "..", "", "\x00", strings.Repeat("é", 300) + ".jpeg"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		got := filetype.CleanName(name)
		if got == "" || got == "." || got == ".." || strings.ContainsAny(got, "/\\\x00\n") || len(got) > filetype.MaxNameLen || !utf8.ValidString(got) {
			t.Fatalf("CleanName(%q) = %q", name, got)
		}
		if filetype.CleanName(got) != got {
			t.Fatalf("CleanName is not stable on %q", got)
		}
	})
}

func FuzzSniff(f *testing.F) {
	for _, s := range [][]byte{pngFile, pdfFile, chatFile, []byte("MZ"), []byte("#!AMR\n"), []byte("\x00\x00\x00\x18ftypheic"), []byte("<svg onload=alert(1)>")} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, head []byte) {
		typ, err := all.Sniff(head)
		if (err == nil) == (typ == "") {
			t.Fatalf("Sniff = %q, %v: want a type or an error", typ, err)
		}
		if err != nil && shopguard.ErrorCode(err) != shopguard.EINVALID {
			t.Fatalf("Sniff error %v is not EINVALID", err)
		}
		if (typ == filetype.Text || typ == filetype.JSON) && bytes.Contains(bytes.ToLower(head), []byte("<svg")) {
			t.Fatalf("accepted SVG as %s", typ)
		}
		for _, magic := range []string{"\x7fELF", "MZ", "PK\x03\x04"} {
			if strings.HasPrefix(string(head), magic) && err == nil {
				t.Fatalf("accepted a file starting %q as %s", magic, typ)
			}
		}
	})
}

func TestServed(t *testing.T) {
	for in, want := range map[string]string{filetype.PNG: filetype.PNG, filetype.Text: filetype.Text,
		"image/svg+xml": "application/octet-stream", "text/html": "application/octet-stream", "": "application/octet-stream"} {
		if got := filetype.Served(in); got != want {
			t.Errorf("Served(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPolicy(t *testing.T) {
	pictures := filetype.Policy{Types: []string{filetype.PNG, filetype.JPEG, filetype.PDF}, Hint: "describe the rest"}
	if got, err := pictures.Sniff(pngFile); err != nil || got != filetype.PNG {
		t.Errorf("an accepted type: %q, %v", got, err)
	}
	for name, head := range map[string]string{
		"a type outside the policy":  "\x00\x00\x00\x18ftypheic\x00\x00\x00\x00",
		"a program":                  "MZ\x90\x00",
		"content of no known type":   "\x00\x01\x02\x03",
		"text, which is not allowed": string(chatFile),
	} {
		got, err := pictures.Sniff([]byte(head))
		msg := shopguard.ErrorMessage(err)
		if shopguard.ErrorCode(err) != shopguard.EINVALID || shopguard.ErrorField(err) != "file" || got != "" ||
			!strings.Contains(msg, "upload PNG, JPEG or PDF; describe the rest") {
			t.Errorf("%s: got %q, %v; want a refusal naming what the policy accepts", name, got, err)
		}
	}
	if _, err := pictures.Sniff([]byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00")); !strings.Contains(err.Error(), "(HEIC)") {
		t.Errorf("a refused known type is not named: %v", err)
	}
	// text is checked to be UTF-8 throughout what Sniff is given, not only its head
	late := append(bytes.Repeat([]byte("a"), 2*filetype.HeadLen), 0xff, 'b')
	if _, err := all.Sniff(late); !strings.Contains(shopguard.ErrorMessage(err), "UTF-8") {
		t.Errorf("text with a bad byte after the head: %v", err)
	}
}
