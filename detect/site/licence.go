package site

import (
	"strings"

	"github.com/shopguard/shopguard/internal/lazyre"
)

// provinces are the one-character abbreviations that begin an ICP filing number.
const provinces = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"

// icpRE finds anything written like an ICP filing or licence number, well formed or not, so
// that a malformed one is caught too: an optional character, "ICP", the kind (备 filing, 证
// licence), digits, 号 and a site number. Compiled at its first use, not at every start of
// the program (its character classes take milliseconds).
var icpRE = lazyre.New(`(?i)(\p{Han})?\s*ICP\s*(备案|备|證|证|備)?\s*(?:号|號)?\s*[:：]?\s*(\d*)\s*(号|號)?(-\d{1,3})?`)

// ICP is an ICP number found on a page: as written, and whether it has the form of a real one.
type ICP struct {
	Text  string `json:"text"`
	Valid bool   `json:"valid"`
}

// findICP returns the ICP numbers written in text, at most 5.
func findICP(text string) []ICP {
	var out []ICP
	for _, m := range icpRE().FindAllStringSubmatch(text, 5) {
		out = append(out, ICP{Text: strings.TrimSpace(m[0]), Valid: validICP(m[1], m[2], m[3], m[4])})
	}
	return out
}

// validICP reports whether the parts of an ICP number have the form the MIIT gives: a
// province, 备 with 6 to 8 digits (a filing, 京ICP备12345678号) or 证 with 6 digits (a
// commercial licence, 京ICP证000000号), and 号.
func validICP(province, kind, digits, hao string) bool {
	if province == "" || !strings.Contains(provinces, province) || hao == "" {
		return false
	}
	switch kind {
	case "备":
		return len(digits) >= 6 && len(digits) <= 8
	case "证":
		return len(digits) == 6
	}
	return false
}

// uscc is the alphabet of the unified social credit code (GB 32100-2015): digits and the
// capitals without I, O, S, V and Z; a character's value is its index.
const uscc = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// usccWeights are the weights of the first 17 characters: 3^i mod 31.
var usccWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// ValidUSCC reports whether code is a unified social credit code: 18 characters of its
// alphabet whose last is the check character of the first 17 (GB 32100-2015).
func ValidUSCC(code string) bool {
	if len(code) != 18 {
		return false
	}
	sum := 0
	for i := range 17 {
		v := strings.IndexByte(uscc, code[i])
		if v < 0 {
			return false
		}
		sum += v * usccWeights[i]
	}
	check := (31 - sum%31) % 31
	return code[17] == uscc[check]
}

// licenceRE finds a business licence number after the words that introduce it (compiled at
// its first use, as icpRE).
var licenceRE = lazyre.New(`(?:统一社会信用代码|社会信用代码|信用代码|营业执照注册号|营业执照号码|营业执照号|营业执照|注册号)\s*[:：]?\s*([0-9A-Za-z]{8,24})`)

// Licence is a business licence number found on a page and whether its check character is right.
type Licence struct {
	Code  string `json:"code"`
	Valid bool   `json:"valid"`
}

// findLicences returns the licence numbers introduced in text, at most 5. An 18-character
// code must pass the check; a 15-digit one is the registration number used before 2015.
func findLicences(text string) []Licence {
	var out []Licence
	for _, m := range licenceRE().FindAllStringSubmatch(text, 5) {
		c := strings.ToUpper(m[1])
		out = append(out, Licence{Code: c, Valid: ValidUSCC(c) || len(c) == 15 && allDigits(c)})
	}
	return out
}

func allDigits(s string) bool {
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
