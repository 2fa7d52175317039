package casework

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"embed"
	"fmt"
	"io"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/go-pdf/fpdf"
)

//go:generate go run ./internal/ttcface -in /usr/share/fonts/truetype/wqy/wqy-microhei.ttc -face 0 -out font/wqy-microhei.ttf.gz

// The font the PDFs embed (a subset of): WenQuanYi Micro Hei, which covers Chinese and Latin.
// Its licence is in font/LICENSE.
//
//go:embed font/wqy-microhei.ttf.gz
var fontFS embed.FS

const fontName = "wqymicrohei"

// font returns the uncompressed font, read once.
var font = sync.OnceValues(func() ([]byte, error) {
	f, err := fontFS.Open("font/wqy-microhei.ttf.gz")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("casework: font: %w", err)
	}
	return io.ReadAll(zr)
})

// PDF renders a document drafted in Markdown (as Markdown returns it: headings, paragraphs,
// lists and quotes) as an A4 PDF with the CJK font embedded. title goes into the PDF's
// metadata, footer at the foot of every page.
func PDF(w io.Writer, markdown []byte, title, footer string) error {
	ttf, err := font()
	if err != nil {
		return fmt.Errorf("casework: pdf: %w", err)
	}
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetCompression(true)
	pdf.SetTitle(title, true)
	pdf.SetCreator("shopguard", true)
	pdf.AddUTF8FontFromBytes(fontName, "", ttf)
	pdf.SetMargins(20, 20, 20)
	pdf.SetAutoPageBreak(true, 20)
	pdf.SetFooterFunc(func() {
		pdf.SetY(-14)
		pdf.SetFont(fontName, "", 8)
		pdf.SetTextColor(110, 110, 110)
		pdf.CellFormat(0, 5, fmt.Sprintf("%s · %d", footer, pdf.PageNo()), "", 0, "C", false, 0, "")
		pdf.SetTextColor(0, 0, 0)
	})
	pdf.AddPage()
	sc := bufio.NewScanner(bytes.NewReader(markdown))
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), " ")
		switch {
		case line == "":
			pdf.Ln(2)
		case strings.HasPrefix(line, "# "):
			pdf.SetFont(fontName, "", 17)
			multiCell(pdf, 9, line[2:], "", "C", false)
			pdf.Ln(3)
		case strings.HasPrefix(line, "## "):
			pdf.Ln(2)
			pdf.SetFont(fontName, "", 13)
			multiCell(pdf, 7, line[3:], "B", "L", false)
			pdf.Ln(1)
		case strings.HasPrefix(line, "> "):
			pdf.SetFont(fontName, "", 9)
			pdf.SetFillColor(242, 242, 242)
			multiCell(pdf, 5, line[2:], "L", "L", true)
		case strings.HasPrefix(line, "- "):
			pdf.SetFont(fontName, "", 10.5)
			x := pdf.GetX()
			pdf.CellFormat(5, 6, "•", "", 0, "L", false, 0, "")
			multiCell(pdf, 6, line[2:], "", "L", false)
			pdf.SetX(x)
		case strings.HasPrefix(line, "  "):
			pdf.SetFont(fontName, "", 8)
			pdf.SetX(pdf.GetX() + 5)
			multiCell(pdf, 4.5, strings.TrimSpace(line), "", "L", false)
			pdf.SetX(20)
		default:
			pdf.SetFont(fontName, "", 10.5)
			multiCell(pdf, 6, line, "", "L", false)
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("casework: pdf: %w", err)
	}
	if err := pdf.Output(w); err != nil {
		return fmt.Errorf("casework: pdf: %w", err)
	}
	return nil
}

// multiCell writes text as fpdf's MultiCell does, from the current position to the right
// margin, but breaks the lines itself: fpdf treats a Chinese character where it breaks a
// line like a space and drops it, so the lines are handed to it already broken.
func multiCell(pdf *fpdf.Fpdf, h float64, text, border, align string, fill bool) {
	pageW, _ := pdf.GetPageSize()
	_, _, right, _ := pdf.GetMargins()
	// A hair less than fpdf's own limit, so that rounding never makes it break again.
	width := pageW - right - pdf.GetX() - 2*pdf.GetCellMargin() - 0.5
	pdf.MultiCell(0, h, strings.Join(wrap(drawable(text), width, pdf.GetStringWidth), "\n"), border, align, fill)
}

// drawable replaces what the PDF font cannot draw with U+FFFD: characters beyond the Basic
// Multilingual Plane (fpdf refuses them and the whole document fails) and control characters.
func drawable(text string) string {
	return strings.Map(func(r rune) rune {
		if r > 0xFFFF || unicode.IsControl(r) {
			return utf8.RuneError
		}
		return r
	}, text)
}

// wrap breaks text into lines no wider than width as measured by measure: at spaces (which
// it drops), before and after a CJK character (never before closing punctuation nor after
// opening punctuation), and inside a word only when the word alone is too wide.
func wrap(text string, width float64, measure func(string) float64) []string {
	var lines []string
	var line strings.Builder
	lineW := 0.0
	flush := func() {
		lines = append(lines, line.String())
		line.Reset()
		lineW = 0
	}
	for _, u := range units(text) {
		w := measure(u.text)
		space := 0.0
		if u.space && line.Len() > 0 {
			space = measure(" ")
		}
		if line.Len() > 0 && lineW+space+w > width {
			flush()
			space = 0
		}
		if line.Len() == 0 && w > width {
			// A word wider than the line: break it where it must be broken.
			for _, r := range u.text {
				rw := measure(string(r))
				if line.Len() > 0 && lineW+rw > width {
					flush()
				}
				line.WriteRune(r)
				lineW += rw
			}
			continue
		}
		if space > 0 {
			line.WriteByte(' ')
		}
		line.WriteString(u.text)
		lineW += space + w
	}
	if line.Len() > 0 || len(lines) == 0 {
		flush()
	}
	return lines
}

// unit is a piece of text a line is not broken inside; space says it follows a space.
type unit struct {
	text  string
	space bool
}

// units splits text into the pieces wrap may put on different lines.
func units(text string) []unit {
	var us []unit
	var cur strings.Builder
	space := false
	var prev rune
	for _, r := range text {
		if unicode.IsSpace(r) {
			if cur.Len() > 0 {
				us = append(us, unit{cur.String(), space})
				cur.Reset()
			}
			space, prev = true, ' '
			continue
		}
		if cur.Len() > 0 && breakBetween(prev, r) {
			us = append(us, unit{cur.String(), space})
			cur.Reset()
			space = false
		}
		cur.WriteRune(r)
		prev = r
	}
	if cur.Len() > 0 {
		us = append(us, unit{cur.String(), space})
	}
	return us
}

// breakBetween reports whether a line may break between a and b, neither a space.
func breakBetween(a, b rune) bool {
	if strings.ContainsRune(closingPunct, b) || strings.ContainsRune(openingPunct, a) {
		return false
	}
	return isCJK(a) || isCJK(b)
}

// The punctuation a line does not start with, and the one it does not end with.
const (
	closingPunct = "，。、；：！？）》」』】〉”’．…·—,.;:!?)]}%"
	openingPunct = "（《「『【〈“‘([{"
)

// isCJK reports whether r is written without spaces around it: Chinese, Japanese and Korean
// characters and the full-width punctuation.
func isCJK(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul) ||
		(r >= 0x3000 && r <= 0x303f) || (r >= 0xff00 && r <= 0xffef) || r == '“' || r == '”' || r == '‘' || r == '’'
}
