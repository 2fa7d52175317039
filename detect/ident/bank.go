package ident

// appendBankAccount appends the digits of a bank card or account: 10 to 25 digits, spaces and
// dashes dropped. A number that is a payment card of a known network (see Card) must pass the
// Luhn check; other accounts (company accounts, old passbooks) have no check digit to test.
func appendBankAccount(dst []byte, raw string, why *fault) ([]byte, bool) {
	start := len(dst)
	dst, ok := appendDigits(dst, raw, "a bank card or account number", why)
	if !ok {
		return dst, false
	}
	d := dst[start:]
	if len(d) < 10 || len(d) > 25 {
		return dst[:start], why.failNum("a bank card or account number has 10 to 25 digits, got %d", len(d))
	}
	if network := cardNetwork(d); network != "" && !luhn(d) {
		return dst[:start], why.failStr("this %s card number fails its check digit (Luhn): a digit is probably mistyped", network)
	}
	return dst, true
}

// luhn reports whether the digits d pass the Luhn check.
func luhn(d []byte) bool {
	sum := 0
	for i := len(d) - 1; i >= 0; i-- {
		n := int(d[i] - '0')
		if (len(d)-1-i)%2 == 1 {
			n *= 2
			if n > 9 {
				n -= 9
			}
		}
		sum += n
	}
	return sum%10 == 0
}

// CardInfo is what the number of a payment card tells: its network and, for the large Chinese
// banks whose card prefixes are well known, its issuer.
type CardInfo struct {
	Network string `json:"network"`        // "unionpay", "visa", "mastercard", "jcb" or "amex"
	Bank    string `json:"bank,omitempty"` // a short bank code such as "icbc", or "" when unknown
}

// Card returns what the canonical bank account v tells as a payment card, and false when it is
// not the number of a card of a known network with a valid check digit.
func Card(v string) (CardInfo, bool) {
	d := []byte(v)
	network := cardNetwork(d)
	if network == "" || !luhn(d) {
		return CardInfo{}, false
	}
	info := CardInfo{Network: network}
	for _, b := range bankBINs {
		if len(v) >= len(b.prefix) && v[:len(b.prefix)] == b.prefix {
			info.Bank = b.bank
			break
		}
	}
	return info, true
}

// cardNetwork names the card network of the digits d by prefix and length, or "" when d is not
// shaped like a card of one of them.
func cardNetwork(d []byte) string {
	n := len(d)
	if n < 13 {
		return ""
	}
	p2 := int(d[0]-'0')*10 + int(d[1]-'0')
	p4 := p2*100 + int(d[2]-'0')*10 + int(d[3]-'0')
	switch {
	case p2 == 62 && n >= 16 && n <= 19:
		return "unionpay"
	case d[0] == '4' && (n == 13 || n == 16 || n == 19):
		return "visa"
	case (p2 >= 51 && p2 <= 55 || p4 >= 2221 && p4 <= 2720) && n == 16:
		return "mastercard"
	case p4 >= 3528 && p4 <= 3589 && n >= 16 && n <= 19:
		return "jcb"
	case (p2 == 34 || p2 == 37) && n == 15:
		return "amex"
	}
	return ""
}

// bankBINs are card prefixes of large Chinese banks that are widely published and stable.
// Only prefixes we are sure of are listed; any other card is known by its network alone.
var bankBINs = []struct{ prefix, bank string }{
	{"622202", "icbc"},  // 工商银行 牡丹灵通卡
	{"622848", "abc"},   // 农业银行 金穗借记卡
	{"622700", "ccb"},   // 建设银行 龙卡储蓄卡
	{"436742", "ccb"},   // 建设银行 龙卡
	{"622588", "cmb"},   // 招商银行 一卡通
	{"622262", "bocom"}, // 交通银行 太平洋借记卡
}
