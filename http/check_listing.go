package http

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/detect/listing"
)

// explained fills an assessment's messages and advice in the request's language.
func (s *Server) explained(r *http.Request, a shopguard.Assessment) shopguard.Assessment {
	a.Explain(s.Knowledge, stateOf(r).lang)
	return a
}

func (s *Server) handleCheckListing(w http.ResponseWriter, r *http.Request) error {
	var l listing.Listing
	if err := decodeJSON(r, &l); err != nil {
		return err
	}
	if err := l.Validate(); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, s.explained(r, s.checks().Listing(l)))
	return nil
}

// sellerPage is the data of the "Check a seller" page: the form as filled (Values holds the
// contact details typed, by form field) and, after a check, the verdict.
type sellerPage struct {
	Form   listing.Listing
	Values map[string]string
	Result *shopguard.Assessment
	Error  string
	Field  string
}

// contactFields are the form fields where a seller's number or account may be typed, and the
// contact kind of each ("" for a phone: mobile or landline, by the number).
var contactFields = []struct{ field, kind string }{
	{"contact_phone", ""}, {"contact_qq", "qq"}, {"contact_wechat", "wechat"},
}

func (s *Server) handleSellerPage(w http.ResponseWriter, r *http.Request) error {
	s.render(w, r, http.StatusOK, "check_seller", "seller.title", sellerPage{Form: listing.Listing{OnPlatform: true}})
	return nil
}

func (s *Server) handleSellerForm(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return shopguard.Invalid("", "unreadable form: %v", err)
	}
	f := r.PostForm
	l := listing.Listing{
		Price: f.Get("price"), ReferencePrice: f.Get("reference_price"),
		OnPlatform: f.Get("on_platform") == "on", Payment: listing.Payment(f.Get("payment")),
		Deposit: f.Get("deposit") == "on", CancelOrder: f.Get("cancel_order") == "on", OffPlatform: f.Get("off_platform") == "on",
		EscrowOffered: f.Get("escrow_offered") == "on",
		SellerName:    strings.TrimSpace(f.Get("seller_name")), PayeeName: strings.TrimSpace(f.Get("payee_name")),
	}
	if f.Get("refuses_escrow") == "on" {
		l.SellerRefusals = append(l.SellerRefusals, "escrow")
	}
	for _, kind := range f["contact"] {
		l.Contacts = append(l.Contacts, listing.Contact{Kind: kind})
	}
	// A value typed fills the contact of its kind, ticked or not. Nothing typed is stored or
	// logged: it is looked up in the reputation index and shown back in the form only.
	values, fieldOf := map[string]string{}, map[string]string{}
	for _, cf := range contactFields {
		v := strings.TrimSpace(f.Get(cf.field))
		if v == "" {
			continue
		}
		values[cf.field] = v
		kind := cf.kind
		if kind == "" {
			kind = listing.PhoneKind(v)
		}
		i := slices.IndexFunc(l.Contacts, func(c listing.Contact) bool { return c.Kind == kind && c.Value == "" })
		if i < 0 {
			i = len(l.Contacts)
			l.Contacts = append(l.Contacts, listing.Contact{Kind: kind})
		}
		l.Contacts[i].Value = v
		fieldOf["contacts["+strconv.Itoa(i)+"].value"] = cf.field
	}
	d := sellerPage{Form: l, Values: values}
	if err := l.Validate(); err != nil {
		d.Field = shopguard.ErrorField(err)
		if ff, ok := fieldOf[d.Field]; ok {
			d.Field = ff
			err = shopguard.Invalid(ff, "%s", shopguard.ErrorMessage(err))
		}
		d.Error = s.sayError(r, err, sellerLabels)
		s.render(w, r, http.StatusBadRequest, "check_seller", "seller.title", d)
		return nil
	}
	a := s.explained(r, s.checks().Listing(l))
	d.Result = &a
	s.render(w, r, http.StatusOK, "check_seller", "seller.title", d)
	return nil
}

// HasContact reports whether the form lists a contact of the kind.
func (p sellerPage) HasContact(kind string) bool {
	for _, c := range p.Form.Contacts {
		if c.Kind == kind {
			return true
		}
	}
	return false
}
