package shopguard

import "testing"

func TestCurrencyISO4217(t *testing.T) {
	for _, c := range []string{"CNY", "USD", "EUR", "HKD", "JPY", "TWD", "GBP"} {
		if !ValidCurrency(c) {
			t.Errorf("%s refused", c)
		}
	}
	for _, c := range []string{"RMB", "ABC", "XAU", "cny", "", "CNYY", "#"} {
		if err := CheckCurrency("currency", c); ErrorCode(err) != EINVALID || ErrorField(err) != "currency" {
			t.Errorf("%q: %v", c, err)
		}
	}
	if n := len(currencies()); n < 150 || n > 200 {
		t.Errorf("%d currencies in the list", n)
	}
}
