package ident

// Phone numbers are parsed by a compact parser of our own rather than a full numbering-plan
// library: the product needs the Chinese plan (mobiles, landlines with area code, 400/800
// service numbers) and E.164 for the rest, and the lookup hot path must normalise a number in
// well under a microsecond without allocating.

// appendPhone appends raw as an E.164 number: "+8613812345678".
func appendPhone(dst []byte, raw string, why *fault) ([]byte, bool) {
	var digits [24]byte
	n, plus, ok := phoneDigits(&digits, raw, why)
	if !ok {
		return dst, false
	}
	return appendPhoneDigits(dst, digits[:n], plus, why)
}

// appendPhoneDigits appends as an E.164 number the one whose digits are d, written after a "+"
// when plus is true; a leading "00" is a "+".
func appendPhoneDigits(dst []byte, d []byte, plus bool, why *fault) ([]byte, bool) {
	if !plus && len(d) > 2 && d[0] == '0' && d[1] == '0' {
		d, plus = d[2:], true
	}
	switch {
	case plus && len(d) > 2 && d[0] == '8' && d[1] == '6':
		return appendCN(dst, d[2:], true, why)
	case plus:
		if len(d) < 8 || len(d) > 15 {
			return dst, why.failNum("an international number has 8 to 15 digits after the +, got %d", len(d))
		}
		if d[0] == '0' {
			return dst, why.fail("a country code never starts with 0")
		}
		dst = append(dst, '+')
		return append(dst, d...), true
	case len(d) == 13 && d[0] == '8' && d[1] == '6' && d[2] == '1':
		return appendCN(dst, d[2:], true, why) // 86 13812345678, written without the +
	}
	return appendCN(dst, d, false, why)
}

// phoneDigits collects the digits of raw into digits. Spaces, dashes, dots and brackets
// between them are allowed; a leading "+" marks an international number.
func phoneDigits(digits *[24]byte, raw string, why *fault) (n int, plus bool, ok bool) {
	seen := false
	for _, r := range raw {
		r = fold(r)
		switch {
		case r >= '0' && r <= '9':
			if n == len(digits) {
				return 0, false, why.fail("too many digits for a phone number")
			}
			digits[n] = byte(r)
			n++
			seen = true
		case r == '+' && !seen && !plus:
			plus = true
		case r == ' ' || r == '-' || r == '.' || r == '(' || r == ')' || r == '\t' || r == 0x2010 || r == 0x2013 || r == 0x2014:
		default:
			return 0, false, why.failChar("a phone number holds digits, spaces, dashes and a leading +; found %q", r)
		}
	}
	if n == 0 {
		return 0, false, why.fail("no digits in the phone number")
	}
	return n, plus, true
}

// appendCN appends a Chinese number given in national form (intl: without the trunk 0).
func appendCN(dst []byte, d []byte, intl bool, why *fault) ([]byte, bool) {
	if intl && len(d) > 0 && d[0] == '0' {
		d = d[1:] // +86 010 …: a trunk 0 written by mistake
	}
	switch {
	case len(d) > 0 && d[0] == '1' && (len(d) < 2 || d[1] != '0'):
		if len(d) != 11 {
			return dst, why.failNum("a Chinese mobile number has 11 digits, got %d", len(d))
		}
		if d[1] < '3' {
			return dst, why.failNum("a Chinese mobile number starts with 13 to 19, got %d", int(d[0]-'0')*10+int(d[1]-'0')) // d[0] is 1
		}
	case len(d) > 2 && (string(d[:3]) == "400" || string(d[:3]) == "800"):
		if len(d) != 10 {
			return dst, why.failNum("a 400 or 800 service number has 10 digits, got %d", len(d))
		}
	case !intl && (len(d) == 0 || d[0] != '0'):
		if len(d) == 7 || len(d) == 8 {
			return dst, why.fail("a landline number needs its area code, such as 010 or 0755")
		}
		return dst, why.fail("not a Chinese phone number: a mobile has 11 digits starting with 1, a landline starts with its area code (0…), an international number with +")
	default:
		if !intl {
			d = d[1:]
		}
		if len(d) == 0 || d[0] == '0' {
			return dst, why.fail("a Chinese area code is 0 followed by 2 or 3 digits not starting with 0, such as 010 or 0755")
		}
		area := 3
		if len(d) > 0 && (d[0] == '1' || d[0] == '2') {
			area = 2
		}
		if len(d) > 0 && d[0] == '1' && (len(d) < 2 || d[1] != '0') {
			return dst, why.fail("a landline number starts with its area code; the only one starting with 01 is 010")
		}
		if a := string(d[:min(area, len(d))]); a == "400" || a == "800" {
			return dst, why.fail("0400 and 0800 are not area codes; a 400 or 800 service number has 10 digits and no leading 0")
		}
		sub := len(d) - area
		if sub < 7 || sub > 8 {
			return dst, why.failNum("a landline number has 7 or 8 digits after its area code, got %d", max(sub, 0))
		}
		if d[area] == '0' || d[area] == '1' {
			return dst, why.fail("a landline number after its area code does not start with 0 or 1")
		}
	}
	dst = append(dst, "+86"...)
	return append(dst, d...), true
}

// maskPhone shows a Chinese number as it is written at home with its middle hidden
// ("138****5678", "010-****1234"); 400/800 numbers, which belong to businesses, stay whole;
// other numbers keep their country code and last four digits.
func maskPhone(v string) string {
	if len(v) < 8 || v[0] != '+' {
		return stars(len(v))
	}
	if v[1:3] == "86" {
		n := v[3:]
		switch {
		case n[0] == '1' && len(n) == 11:
			return n[:3] + "****" + n[7:]
		case len(n) >= 3 && (n[:3] == "400" || n[:3] == "800"):
			return n
		}
		area := 3
		if n[0] == '1' || n[0] == '2' {
			area = 2
		}
		if len(n) > area+4 {
			return "0" + n[:area] + "-" + stars(len(n)-area-4) + n[len(n)-4:]
		}
	}
	return v[:3] + stars(len(v)-7) + v[len(v)-4:]
}

func stars(n int) string {
	const s = "********************************"
	return s[:min(max(n, 1), len(s))]
}
