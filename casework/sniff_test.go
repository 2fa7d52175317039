package casework_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/casework"
)

func TestSniff(t *testing.T) {
	tests := []struct {
		name string
		head string
		want string // a type, or "!" + a word of the error
	}{
		{"png", string(pngFile), casework.TypePNG},
		{"jpeg", "\xff\xd8\xff\xe0\x00\x10JFIF\x00", casework.TypeJPEG},
		{"webp", "RIFF\x24\x00\x00\x00WEBPVP8 ", casework.TypeWebP},
		{"heic", "\x00\x00\x00\x18ftypheic\x00\x00\x00\x00", casework.TypeHEIC},
		{"mp4", "\x00\x00\x00\x18ftypisom\x00\x00\x02\x00", casework.TypeMP4},
		{"m4a", "\x00\x00\x00\x18ftypM4A \x00\x00\x02\x00", casework.TypeM4A},
		{"amr voice message", "#!AMR\n\x3c\x48", casework.TypeAMR},
		{"pdf", string(pdfFile), casework.TypePDF},
		{"chinese text", string(chatFile), casework.TypeText},
		{"text cut inside a rune", strings.Repeat("字", 200)[:512], casework.TypeText},
		{"json export", "\xef\xbb\xbf  [{\"from\":\"卖家\"}]", casework.TypeJSON},
		{"empty", "", "!empty"},
		{"elf", "\x7fELF\x02\x01\x01", "!program"},
		{"windows exe", "MZ\x90\x00", "!program"},
		{"shell script", "#!/bin/sh\nrm -rf /", "!script"},
		{"apk or zip", "PK\x03\x04\x14\x00", "!archive"},
		{"html", "<html><body>退款</body></html>", "!web pages"},
		{"svg", "<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\"/>", "!web pages"},
		{"gbk text", "\xc4\xe3\xba\xc3\xa3\xac\xc2\xf4\xbc\xd2", "!UTF-8"},
		{"binary junk", "\x00\x01\x02\x03\x04\x05", "!not accepted"},
	}
	for _, tt := range tests {
		got, err := casework.Sniff([]byte(tt.head))
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
		if got := casework.CleanName(in); got != want {
			t.Errorf("CleanName(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzCleanName(f *testing.F) {
	for _, s := range []string{"a/b\\c.png", "..", "", "\x00", strings.Repeat("é", 300) + ".jpeg"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		got := casework.CleanName(name)
		if got == "" || got == "." || got == ".." || strings.ContainsAny(got, "/\\\x00\n") || len(got) > casework.MaxNameLen || !utf8.ValidString(got) {
			t.Fatalf("CleanName(%q) = %q", name, got)
		}
		if casework.CleanName(got) != got {
			t.Fatalf("CleanName is not stable on %q", got)
		}
	})
}

func FuzzSniff(f *testing.F) {
	for _, s := range [][]byte{pngFile, pdfFile, chatFile, []byte("MZ"), []byte("#!AMR\n"), []byte("\x00\x00\x00\x18ftypheic")} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, head []byte) {
		typ, err := casework.Sniff(head)
		if (err == nil) == (typ == "") {
			t.Fatalf("Sniff = %q, %v: want a type or an error", typ, err)
		}
		if err != nil && shopguard.ErrorCode(err) != shopguard.EINVALID {
			t.Fatalf("Sniff error %v is not EINVALID", err)
		}
		for _, magic := range []string{"\x7fELF", "MZ", "PK\x03\x04"} {
			if strings.HasPrefix(string(head), magic) && err == nil {
				t.Fatalf("accepted a file starting %q as %s", magic, typ)
			}
		}
	})
}
