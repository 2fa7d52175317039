package casework

import (
	"bytes"
	"embed"
	"fmt"
	"slices"
	"strings"
	"sync"
	"text/template"
	"time"

	"github.com/shopguard/shopguard"
)

// The documents drafted from a case.
const (
	DocPlatformComplaint = "platform_complaint" // complaint to the platform
	DocComplaint12315    = "complaint_12315"    // consumer complaint to the market regulator
	DocPoliceReport      = "police_report"      // statement of the case for the police
	DocReport12377       = "report_12377"       // report of an illegal site to 12377
	DocDemandLetter      = "demand_letter"      // letter of demand to the merchant
)

// Documents lists every document name.
var Documents = []string{DocPlatformComplaint, DocComplaint12315, DocPoliceReport, DocReport12377, DocDemandLetter}

// ValidDocument reports whether name is a document casework drafts.
func ValidDocument(name string) bool { return slices.Contains(Documents, name) }

//go:embed templates/*.md.tmpl
var templateFS embed.FS

// templates holds, per language, the documents and the blocks they share. Templates are
// parsed once, at their first use (not at every start of the program): they are fixed at
// build time, so a broken one is a programming error.
var templates = sync.OnceValue(func() map[shopguard.Lang]*template.Template {
	funcs := template.FuncMap{"time": func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05 UTC") }}
	m := map[shopguard.Lang]*template.Template{}
	for _, lang := range shopguard.Langs {
		t := template.New("").Funcs(funcs).Option("missingkey=error")
		pattern := fmt.Sprintf("templates/*.%s.md.tmpl", lang)
		m[lang] = template.Must(t.ParseFS(templateFS, pattern))
	}
	return m
})

// DocInput is what a document is drafted from.
type DocInput struct {
	Case     *shopguard.Case
	Evidence []*shopguard.EvidenceEntry
	Now      time.Time
}

// docData is what the templates see.
type docData struct {
	T           shopguard.Triage
	Amount      string
	PaymentText string
	Evidence    []*shopguard.EvidenceEntry
	ChainHead   string
	Today       string
}

var paymentTexts = map[shopguard.Payment]reason{
	shopguard.PaymentUnknown:  {ZH: "（付款方式）", EN: "(how you paid)"},
	shopguard.PaymentEscrow:   {ZH: "平台担保交易", EN: "through the platform's escrow"},
	shopguard.PaymentTransfer: {ZH: "平台外转账", EN: "a transfer outside the platform"},
	shopguard.PaymentCard:     {ZH: "银行卡或信用卡", EN: "bank or credit card"},
	shopguard.PaymentCOD:      {ZH: "货到付款", EN: "cash on delivery"},
	shopguard.PaymentNone:     {ZH: "尚未付款", EN: "not paid yet"},
}

// Markdown drafts document name of a case in lang. EINVALID for an unknown name.
func Markdown(name string, lang shopguard.Lang, in DocInput) ([]byte, error) {
	if !ValidDocument(name) {
		return nil, shopguard.Invalid("name", "unknown document %q: want one of %s", name, strings.Join(Documents, ", "))
	}
	t := in.Case.Triage
	for _, p := range []*string{&t.What, &t.Platform, &t.SiteURL, &t.Counterparty, &t.SellerLocation, &t.OrderRef} {
		*p = clean(*p)
	}
	d := docData{
		T:           t,
		Amount:      shopguard.FormatFen(t.AmountFen),
		PaymentText: paymentTexts[t.Payment].Get(lang),
		Evidence:    make([]*shopguard.EvidenceEntry, len(in.Evidence)),
		Today:       in.Now.UTC().Format("2006-01-02"),
	}
	for i, e := range in.Evidence {
		c := *e
		c.Note = clean(c.Note)
		d.Evidence[i] = &c
	}
	if n := len(in.Evidence); n > 0 {
		d.ChainHead = in.Evidence[n-1].Hash
	}
	var b bytes.Buffer
	if err := templates()[lang].ExecuteTemplate(&b, fmt.Sprintf("%s.%s.md.tmpl", name, lang), d); err != nil {
		return nil, fmt.Errorf("casework: draft %s in %s: %w", name, lang, err)
	}
	return b.Bytes(), nil
}

// clean makes the line breaks and runs of spaces in a user's text single spaces, so that an
// answer stays inside the line of the document it is put in (the templates never start a line
// with an answer, so no answer can become a heading or a list).
func clean(s string) string { return strings.Join(strings.Fields(s), " ") }
