package casework

import (
	"bytes"
	"net/http"
	"path"
	"strings"
	"unicode/utf8"

	"github.com/shopguard/shopguard"
)

// SniffLen is how many leading bytes Sniff looks at.
const SniffLen = 512

// The media types the vault accepts: pictures, PDF, plain text, audio and video, which is
// what screenshots, chat exports, invoices, payment records, photos and call recordings come
// as. Anything that can run (programs, scripts, app packages), archives and Office files
// (which are archives and may hold macros) and HTML or SVG (which can carry scripts) are
// refused: a case file is opened by victims and police officers, so it must be safe to open.
const (
	TypePNG  = "image/png"
	TypeJPEG = "image/jpeg"
	TypeGIF  = "image/gif"
	TypeWebP = "image/webp"
	TypeHEIC = "image/heic"
	TypePDF  = "application/pdf"
	TypeText = "text/plain; charset=utf-8"
	TypeJSON = "application/json"
	TypeMP3  = "audio/mpeg"
	TypeWAV  = "audio/wav"
	TypeAMR  = "audio/amr"
	TypeM4A  = "audio/mp4"
	TypeMP4  = "video/mp4"
)

// refusals are signatures of content that is never accepted, with the reason given.
var refusals = []struct {
	magic string
	what  string
}{
	{"\x7fELF", "a program"},
	{"MZ", "a Windows program"},
	{"\xfe\xed\xfa\xce", "a program"},
	{"\xfe\xed\xfa\xcf", "a program"},
	{"\xcf\xfa\xed\xfe", "a program"},
	{"\xce\xfa\xed\xfe", "a program"},
	{"\xca\xfe\xba\xbe", "a program"},
	{"dex\n", "an Android program"},
	{"PK\x03\x04", "an archive, app package or Office file"},
	{"PK\x05\x06", "an archive"},
	{"Rar!", "an archive"},
	{"7z\xbc\xaf\x27\x1c", "an archive"},
	{"\x1f\x8b", "a compressed file"},
	{"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an Office file"},
}

// Sniff returns the media type of a file from its first bytes (up to SniffLen) and an
// EINVALID error, about field "file", saying what is wrong when the type is not accepted.
func Sniff(head []byte) (string, error) {
	if len(head) == 0 {
		return "", shopguard.Invalid("file", "the file is empty")
	}
	if len(head) > SniffLen {
		head = head[:SniffLen]
	}
	if bytes.HasPrefix(head, []byte("#!AMR\n")) {
		return TypeAMR, nil
	}
	if bytes.HasPrefix(head, []byte("#!")) {
		return "", refuse("a script")
	}
	for _, r := range refusals {
		if bytes.HasPrefix(head, []byte(r.magic)) {
			return "", refuse(r.what)
		}
	}
	if t, ok := isoMedia(head); ok {
		return t, nil
	}
	switch t := http.DetectContentType(head); {
	case t == TypePNG, t == TypeJPEG, t == TypeGIF, t == TypeWebP, t == TypePDF, t == TypeMP3:
		return t, nil
	case t == "audio/wave":
		return TypeWAV, nil
	case t == "text/plain; charset=utf-8":
		if !utf8.Valid(trimPartialRune(head)) {
			return "", shopguard.Invalid("file", "the text is not UTF-8: save it as UTF-8 text, or as PDF or a screenshot")
		}
		if s := bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\xef\xbb\xbf")), " \t\r\n"); len(s) > 0 && (s[0] == '{' || s[0] == '[') {
			return TypeJSON, nil
		}
		return TypeText, nil
	case strings.HasPrefix(t, "text/html"), strings.HasPrefix(t, "text/xml"):
		return "", shopguard.Invalid("file", "web pages and SVG are not accepted (they can carry scripts): save the page as PDF or take a screenshot")
	}
	return "", shopguard.Invalid("file", "this kind of file is not accepted: upload pictures (PNG, JPEG, GIF, WebP, HEIC), PDF, UTF-8 text or JSON, audio (MP3, M4A, WAV, AMR) or MP4 video")
}

func refuse(what string) error {
	return shopguard.Invalid("file", "the file is %s, which is not accepted: upload screenshots, PDF, text, audio or video; describe anything else in a note", what)
}

// isoMedia recognises ISO base media files (MP4, M4A, HEIC) by their ftyp box and brand.
func isoMedia(head []byte) (string, bool) {
	if len(head) < 12 || string(head[4:8]) != "ftyp" {
		return "", false
	}
	switch brand := string(head[8:12]); brand {
	case "heic", "heix", "hevc", "heim", "heis", "mif1", "msf1":
		return TypeHEIC, true
	case "M4A ", "M4B ":
		return TypeM4A, true
	case "isom", "iso2", "iso4", "iso5", "iso6", "mp41", "mp42", "avc1", "M4V ", "MSNV", "dash", "3gp4", "3gp5", "3gp6", "3g2a", "qt  ":
		return TypeMP4, true
	}
	return "", false
}

// trimPartialRune drops an incomplete UTF-8 sequence cut off at the end of b.
func trimPartialRune(b []byte) []byte {
	for i := 1; i <= utf8.UTFMax && i <= len(b); i++ {
		if utf8.RuneStart(b[len(b)-i]) {
			if !utf8.FullRune(b[len(b)-i:]) {
				return b[:len(b)-i]
			}
			break
		}
	}
	return b
}

// MaxNameLen is the longest file name, in bytes, the vault keeps.
const MaxNameLen = 200

// CleanName returns the file name the vault keeps for an uploaded name: the last element of
// any path (either separator), without control characters, trimmed, at most MaxNameLen bytes
// and never empty, "." or "..".
func CleanName(name string) string {
	name = strings.ToValidUTF8(name, "")
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == ':' {
			return -1
		}
		return r
	}, name)
	name = strings.TrimSpace(name)
	for len(name) > MaxNameLen {
		ext := path.Ext(name)
		if len(ext) > 16 {
			ext = ""
		}
		cut := MaxNameLen - len(ext)
		for cut > 0 && !utf8.RuneStart(name[cut]) {
			cut--
		}
		name = name[:cut] + ext
	}
	if strings.Trim(name, ".") == "" {
		return "file"
	}
	return name
}
