package testenv

import (
	"regexp"
	"strings"
	"testing"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/detect/ident"
)

// keyRE matches an API key (sg_…) or a case key (sgc_…).
var keyRE = regexp.MustCompile(`\bsgc?_[A-Za-z0-9_-]{8,}`)

// requestIDRE matches the server's own random request id, in text or JSON logs: its digits
// can look like a phone or bank number, and it names no one.
var requestIDRE = regexp.MustCompile(`request_id"?[=:]"?[0-9A-Za-z]+`)

// personal are the kinds of identifier that name or reach a person.
var personal = map[shopguard.Kind]bool{
	shopguard.KindPhone: true, shopguard.KindEmail: true, shopguard.KindQQ: true, shopguard.KindWeChat: true,
	shopguard.KindBankAccount: true, shopguard.KindAlipay: true,
}

// PersonalData returns the lines of log that hold a phone number, an e-mail address, a QQ,
// WeChat, bank or Alipay account, an API or case key, or any of texts (such as the case
// narratives a test wrote).
func PersonalData(log string, texts ...string) []string {
	var bad []string
	for _, raw := range strings.Split(log, "\n") {
		line := requestIDRE.ReplaceAllString(raw, "request_id=")
		hit := keyRE.MatchString(line)
		for _, m := range ident.Extract(line) {
			hit = hit || personal[m.Kind]
		}
		for _, t := range texts {
			hit = hit || (t != "" && strings.Contains(line, t))
		}
		if hit {
			bad = append(bad, raw)
		}
	}
	return bad
}

// NoPersonalData fails tb if a line of log holds personal data (see PersonalData).
func NoPersonalData(tb testing.TB, log string, texts ...string) {
	tb.Helper()
	if bad := PersonalData(log, texts...); len(bad) > 0 {
		tb.Errorf("%d log lines hold personal data, such as:\n%s", len(bad), bad[0])
	}
}
