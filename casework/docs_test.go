package casework_test

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/casework"
	"github.com/shopguard/shopguard/filetype"
	"github.com/shopguard/shopguard/internal/testenv"
)

var day = time.Date(2026, 11, 20, 9, 30, 0, 0, time.UTC)

// sampleInput is a seller case with two evidence entries.
func sampleInput(t testing.TB) casework.DocInput {
	t.Helper()
	c, _, err := casework.NewCase(0, shopguard.LangZH, shopguard.Triage{
		What:           "买了一部手机，收到的是模型机，\n商家不再回复。",
		Culprit:        shopguard.CulpritSeller,
		Payment:        shopguard.PaymentEscrow,
		AmountFen:      329900,
		PaidOn:         "2026-11-18",
		Platform:       "某购物平台",
		Counterparty:   "数码旗舰小店",
		SellerLocation: "广东省深圳市",
		OrderRef:       "2026111800123",
	}, day)
	if err != nil {
		t.Fatal(err)
	}
	var log []*shopguard.EvidenceEntry
	var prev *shopguard.EvidenceEntry
	for i, name := range []string{"聊天记录.png", "payment.pdf"} {
		e := &shopguard.EvidenceEntry{CaseID: c.ID, SHA256: strings.Repeat(string(rune('a'+i)), 64), Name: name,
			Type: filetype.PNG, Size: 1000, Note: "# 第" + string(rune('1'+i)) + "项\n说明", ReceivedAt: day}
		casework.Seal(e, prev)
		log, prev = append(log, e), e
	}
	return casework.DocInput{Case: c, Evidence: log, Now: day}
}

func TestMarkdownEveryDocumentBothLanguages(t *testing.T) {
	in := sampleInput(t)
	for _, name := range casework.Documents {
		for _, lang := range shopguard.Langs {
			md, err := casework.Markdown(name, lang, in)
			if err != nil {
				t.Fatalf("%s %s: %v", name, lang, err)
			}
			s := string(md)
			for _, want := range []string{in.Evidence[0].SHA256, in.Evidence[1].SHA256, in.Evidence[1].Hash, "数码旗舰小店"} {
				if !strings.Contains(s, want) {
					t.Errorf("%s %s lacks %q", name, lang, want)
				}
			}
			draft := map[shopguard.Lang]string{shopguard.LangZH: "不是法律意见", shopguard.LangEN: "not legal advice"}[lang]
			if !strings.Contains(s, draft) {
				t.Errorf("%s %s does not say it is a draft and not legal advice", name, lang)
			}
			if strings.Contains(s, "\n说明") {
				t.Errorf("%s %s: a note's line break or heading marker leaked into the document:\n%s", name, lang, s)
			}
		}
	}
	if _, err := casework.Markdown("../etc/passwd", shopguard.LangEN, in); shopguard.ErrorCode(err) != shopguard.EINVALID {
		t.Errorf("unknown document: %v", err)
	}
}

func TestPDFRendersChinese(t *testing.T) {
	in := sampleInput(t)
	md, err := casework.Markdown(casework.DocPoliceReport, shopguard.LangZH, in)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := casework.PDF(&b, md, "报案材料", "shopguard 草稿"); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b.Bytes(), []byte("%PDF-")) {
		t.Fatal("not a PDF")
	}
	if b.Len() > 1<<20 {
		t.Errorf("PDF is %d bytes: the font should be embedded as a subset", b.Len())
	}
	dir := t.TempDir()
	if out := os.Getenv("CASEWORK_PDF_OUT"); out != "" {
		dir = out
	}
	file := filepath.Join(dir, "police_report.zh-CN.pdf")
	if err := os.WriteFile(file, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := exec.LookPath("pdftotext"); err != nil {
		testenv.Missing(t, "PDF text check skipped: pdftotext not found (apt-get install poppler-utils)")
	}
	text, err := exec.Command("pdftotext", "-layout", file, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	flat := strings.Join(strings.Fields(string(text)), "")
	for _, want := range []string{"报案材料", "数码旗舰小店", "广东省深圳市", "3299.00元", "不是法律意见", in.Evidence[0].SHA256, "聊天记录.png"} {
		if !strings.Contains(flat, strings.Join(strings.Fields(want), "")) {
			t.Errorf("pdftotext output lacks %q:\n%s", want, text)
		}
	}
}

// BenchmarkPDF measures drafting one document as PDF (the font is parsed and subset each time).
func BenchmarkPDF(b *testing.B) {
	in := sampleInput(b)
	md, err := casework.Markdown(casework.DocPoliceReport, shopguard.LangZH, in)
	if err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := casework.PDF(&buf, md, "报案材料", "draft"); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len()), "pdf-bytes")
}

// longInput is a case whose answers and evidence notes are long and mix Chinese with English,
// digits and punctuation, so that every document wraps the victim's own words many times.
func longInput(t testing.TB) casework.DocInput {
	t.Helper()
	in := sampleInput(t)
	c := *in.Case
	c.Triage.What = strings.Repeat("我在某购物平台看到一部 iPhone 15 Pro Max，卖家说是全新国行正品，价格只要市场价的一半。"+
		"之后对方拉黑了我，客服说 the order was cancelled by the seller, please contact them directly。"+
		"我按照对方的要求转账到一个 Alipay 账户（尾号 8848），对方又以“保证金”、“解冻费”为名要求继续付款；", 3)
	c.Triage.Counterparty = "数码旗舰小店 Digital Flagship Store（微信号 shuma_qijian_2026，自称“官方授权经销商”）"
	c.Triage.Platform = "某购物平台 Example Mall（第三方商家入驻）"
	in.Case = &c
	for i, e := range in.Evidence {
		e.Note = strings.Repeat("聊天记录截图，第"+string(rune('一'+i))+"张：卖家要求 add WeChat for a better price，"+
			"并承诺七天无理由退货，后来说“系统升级，无法退款”。", 2)
	}
	return in
}

// TestPDFHasEveryCharacterOfItsMarkdown renders every document in both languages from long
// mixed Chinese and English answers and checks that the text pdftotext extracts equals the
// Markdown twin's text, whitespace and Markdown markers aside: no character is lost where a
// line wraps.
func TestPDFHasEveryCharacterOfItsMarkdown(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		testenv.Missing(t, "PDF text check skipped: pdftotext not found (apt-get install poppler-utils)")
	}
	in := longInput(t)
	dir := t.TempDir()
	const footer = "shopguard draft"
	for _, name := range casework.Documents {
		for _, lang := range shopguard.Langs {
			t.Run(name+"."+string(lang), func(t *testing.T) {
				md, err := casework.Markdown(name, lang, in)
				if err != nil {
					t.Fatal(err)
				}
				var b bytes.Buffer
				if err := casework.PDF(&b, md, name, footer); err != nil {
					t.Fatal(err)
				}
				file := filepath.Join(dir, name+"."+string(lang)+".pdf")
				if err := os.WriteFile(file, b.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				out, err := exec.Command("pdftotext", "-enc", "UTF-8", file, "-").Output()
				if err != nil {
					t.Fatal(err)
				}
				pages := strings.Split(strings.TrimRight(string(out), "\f"), "\f")
				var got strings.Builder
				for i, p := range pages {
					foot := fmt.Sprintf("%s · %d", footer, i+1)
					if !strings.Contains(p, foot) {
						t.Fatalf("page %d lacks its footer %q", i+1, foot)
					}
					got.WriteString(strings.Replace(p, foot, "", 1))
				}
				want := markdownText(string(md))
				if g := flat(strings.ReplaceAll(got.String(), "•", "")); g != want {
					t.Errorf("the PDF's text differs from its Markdown at %s", firstDifference(g, want))
				}
			})
		}
	}
}

// markdownText is the text of the Markdown a document is drafted in without its markers and
// whitespace.
func markdownText(md string) string {
	var b strings.Builder
	for _, line := range strings.Split(md, "\n") {
		for _, marker := range []string{"# ", "## ", "> ", "- "} {
			if strings.HasPrefix(line, marker) {
				line = line[len(marker):]
				break
			}
		}
		b.WriteString(line)
	}
	return flat(b.String())
}

// flat removes all whitespace.
func flat(s string) string { return strings.Join(strings.Fields(s), "") }

// firstDifference shows where two strings part, with some context.
func firstDifference(got, want string) string {
	g, w := []rune(got), []rune(want)
	i := 0
	for i < len(g) && i < len(w) && g[i] == w[i] {
		i++
	}
	from := max(0, i-20)
	return fmt.Sprintf("character %d:\n got: …%s…\nwant: …%s…", i, string(g[from:min(len(g), i+30)]), string(w[from:min(len(w), i+30)]))
}

// TestPDFDrawsWhatTheFontLacks: characters beyond the Basic Multilingual Plane and control
// characters a victim typed do not make the document fail.
func TestPDFDrawsWhatTheFontLacks(t *testing.T) {
	var b bytes.Buffer
	md := []byte("# 𝔭𝔞𝔶 😀\n\n- a\x01\x1b[31m\x7f\u0085\u202eb аррle ١٢٣\n")
	if err := casework.PDF(&b, md, "t", "f"); err != nil {
		t.Fatalf("PDF: %v", err)
	}
}
