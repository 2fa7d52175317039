// Package filetype tells what an uploaded file is from its content, never from its name, and
// cleans the name it was uploaded under. Case evidence (casework) and report evidence (intel)
// share it; each says with a Policy which of the types it accepts.
package filetype

import (
	"bytes"
	"net/http"
	"path"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/shopguard/shopguard"
)

// HeadLen is how many leading bytes Sniff needs to tell a type.
const HeadLen = 512

// The media types Sniff recognises: pictures, PDF, plain text, audio and video, which is what
// screenshots, chat exports, invoices, payment records, photos and call recordings come as.
// Anything that can run (programs, scripts, app packages), archives and Office files (which
// are archives and may hold macros) and HTML or SVG (which can carry scripts) are refused:
// evidence is opened by victims, moderators and police officers, so it must be safe to open.
const (
	PNG  = "image/png"
	JPEG = "image/jpeg"
	GIF  = "image/gif"
	WebP = "image/webp"
	HEIC = "image/heic"
	PDF  = "application/pdf"
	Text = "text/plain; charset=utf-8"
	JSON = "application/json"
	MP3  = "audio/mpeg"
	WAV  = "audio/wav"
	AMR  = "audio/amr"
	M4A  = "audio/mp4"
	MP4  = "video/mp4"
)

// labels name each type to the uploader, in the order messages list them.
var labels = []struct{ typ, label string }{
	{PNG, "PNG"}, {JPEG, "JPEG"}, {GIF, "GIF"}, {WebP, "WebP"}, {HEIC, "HEIC"}, {PDF, "PDF"},
	{Text, "UTF-8 text"}, {JSON, "JSON"}, {MP3, "MP3"}, {M4A, "M4A"}, {WAV, "WAV"}, {AMR, "AMR"}, {MP4, "MP4 video"},
}

// All is every type Sniff recognises.
var All = []string{PNG, JPEG, GIF, WebP, HEIC, PDF, Text, JSON, MP3, WAV, AMR, M4A, MP4}

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

// Policy is what one kind of upload accepts.
type Policy struct {
	Types []string // the accepted types, a subset of All
	Hint  string   // added to a refusal after the list of accepted types ("" for none)
}

// Sniff returns the media type of a file from its first bytes (HeadLen are enough; text is
// checked to be UTF-8 throughout what head holds) and an EINVALID error, about field "file",
// saying what is wrong when the type is not among p.Types.
func (p Policy) Sniff(head []byte) (string, error) {
	if len(head) == 0 {
		return "", shopguard.Invalid("file", "the file is empty")
	}
	if bytes.HasPrefix(head, []byte("#!AMR\n")) {
		return p.accept(AMR)
	}
	if bytes.HasPrefix(head, []byte("#!")) {
		return "", p.refuse("a script")
	}
	for _, r := range refusals {
		if bytes.HasPrefix(head, []byte(r.magic)) {
			return "", p.refuse(r.what)
		}
	}
	if t, ok := isoMedia(head); ok {
		return p.accept(t)
	}
	switch t := http.DetectContentType(head); {
	case t == PNG, t == JPEG, t == GIF, t == WebP, t == PDF, t == MP3:
		return p.accept(t)
	case t == "audio/wave":
		return p.accept(WAV)
	case t == Text:
		if !utf8.Valid(trimPartialRune(head)) {
			return "", shopguard.Invalid("file", "the text is not UTF-8: save it as UTF-8 text, or as PDF or a screenshot")
		}
		s := bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\xef\xbb\xbf")), " \t\r\n\f")
		switch {
		case isMarkup(s):
			return "", errMarkup
		case len(s) > 0 && (s[0] == '{' || s[0] == '['):
			return p.accept(JSON)
		}
		return p.accept(Text)
	case strings.HasPrefix(t, "text/html"), strings.HasPrefix(t, "text/xml"):
		return "", errMarkup
	}
	return "", shopguard.Invalid("file", "this kind of file is not accepted: %s", p.accepted())
}

// errMarkup refuses web pages and SVG, with or without an XML prolog or a doctype.
var errMarkup = shopguard.Invalid("file", "web pages and SVG are not accepted (they can carry scripts): save the page as PDF or take a screenshot")

// activeTags are the tags, in lower case, that make markup able to run or show active content
// when a browser opens it: a text holding one of them is not taken as text.
var activeTags = []string{"<svg", "<html", "<script", "<iframe", "<object", "<embed", "<body", "<foreignobject", "<?xml", "<!doctype", "<xsl"}

// isMarkup reports whether text (its leading spaces trimmed) is markup rather than text: it
// starts with a tag, a comment or a prolog, or holds a tag of activeTags anywhere, in any case.
// Browsers render SVG and HTML without a prolog, so the prolog proves nothing.
func isMarkup(text []byte) bool {
	if len(text) > 1 && text[0] == '<' && (text[1] == '!' || text[1] == '?' || isLetter(text[1])) {
		return true
	}
	lower := bytes.ToLower(text)
	for _, tag := range activeTags {
		if i := bytes.Index(lower, []byte(tag)); i >= 0 {
			if end := i + len(tag); end == len(lower) || !isLetter(lower[end]) {
				return true
			}
		}
	}
	return false
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// Served returns the content type to serve a stored file of type t with: t when it is a type
// Sniff recognises, else application/octet-stream, which no browser renders.
func Served(t string) string {
	if slices.Contains(All, t) {
		return t
	}
	return "application/octet-stream"
}

// accept returns t if the policy takes it.
func (p Policy) accept(t string) (string, error) {
	if !slices.Contains(p.Types, t) {
		return "", shopguard.Invalid("file", "this kind of file (%s) is not accepted here: %s", label(t), p.accepted())
	}
	return t, nil
}

func (p Policy) refuse(what string) error {
	return shopguard.Invalid("file", "the file is %s, which is not accepted: %s", what, p.accepted())
}

// accepted tells the uploader what to send instead: the policy's types, then its hint.
func (p Policy) accepted() string {
	var names []string
	for _, l := range labels {
		if slices.Contains(p.Types, l.typ) {
			names = append(names, l.label)
		}
	}
	s := "upload " + strings.Join(names, ", ")
	if i := strings.LastIndex(s, ", "); i >= 0 {
		s = s[:i] + " or " + s[i+2:]
	}
	if p.Hint != "" {
		s += "; " + p.Hint
	}
	return s
}

func label(t string) string {
	for _, l := range labels {
		if l.typ == t {
			return l.label
		}
	}
	return t
}

// isoMedia recognises ISO base media files (MP4, M4A, HEIC) by their ftyp box and brand.
func isoMedia(head []byte) (string, bool) {
	if len(head) < 12 || string(head[4:8]) != "ftyp" {
		return "", false
	}
	switch brand := string(head[8:12]); brand {
	case "heic", "heix", "hevc", "heim", "heis", "mif1", "msf1":
		return HEIC, true
	case "M4A ", "M4B ":
		return M4A, true
	case "isom", "iso2", "iso4", "iso5", "iso6", "mp41", "mp42", "avc1", "M4V ", "MSNV", "dash", "3gp4", "3gp5", "3gp6", "3g2a", "qt  ":
		return MP4, true
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

// MaxNameLen is the longest file name, in bytes, CleanName returns.
const MaxNameLen = 200

// CleanName returns the file name to keep for an uploaded name: the last element of any path
// (either separator), without control characters, trimmed, at most MaxNameLen bytes and never
// empty, "." or "..".
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
		name = strings.TrimSpace(name[:cut]) + ext // a cut may end in spaces
	}
	if strings.Trim(name, ".") == "" {
		return "file"
	}
	return name
}
