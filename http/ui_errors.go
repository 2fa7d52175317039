package http

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/internal/lazyre"
)

// formLabels maps the field an error names to the catalog key of the label the form shows
// for it. Each form has its own: "amount" is "How much, in yuan?" on the case questionnaire
// and "Money lost" on the report form.
type formLabels map[string]string

// The labels of each form, as the templates show them.
var (
	caseLabels = formLabels{"what": "case.q.what", "culprit": "case.q.culprit", "payment": "case.q.payment",
		"amount": "case.q.amount", "amount_fen": "case.q.amount", "paid_on": "case.q.paid_on", "noticed_on": "case.q.noticed_on",
		"platform": "case.q.platform", "site_url": "case.q.site_url", "counterparty": "case.q.counterparty",
		"seller_location": "case.q.seller_location", "order_ref": "case.q.order_ref", "evidence": "case.q.evidence",
		"file": "case.evidence.file", "note": "case.evidence.note",
		"reference": "case.track.reference", "notes": "case.track.notes", "follow_up": "case.track.follow_up", "state": "case.track.state"}
	reportLabels = formLabels{"scam_type": "report.scam_type", "identifiers": "report.identifiers", "identifiers[].value": "report.value",
		"identifiers[].kind": "report.kind", "platform": "report.platform", "amount": "report.amount", "currency": "report.currency",
		"occurred_on": "report.date", "narrative": "report.narrative", "evidence": "report.evidence"}
	sellerLabels = formLabels{"price": "seller.price", "reference_price": "seller.reference_price", "payment": "seller.payment",
		"contact_phone": "seller.contact_phone", "contact_qq": "seller.contact_qq", "contact_wechat": "seller.contact_wechat",
		"seller_name": "seller.seller_name", "payee_name": "seller.payee_name"}
	lookupLabels = formLabels{"kind": "report.kind", "value": "report.value", "identifier.kind": "report.kind", "identifier.value": "report.value"}
	appealLabels = formLabels{"kind": "report.kind", "value": "report.value", "identifier.kind": "report.kind", "identifier.value": "report.value",
		"reason": "appeal.reason", "contact": "appeal.contact", "method": "appeal.method"}
	linkLabels     = formLabels{"url": "check_link.label"}
	siteLabels     = formLabels{"url": "site.url", "html": "site.html_optional"}
	reporterLabels = formLabels{"text": "reporter.answer"}
	// wizardLabels are the labels of the "Should I pay?" wizard: assess.FIELD for each
	// field that takes text or a choice.
	wizardLabels = func() formLabels {
		l := formLabels{}
		for _, f := range wizardFields {
			if !slices.Contains(wizardChecks, f) {
				l[f] = "assess." + f
			}
		}
		return l
	}()
)

// rowIndex finds the row number in a field path such as identifiers[2].value.
var rowIndex = lazyre.New(`\[(\d+)\]`)

// sayError is what a person is told about err on a page, in the request's language: the
// field named as the form labels it and what to write there, never a raw field name, a Go
// error or the server's internals. Messages of the core are English; a Chinese page shows
// them only through the catalog.
func (s *Server) sayError(r *http.Request, err error, labels formLabels) string {
	lang := stateOf(r).lang
	p := page{Lang: lang, cat: s.ui.catalogs[lang]}
	code := shopguard.ErrorCode(err)
	if code != shopguard.EINVALID {
		if code == shopguard.ETOOLARGE {
			return p.T("error.too_large")
		}
		key := "error." + code
		if _, ok := p.cat[key]; !ok {
			key = "error." + shopguard.EINTERNAL
		}
		return p.T(key)
	}
	field := shopguard.ErrorField(err)
	generic := rowIndex().ReplaceAllString(field, "[]")
	label := ""
	key, ok := labels[generic]
	if _, inner, nested := strings.Cut(generic, "."); !ok && nested {
		key, ok = labels[inner] // the API nests some answers: triage.amount is the form's amount
	}
	if ok {
		label = p.T(key)
		if m := rowIndex().FindStringSubmatch(field); m != nil {
			n, _ := strconv.Atoi(m[1])
			label = p.Tf("error.row", "label", label, "n", strconv.Itoa(n+1))
		}
	}
	hint, hasHint := p.cat["error.hint."+generic]
	switch {
	case label == "" && hasHint:
		return hint
	case label == "":
		if lang == shopguard.LangEN {
			return shopguard.ErrorMessage(err)
		}
		return p.T("error.invalid_form")
	case hasHint:
		return p.Tf("error.invalid", "field", label, "hint", hint)
	case lang == shopguard.LangEN:
		return p.Tf("error.invalid", "field", label, "hint", shopguard.ErrorMessage(err))
	}
	return p.Tf("error.invalid_field", "field", label)
}

// sayAPIError is the message of an API error: the core's English message unless the caller
// chose a language (?lang=, the language cookie or Accept-Language). In English an invalid
// field is then named as the form labels it before the core's message; in Chinese the whole
// message is the catalog's, naming the field by its label (or its path, when no form has it).
func (s *Server) sayAPIError(r *http.Request, err error) string {
	msg := shopguard.ErrorMessage(err)
	if !chosenLang(r) {
		return msg
	}
	lang := stateOf(r).lang
	code := shopguard.ErrorCode(err)
	if lang == shopguard.LangEN && code != shopguard.EINVALID {
		return msg
	}
	said := s.sayError(r, err, apiLabels(stateOf(r).route))
	p := page{Lang: lang, cat: s.ui.catalogs[lang]}
	if lang == shopguard.LangEN || said != p.T("error.invalid_form") {
		return said
	}
	// Neither label nor hint: name the field by its path, or the body.
	switch field := shopguard.ErrorField(err); {
	case field == "":
		return p.T("error.invalid_body")
	default:
		return p.Tf("error.invalid_field", "field", field)
	}
}

// chosenLang reports whether the caller chose a language rather than getting the default.
func chosenLang(r *http.Request) bool {
	if _, ok := shopguard.ParseLang(r.URL.Query().Get("lang")); ok {
		return true
	}
	if _, err := r.Cookie(langCookie); err == nil {
		return true
	}
	return r.Header.Get("Accept-Language") != ""
}

// apiRouteLabels gives the API routes the labels of the form that asks the same questions,
// by the start of the route's path.
var apiRouteLabels = []struct {
	prefix string
	labels formLabels
}{
	{"POST /api/v1/cases/{id}/report", caseReportLabels},
	{"POST /api/v1/cases", caseLabels}, {"PUT /api/v1/cases", caseLabels},
	{"POST /api/v1/reports", reportLabels},
	{"POST /api/v1/check/listing", sellerLabels},
	{"POST /api/v1/check/url", linkLabels},
	{"POST /api/v1/appeals", appealLabels},
	{"POST /api/v1/feedback", appealLabels},
	{"GET /api/v1/indicators", lookupLabels}, {"GET /api/v1/lookup", lookupLabels},
}

// apiLabels returns the labels for the errors of an API route (none for a route no form mirrors).
func apiLabels(route string) formLabels {
	for _, l := range apiRouteLabels {
		if strings.HasPrefix(route, l.prefix) {
			return l.labels
		}
	}
	return nil
}

// caseReportLabels are the labels of the case page's report form.
var caseReportLabels = func() formLabels {
	l := formLabels{"evidence": "case.report.evidence", "consent": "case.report.consent"}
	for k, v := range reportLabels {
		if _, ok := l[k]; !ok {
			l[k] = v
		}
	}
	return l
}()
