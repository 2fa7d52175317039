package shopguard

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
)

// currencyList is the ISO 4217 list of the currencies in use.
//
//go:embed currencies.txt
var currencyList string

// currencies holds the codes of currencyList, read at its first use.
var currencies = sync.OnceValue(func() map[string]bool {
	m := map[string]bool{}
	for _, l := range strings.Split(currencyList, "\n") {
		if strings.HasPrefix(l, "#") {
			continue
		}
		for _, c := range strings.Fields(l) {
			m[c] = true
		}
	}
	return m
})

// Money is an amount in a currency, the one form the API answers money in:
// {"amount":"3299.00","currency":"CNY"}.
type Money struct {
	Amount   string `json:"amount"`   // a decimal with two places
	Currency string `json:"currency"` // an ISO 4217 code
}

// YuanMoney returns fen as Money in CNY, or nil for none (0).
func YuanMoney(fen int64) *Money {
	if fen <= 0 {
		return nil
	}
	return &Money{Amount: FormatFen(fen), Currency: "CNY"}
}

// ValidCurrency reports whether code is the ISO 4217 code of a currency in use, such as CNY.
func ValidCurrency(code string) bool { return currencies()[code] }

// CheckCurrency returns an EINVALID error about field unless code is a currency in use.
func CheckCurrency(field, code string) error {
	if !ValidCurrency(code) {
		return Invalid(field, "a currency is an ISO 4217 code such as CNY, USD or EUR, got %q", code)
	}
	return nil
}

// ParseAmount reads a non-negative amount of money as people write it ("3299", "3,299.50",
// "¥3299", "3299元") and returns it in hundredths (fen, cents), or an EINVALID error about
// field. An empty amount is an error.
func ParseAmount(field, s string) (int64, error) {
	s = strings.NewReplacer(",", "", "，", "", "¥", "", "￥", "", "元", "", " ", "").Replace(s)
	bad := Invalid(field, "write the amount as a number such as 3299.00, got %q", s)
	whole, frac, hasFrac := strings.Cut(s, ".")
	if whole == "" || (hasFrac && frac == "") || len(frac) > 2 || strings.Trim(whole, "0123456789") != "" || strings.Trim(frac, "0123456789") != "" || len(whole) > 10 {
		return 0, bad
	}
	var fen int64
	for _, c := range whole + (frac + "00")[:2] {
		fen = fen*10 + int64(c-'0')
	}
	if fen > MaxAmountFen {
		return 0, Invalid(field, "the amount must be at most %s", FormatFen(MaxAmountFen))
	}
	return fen, nil
}

// ParseYuan reads an optional amount in yuan into fen: empty is 0, anything else as
// ParseAmount, with errors about field "amount".
func ParseYuan(s string) (int64, error) {
	if strings.TrimSpace(s) == "" {
		return 0, nil
	}
	return ParseAmount("amount", s)
}

// FormatFen writes an amount in fen as yuan with two decimals ("1234.50").
func FormatFen(fen int64) string {
	sign := ""
	if fen < 0 {
		sign, fen = "-", -fen
	}
	return fmt.Sprintf("%s%d.%02d", sign, fen/100, fen%100)
}

// MarshalJSON writes the triage answers with the amount also as Money ("money"), the form
// every API answer gives money in.
func (t Triage) MarshalJSON() ([]byte, error) {
	type plain Triage
	return json.Marshal(struct {
		plain
		Money *Money `json:"money,omitempty"`
	}{plain(t), YuanMoney(t.AmountFen)})
}

// MarshalJSON writes the report with its amount also as Money ("money").
func (r Report) MarshalJSON() ([]byte, error) {
	type plain Report
	var m *Money
	if r.Amount != "" {
		m = &Money{Amount: r.Amount, Currency: r.Currency}
	}
	return json.Marshal(struct {
		plain
		Money *Money `json:"money,omitempty"`
	}{plain(r), m})
}
