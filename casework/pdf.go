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
			pdf.MultiCell(0, 9, line[2:], "", "C", false)
			pdf.Ln(3)
		case strings.HasPrefix(line, "## "):
			pdf.Ln(2)
			pdf.SetFont(fontName, "", 13)
			pdf.MultiCell(0, 7, line[3:], "B", "L", false)
			pdf.Ln(1)
		case strings.HasPrefix(line, "> "):
			pdf.SetFont(fontName, "", 9)
			pdf.SetFillColor(242, 242, 242)
			pdf.MultiCell(0, 5, line[2:], "L", "L", true)
		case strings.HasPrefix(line, "- "):
			pdf.SetFont(fontName, "", 10.5)
			x := pdf.GetX()
			pdf.CellFormat(5, 6, "•", "", 0, "L", false, 0, "")
			pdf.MultiCell(0, 6, line[2:], "", "L", false)
			pdf.SetX(x)
		case strings.HasPrefix(line, "  "):
			pdf.SetFont(fontName, "", 8)
			pdf.SetX(pdf.GetX() + 5)
			pdf.MultiCell(0, 4.5, strings.TrimSpace(line), "", "L", false)
			pdf.SetX(20)
		default:
			pdf.SetFont(fontName, "", 10.5)
			pdf.MultiCell(0, 6, line, "", "L", false)
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
