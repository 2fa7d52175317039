package casework_test

import (
	"bytes"
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
