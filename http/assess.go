package http

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/detect/combine"
	"github.com/shopguard/shopguard/detect/listing"
	"github.com/shopguard/shopguard/detect/site"
)

// assessRequest is the body of POST /api/v1/assess: the contract of combine.Request, the
// language of the explanations, and whether to read the shop's site (default: when the
// server reads sites).
type assessRequest struct {
	combine.Request
	ID    string `json:"id,omitempty"`
	Lang  string `json:"lang,omitempty"`
	Fetch *bool  `json:"fetch,omitempty"`
}

// assessResponse is the answer, explained, with the id the caller sent.
type assessResponse struct {
	ID string `json:"id,omitempty"`
	combine.Answer
}

// assess answers a request: the site is read when asked and possible (a site that cannot be
// read is listed as not checked, never as safe).
func (s *Server) assess(r *http.Request, req combine.Request, fetch bool, lang shopguard.Lang) (combine.Answer, error) {
	var sr *site.Result
	var unread string
	if req.Site != "" && fetch && s.Fetcher != nil {
		res, err := s.readSite(r, req.Site, nil)
		switch {
		case err == nil:
			sr = &res
			s.learnOffers(res)
		case turnedAway(r, err):
			return combine.Answer{}, err
		default:
			unread = "site: " + shopguard.ErrorMessage(err)
		}
	}
	var a combine.Answer
	err := s.work(r, s.scanGate, func(ctx context.Context) error {
		a = s.checks().Assess(req, sr)
		return ctx.Err()
	})
	if err != nil {
		return combine.Answer{}, err
	}
	if unread != "" {
		a.Unchecked = append(a.Unchecked, unread)
	}
	s.learnPrice(r, req)
	a.Explain(s.Knowledge, lang)
	return a, nil
}

func (s *Server) handleAssess(w http.ResponseWriter, r *http.Request) error {
	var req assessRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	if err := req.Validate(); err != nil {
		return err
	}
	lang, err := langOr(req.Lang, stateOf(r).lang)
	if err != nil {
		return err
	}
	fetch := req.Fetch == nil || *req.Fetch
	a, err := s.assess(r, req.Request, fetch, lang)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, assessResponse{ID: req.ID, Answer: a})
	return nil
}

// wizardSteps are the steps of the "Should I pay?" wizard, each a set of form fields.
var wizardSteps = []string{"where", "seller", "payment", "chat"}

// wizardFields are every field of the wizard, kept as hidden inputs on the steps that do not
// show them, so that each step carries the answers given so far.
var wizardFields = []string{"platform", "site", "links", "seller_name", "company", "address", "contact_phone",
	"contact_qq", "contact_wechat", "contact_email", "payment_method", "bank_number", "bank_holder",
	"item_title", "item_category", "price", "currency", "chat", "deposit", "cancel_order", "off_platform", "refuses_escrow"}

// wizardChecks are the wizard's checkboxes, which no answer can make wrong.
var wizardChecks = []string{"deposit", "cancel_order", "off_platform", "refuses_escrow"}

// wizardPage is the data of the wizard: the step shown, the answers so far and, once asked,
// the verdict.
type wizardPage struct {
	Step   int
	Steps  []string
	Values map[string]string
	Hidden []string // the fields not on this step that carry a value
	Result *combine.Answer
	Error  string
	Field  string
	Online bool
}

// OnStep reports whether field is asked on the step shown.
func (p wizardPage) OnStep(field string) bool {
	return slices.Contains(stepFields[p.Steps[p.Step]], field)
}

// stepFields are the fields each step asks.
var stepFields = map[string][]string{
	"where":   {"platform", "site", "links"},
	"seller":  {"seller_name", "company", "address", "contact_phone", "contact_qq", "contact_wechat", "contact_email"},
	"payment": {"payment_method", "bank_number", "bank_holder", "item_title", "item_category", "price", "currency", "deposit", "cancel_order", "off_platform", "refuses_escrow"},
	"chat":    {"chat"},
}

func (s *Server) handleWizardPage(w http.ResponseWriter, r *http.Request) error {
	s.render(w, r, http.StatusOK, "assess", "assess.title", s.wizard(0, map[string]string{"currency": "CNY"}))
	return nil
}

func (s *Server) wizard(step int, values map[string]string) wizardPage {
	p := wizardPage{Step: step, Steps: wizardSteps, Values: values, Online: s.Fetcher != nil}
	for _, f := range wizardFields {
		if values[f] != "" && !p.OnStep(f) {
			p.Hidden = append(p.Hidden, f)
		}
	}
	return p
}

func (s *Server) handleWizardForm(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return shopguard.Invalid("", "unreadable form: %v", err)
	}
	values := map[string]string{}
	for _, f := range wizardFields {
		if v := strings.TrimSpace(r.PostForm.Get(f)); v != "" {
			values[f] = v
		}
	}
	step, _ := strconv.Atoi(r.PostForm.Get("step"))
	step = max(0, min(step, len(wizardSteps)-1))
	switch r.PostForm.Get("go") {
	case "next":
		s.render(w, r, http.StatusOK, "assess", "assess.title", s.wizard(min(step+1, len(wizardSteps)-1), values))
		return nil
	case "back":
		s.render(w, r, http.StatusOK, "assess", "assess.title", s.wizard(max(step-1, 0), values))
		return nil
	}
	req, contactFields := wizardRequest(values)
	p := s.wizard(step, values)
	if err := req.Validate(); err != nil {
		field := wizardField(shopguard.ErrorField(err), contactFields)
		for i, st := range wizardSteps { // show the step holding the field that is wrong
			if slices.Contains(stepFields[st], field) {
				p = s.wizard(i, values)
			}
		}
		p.Error, p.Field = s.sayError(r, shopguard.Invalid(field, "%s", shopguard.ErrorMessage(err)), wizardLabels), field
		s.render(w, r, http.StatusBadRequest, "assess", "assess.title", p)
		return nil
	}
	a, err := s.assess(r, req, true, stateOf(r).lang)
	if err != nil {
		return err
	}
	p.Result = &a
	s.render(w, r, http.StatusOK, "assess", "assess.title", p)
	return nil
}

// wizardRequest turns the wizard's answers into an assessment request, and says which form
// field each of the seller's contacts came from.
func wizardRequest(v map[string]string) (combine.Request, []string) {
	var fields []string
	req := combine.Request{
		Site: v["site"], Platform: v["platform"], PaymentMethod: v["payment_method"], Chat: v["chat"],
		Seller:      combine.Seller{Name: v["seller_name"], Company: v["company"], Address: v["address"]},
		BankAccount: combine.BankAccount{Number: v["bank_number"], Holder: v["bank_holder"]},
		Item:        combine.Item{Title: v["item_title"], Category: v["item_category"]},
		Deposit:     v["deposit"] == "on", CancelOrder: v["cancel_order"] == "on", OffPlatform: v["off_platform"] == "on",
	}
	if v["price"] != "" {
		req.Price = combine.Price{Amount: v["price"], Currency: v["currency"]}
	}
	if v["refuses_escrow"] == "on" {
		req.Refuses = []string{"escrow"}
	}
	req.Links = strings.Fields(v["links"])
	for _, c := range []struct{ field, kind string }{{"contact_phone", ""}, {"contact_qq", "qq"}, {"contact_wechat", "wechat"}, {"contact_email", "email"}} {
		if x := v[c.field]; x != "" {
			kind := c.kind
			if kind == "" {
				kind = listing.PhoneKind(x)
			}
			req.Seller.Contacts = append(req.Seller.Contacts, listing.Contact{Kind: kind, Value: x})
			fields = append(fields, c.field)
		}
	}
	return req, fields
}

// wizardField maps a field of the request to the wizard's form field; contacts names the
// form field of each contact.
func wizardField(f string, contacts []string) string {
	if rest, ok := strings.CutPrefix(f, "seller.contacts."); ok {
		if i, err := strconv.Atoi(strings.SplitN(rest, ".", 2)[0]); err == nil && i < len(contacts) {
			return contacts[i]
		}
	}
	switch {
	case f == "price.amount":
		return "price"
	case f == "price.currency":
		return "currency"
	case f == "bank_account.number":
		return "bank_number"
	case strings.HasPrefix(f, "links"):
		return "links"
	}
	return f
}
