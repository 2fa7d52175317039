package listing

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/internal/lineartest"
	"github.com/shopguard/shopguard/knowledge"
)

func codes(a shopguard.Assessment) []string {
	var out []string
	for _, s := range a.Signals {
		out = append(out, s.Code)
	}
	return out
}

func TestCheck(t *testing.T) {
	cases := []struct {
		name  string
		in    Listing
		risk  shopguard.Risk
		codes []string
		types []string
	}{
		{"ordinary platform purchase", Listing{Price: "5999", ReferencePrice: "6299", OnPlatform: true, Payment: PayEscrow}, shopguard.RiskLow, []string{"listing.pay_escrow"}, nil},
		{"discount on a platform", Listing{Price: "89.00", ReferencePrice: "129.00", OnPlatform: true, Payment: PayEscrow}, shopguard.RiskLow, []string{"listing.price_below", "listing.pay_escrow"}, nil},
		{"independent shop with card checkout and an address", Listing{Price: "120", Payment: PayCard, Contacts: []Contact{{Kind: "email"}, {Kind: "address"}}}, shopguard.RiskLow, nil, nil},
		{"too cheap, transfer, QQ only", Listing{Price: "1200", ReferencePrice: "8999", Payment: PayBankTransfer, Contacts: []Contact{{Kind: "qq"}, {Kind: "mobile"}}},
			shopguard.RiskHigh, []string{"listing.price_far_below", "listing.pay_outside_escrow", "listing.small_site_no_escrow", "listing.contact_only_im"}, []string{"fake_shop", "off_platform_payment"}},
		{"deposit before shipping", Listing{Price: "300", OnPlatform: true, Deposit: true, OffPlatform: true}, shopguard.RiskHigh, []string{"listing.deposit_first", "listing.off_platform"}, []string{"deposit_scam", "off_platform_payment"}},
		{"cancel the order for cash on delivery", Listing{Price: "59", OnPlatform: true, CancelOrder: true}, shopguard.RiskMedium, []string{"listing.cancel_platform_order"}, []string{"cod_switch"}},
		{"payee is someone else", Listing{Price: "2000", OnPlatform: true, Payment: PayPersonalQR, SellerName: "Shenzhen Bright Electronics Co.", PayeeName: "Wang Xiaoming"},
			shopguard.RiskHigh, []string{"listing.pay_outside_escrow", "listing.names_disagree"}, []string{"off_platform_payment", "fake_shop"}},
		{"same name written differently", Listing{Price: "2000", OnPlatform: true, Payment: PayEscrow, SellerName: "Bright Electronics", PayeeName: "Shenzhen bright electronics co"}, shopguard.RiskLow, []string{"listing.pay_escrow"}, nil},
		{"gift cards", Listing{Price: "50", OnPlatform: true, Payment: PayGiftCard}, shopguard.RiskHigh, []string{"listing.pay_untraceable"}, []string{"off_platform_payment"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if err := c.in.Validate(); err != nil {
				t.Fatalf("Validate: %v", err)
			}
			a := Check(c.in)
			got := codes(a)
			for _, want := range c.codes {
				if !slices.Contains(got, want) {
					t.Errorf("signals %v lack %s", got, want)
				}
			}
			if len(got) != len(c.codes) {
				t.Errorf("signals %v, want exactly %v", got, c.codes)
			}
			if a.Risk != c.risk {
				t.Errorf("risk %s (score %d), want %s", a.Risk, a.Score, c.risk)
			}
			for _, ty := range c.types {
				if !slices.Contains(a.ScamTypes, ty) {
					t.Errorf("types %v lack %s", a.ScamTypes, ty)
				}
			}
		})
	}
}

func TestValidate(t *testing.T) {
	cases := []struct {
		in    Listing
		field string
	}{
		{Listing{}, "price"},
		{Listing{Price: "-5"}, "price"},
		{Listing{Price: "1.234"}, "price"},
		{Listing{Price: "abc"}, "price"},
		{Listing{Price: "10", ReferencePrice: "0"}, "reference_price"},
		{Listing{Price: "10", Payment: "barter"}, "payment"},
		{Listing{Price: "10", Contacts: []Contact{{Kind: "pager"}}}, "contacts[0].kind"},
	}
	for _, c := range cases {
		err := c.in.Validate()
		if shopguard.ErrorCode(err) != shopguard.EINVALID || shopguard.ErrorField(err) != c.field {
			t.Errorf("%+v: got %v, want EINVALID on %s", c.in, err, c.field)
		}
	}
}

func FuzzListing(f *testing.F) {
	f.Add(`{"price":"1200","reference_price":"8999","payment":"bank_transfer","contacts":[{"kind":"qq"}]}`)
	f.Add(`{"price":"1.5","seller_name":"a","payee_name":"b"}`)
	f.Add(`{"price":"1","contacts":[{"kind":"mobile","value":"138 1234 5678"},{"kind":"wechat","value":"seller_ok"},{"kind":"qq","value":"12ab"}]}`)
	f.Fuzz(func(t *testing.T, in string) {
		var l Listing
		if json.Unmarshal([]byte(in), &l) != nil || l.Validate() != nil {
			return
		}
		// work budget, counted in allocations per byte of the listing
		lineartest.AllocBudget(t, len(in), 2, 256, func() { Check(l) })
		a := Check(l)
		if a.Score < 0 || a.Score > 100 || a.Risk != shopguard.RiskOf(a.Score) {
			t.Fatalf("bad assessment %+v", a)
		}
	})
}

// Every signal Check can give has an explanation in both languages.
func TestEverySignalIsExplained(t *testing.T) {
	pack, err := knowledge.Default()
	if err != nil {
		t.Fatal(err)
	}
	all := Listing{Price: "1", ReferencePrice: "100", Payment: PayBankTransfer, Deposit: true, CancelOrder: true, OffPlatform: true,
		SellerRefusals: []string{"escrow"}, Contacts: []Contact{{Kind: "qq", Name: "A"}}, PayeeName: "B"}
	seen := codes(Check(all))
	for _, l := range []Listing{{Price: "60", ReferencePrice: "100", Payment: PayEscrow, OnPlatform: true}, {Price: "1", Payment: PayCrypto, OnPlatform: true}} {
		seen = append(seen, codes(Check(l))...)
	}
	if len(seen) < 12 {
		t.Fatalf("only %d signals exercised: %v", len(seen), seen)
	}
	for _, code := range seen {
		st, ok := pack.Signal(code)
		if !ok || st.Explain.ZH == "" || st.Explain.EN == "" {
			t.Errorf("signal %s has no explanation", code)
		}
	}
}

func TestContactValues(t *testing.T) {
	for _, c := range []struct {
		contact Contact
		field   string // of the error, "" for none
	}{
		{Contact{Kind: "mobile", Value: "138 1234 5678"}, ""},
		{Contact{Kind: "qq", Value: "12345678"}, ""},
		{Contact{Kind: "address", Value: "anything at all"}, ""},
		{Contact{Kind: "qq", Value: "12ab"}, "contacts[0].value"},
		{Contact{Kind: "wechat", Value: "一二三"}, "contacts[0].value"},
		{Contact{Kind: "mobile", Value: "123"}, "contacts[0].value"},
	} {
		l := Listing{Price: "10", Contacts: []Contact{c.contact}}
		if got := shopguard.ErrorField(l.Validate()); got != c.field {
			t.Errorf("%+v: error field %q, want %q (%v)", c.contact, got, c.field, l.Validate())
		}
	}
	for number, want := range map[string]string{"13812345678": "mobile", "010-62345678": "landline", "400 123 4567": "landline", "+44 20 7946 0018": "mobile"} {
		if got := PhoneKind(number); got != want {
			t.Errorf("PhoneKind(%s) = %s, want %s", number, got, want)
		}
	}
}

func TestValidateLimits(t *testing.T) {
	l := Listing{Price: "1", Contacts: make([]Contact, MaxContacts+1)}
	for i := range l.Contacts {
		l.Contacts[i] = Contact{Kind: "address", Name: "a"}
	}
	if err := l.Validate(); err == nil || !strings.Contains(err.Error(), "contacts") {
		t.Errorf("%d contacts: %v, want an error about contacts", len(l.Contacts), err)
	}
	l = Listing{Price: "1", SellerName: strings.Repeat("x", MaxName+1)}
	if err := l.Validate(); err == nil || !strings.Contains(err.Error(), "seller_name") {
		t.Errorf("a long seller name: %v, want an error about seller_name", err)
	}
}

// TestCheckIsLinear: Check reads within its limits whatever it is given.
func TestCheckIsLinear(t *testing.T) {
	lineartest.Check(t, []lineartest.Case{
		{Name: "many contacts", Make: func(n int) func() {
			l := Listing{Price: "1", Contacts: make([]Contact, n/8)}
			for i := range l.Contacts {
				l.Contacts[i] = Contact{Kind: "qq", Value: "12345678", Name: strconv.Itoa(i)}
			}
			return func() { Check(l) }
		}},
		{Name: "long names", Make: func(n int) func() {
			l := Listing{Price: "1", SellerName: lineartest.Repeat("ab ", n/2), PayeeName: lineartest.Repeat("ab ", n/2)}
			return func() { Check(l) }
		}},
	})
}

// A listing's currency is an ISO 4217 code in use.
func TestListingCurrency(t *testing.T) {
	for c, ok := range map[string]bool{"": true, "CNY": true, "USD": true, "RMB": false, "XYZ": false} {
		l := Listing{Price: "199", Currency: c}
		if err := l.Validate(); (err == nil) != ok || !ok && shopguard.ErrorField(err) != "currency" {
			t.Errorf("currency %q: %v", c, err)
		}
	}
}
