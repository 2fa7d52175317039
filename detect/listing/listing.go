// Package listing judges an offer before the shopper pays: its price against what the same item
// sells for elsewhere, how the seller wants to be paid, and whether the seller can be reached
// and identified the way an honest business can. It follows the warning signs every consumer
// body repeats: a price far below the market; a deposit before shipping; payment outside the
// platform's escrow; a seller reachable only by QQ, e-mail or a mobile number with no fixed
// address; contact details that disagree with each other; a small site with no escrow.
//
// Check is pure: no I/O, safe for concurrent use.
package listing

import (
	"slices"
	"strconv"
	"strings"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/detect/ident"
)

// Payment is how the seller wants to be paid.
type Payment string

// The payment methods Check knows.
const (
	PayEscrow       Payment = "escrow"        // the platform holds the money until delivery (Alipay escrow, JD, Amazon…)
	PayCard         Payment = "card"          // a credit card on the seller's own checkout (chargeback possible)
	PayCOD          Payment = "cod"           // cash on delivery through the platform's order
	PayBankTransfer Payment = "bank_transfer" // a transfer to a bank account
	PayPersonalQR   Payment = "personal_qr"   // a personal Alipay or WeChat QR code or account
	PayGiftCard     Payment = "gift_card"     // gift or game cards
	PayCrypto       Payment = "crypto"        // cryptocurrency
	PayOther        Payment = "other"
)

var payments = map[Payment]bool{PayEscrow: true, PayCard: true, PayCOD: true, PayBankTransfer: true, PayPersonalQR: true, PayGiftCard: true, PayCrypto: true, PayOther: true, "": true}

// Contact kinds that say where a seller really is.
var fixedKinds = map[string]bool{"landline": true, "address": true, "licence": true}

// Contact is one way to reach the seller. Kind is "qq", "wechat", "email", "mobile",
// "landline", "address" or "licence" (a business licence number); Name is the person or
// company it is registered to, when known.
type Contact struct {
	Kind  string `json:"kind"`
	Value string `json:"value,omitempty"`
	Name  string `json:"name,omitempty"`
}

// contactKinds maps the contact kinds that name an identifier the community can report to
// that identifier's kind.
var contactKinds = map[string]shopguard.Kind{
	"mobile": shopguard.KindPhone, "landline": shopguard.KindPhone, "qq": shopguard.KindQQ,
	"wechat": shopguard.KindWeChat, "email": shopguard.KindEmail,
}

// IdentKind returns the kind of identifier the contact's value is (a mobile or landline
// number is a phone), and false for kinds that name none (an address, a licence) or a
// contact without a value.
func (c Contact) IdentKind() (shopguard.Kind, bool) {
	k, ok := contactKinds[c.Kind]
	return k, ok && strings.TrimSpace(c.Value) != ""
}

// PhoneKind returns the contact kind of a phone number: "mobile" for a Chinese mobile number
// or any number abroad (nothing says it is fixed), "landline" for a Chinese number outside the
// mobile ranges (a landline with its area code, a 400/800 service number).
func PhoneKind(number string) string {
	v, err := ident.Canonical(shopguard.KindPhone, number)
	mobile := len(v) == len("+8613812345678") && v[3] == '1' && v[4] >= '3'
	if err == nil && strings.HasPrefix(v, "+86") && !mobile {
		return "landline"
	}
	return "mobile"
}

// Listing is what a shopper knows about an offer. Only Price is required.
type Listing struct {
	Price          string    `json:"price"`                     // "199.00"
	ReferencePrice string    `json:"reference_price,omitempty"` // what the same item sells for on large platforms
	Currency       string    `json:"currency,omitempty"`
	OnPlatform     bool      `json:"on_platform"` // listed on a large platform with buyer protection
	Payment        Payment   `json:"payment,omitempty"`
	Deposit        bool      `json:"deposit,omitempty"`        // a deposit or "guarantee" asked before shipping
	CancelOrder    bool      `json:"cancel_order,omitempty"`   // asked to cancel the platform order and pay another way
	OffPlatform    bool      `json:"off_platform,omitempty"`   // asked to move the chat or the deal off the platform
	Contacts       []Contact `json:"contacts,omitempty"`       // the ways the seller can be reached
	PayeeName      string    `json:"payee_name,omitempty"`     // the holder of the account to pay
	SellerName     string    `json:"seller_name,omitempty"`    // the shop's or company's name as shown
	EscrowOffered  bool      `json:"escrow_offered,omitempty"` // an independent site offers escrow or cash on delivery
	SellerRefusals []string  `json:"refuses,omitempty"`        // what the seller refused: "escrow", "video_call", "invoice"
}

// Limits on a listing: Validate refuses more, and Check reads no more.
const (
	MaxContacts = 20   // contacts
	MaxRefusals = 10   // refusals
	MaxName     = 1024 // bytes of a name
)

// Validate checks the fields a shopper typed.
func (l *Listing) Validate() error {
	switch {
	case len(l.Contacts) > MaxContacts:
		return shopguard.Invalid("contacts", "at most %d contacts, got %d", MaxContacts, len(l.Contacts))
	case len(l.SellerRefusals) > MaxRefusals:
		return shopguard.Invalid("refuses", "at most %d refusals, got %d", MaxRefusals, len(l.SellerRefusals))
	case len(l.SellerName) > MaxName:
		return shopguard.Invalid("seller_name", "at most %d bytes", MaxName)
	case len(l.PayeeName) > MaxName:
		return shopguard.Invalid("payee_name", "at most %d bytes", MaxName)
	case l.Currency != "" && !shopguard.ValidCurrency(l.Currency):
		return shopguard.CheckCurrency("currency", l.Currency)
	}
	if _, err := shopguard.ParseAmount("price", l.Price); err != nil {
		return err
	}
	if l.ReferencePrice != "" {
		ref, err := shopguard.ParseAmount("reference_price", l.ReferencePrice)
		if err != nil {
			return err
		}
		if ref == 0 {
			return shopguard.Invalid("reference_price", "a reference price must be more than zero")
		}
	}
	if !payments[l.Payment] {
		return shopguard.Invalid("payment", "unknown payment %q: want escrow, card, cod, bank_transfer, personal_qr, gift_card, crypto or other", l.Payment)
	}
	for i, c := range l.Contacts {
		switch c.Kind {
		case "qq", "wechat", "email", "mobile", "landline", "address", "licence":
		default:
			return shopguard.Invalid("contacts["+strconv.Itoa(i)+"].kind", "unknown contact kind %q: want qq, wechat, email, mobile, landline, address or licence", c.Kind)
		}
		if len(c.Name) > MaxName {
			return shopguard.Invalid("contacts["+strconv.Itoa(i)+"].name", "at most %d bytes", MaxName)
		}
		if kind, ok := c.IdentKind(); ok {
			if _, err := ident.Canonical(kind, c.Value); err != nil {
				return shopguard.Invalid("contacts["+strconv.Itoa(i)+"].value", "%s: %s", c.Kind, shopguard.ErrorMessage(err))
			}
		}
	}
	return nil
}

// Checked is what a listing check looks at: the price, the way of paying and what the seller
// asks for.
var Checked = []string{"listing.price", "listing.payment", "listing.seller"}

// Check returns the verdict on a listing. The input must have passed Validate; of one that
// did not, Check reads MaxContacts contacts, MaxRefusals refusals and MaxName bytes of each
// name.
func Check(l Listing) shopguard.Assessment {
	l.Contacts = l.Contacts[:min(len(l.Contacts), MaxContacts)]
	l.SellerRefusals = l.SellerRefusals[:min(len(l.SellerRefusals), MaxRefusals)]
	var sig []shopguard.Signal
	var types []string
	add := func(code string, weight int, args map[string]string, scamTypes ...string) {
		sig = append(sig, shopguard.Signal{Code: code, Weight: weight, Args: args})
		for _, t := range scamTypes {
			if !slices.Contains(types, t) {
				types = append(types, t)
			}
		}
	}
	price, _ := shopguard.ParseAmount("price", l.Price)
	if ref, err := shopguard.ParseAmount("reference_price", l.ReferencePrice); err == nil && ref > 0 {
		pct := price * 100 / ref
		args := map[string]string{"percent": strconv.FormatInt(pct, 10)}
		switch {
		case pct < 40:
			add("listing.price_far_below", 40, args, "fake_shop")
		case pct < 70:
			add("listing.price_below", 15, args)
		}
	}
	switch l.Payment {
	case PayBankTransfer, PayPersonalQR:
		add("listing.pay_outside_escrow", 35, map[string]string{"payment": string(l.Payment)}, "off_platform_payment")
	case PayGiftCard, PayCrypto:
		add("listing.pay_untraceable", 60, map[string]string{"payment": string(l.Payment)}, "off_platform_payment")
	case PayEscrow:
		add("listing.pay_escrow", -10, nil)
	}
	if l.Deposit {
		add("listing.deposit_first", 35, nil, "deposit_scam")
	}
	if l.CancelOrder {
		add("listing.cancel_platform_order", 50, nil, "cod_switch")
	}
	if l.OffPlatform {
		add("listing.off_platform", 30, nil, "off_platform_payment")
	}
	if slices.Contains(l.SellerRefusals, "escrow") {
		add("listing.refuses_escrow", 30, nil, "off_platform_payment")
	}
	if !l.OnPlatform && !l.EscrowOffered && l.Payment != PayCard && l.Payment != PayCOD {
		add("listing.small_site_no_escrow", 20, nil, "fake_shop")
	}
	if len(l.Contacts) > 0 && !hasFixed(l.Contacts) && !l.OnPlatform {
		add("listing.contact_only_im", 20, nil, "fake_shop")
	}
	if a, b, ok := namesDisagree(l); ok {
		add("listing.names_disagree", 25, map[string]string{"first": a, "second": b}, "fake_shop")
	}
	return shopguard.Assess(sig, types)
}

func hasFixed(cs []Contact) bool {
	for _, c := range cs {
		if fixedKinds[c.Kind] {
			return true
		}
	}
	return false
}

// namesDisagree finds two names given for the seller (shop, payee, contact holders) that are
// not the same party: neither contains the other once spaces and case are set aside.
func namesDisagree(l Listing) (string, string, bool) {
	var names []string
	for _, n := range append([]string{l.SellerName, l.PayeeName}, contactNames(l.Contacts)...) {
		n = strings.TrimSpace(n[:min(len(n), MaxName)])
		if n != "" {
			names = append(names, n)
		}
	}
	folded := make([]string, len(names))
	for i, n := range names {
		folded[i] = fold(n)
	}
	for i := range names {
		for j := i + 1; j < len(names); j++ {
			a, b := folded[i], folded[j]
			if !strings.Contains(a, b) && !strings.Contains(b, a) {
				return names[i], names[j], true
			}
		}
	}
	return "", "", false
}

func contactNames(cs []Contact) []string {
	out := make([]string, 0, len(cs))
	for _, c := range cs {
		out = append(out, c.Name)
	}
	return out
}

func fold(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(s), ""))
}
