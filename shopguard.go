// Package shopguard holds the domain of the shopguard system: the verdicts its detectors give
// (Signal, Assessment, Risk), the accounts that use it, the error codes every part shares, and
// the store interfaces that the storage engines implement.
//
// Everything else is a subpackage named for its job: knowledge (the embedded, validated
// knowledge base), detect/... (pure detectors), sqlite and postgres (storage), http (API and
// web UI) and cmd/shopguard (the binary).
package shopguard

// Version is the version of the shopguard program, set at build time with
// -ldflags "-X github.com/shopguard/shopguard.Version=…".
var Version = "dev"

// Lang is a language tag the product speaks. Only LangZH and LangEN are supported.
type Lang string

// The languages every text of the product exists in.
const (
	LangZH Lang = "zh-CN"
	LangEN Lang = "en"
)

// Langs lists the supported languages, the default first.
var Langs = []Lang{LangZH, LangEN}

// ParseLang returns the supported language named by s ("zh", "zh-CN", "zh-Hans", "en",
// "en-US"…) and false when s names none.
func ParseLang(s string) (Lang, bool) {
	switch {
	case len(s) >= 2 && (s[:2] == "zh" || s[:2] == "ZH"):
		return LangZH, true
	case len(s) >= 2 && (s[:2] == "en" || s[:2] == "EN"):
		return LangEN, true
	}
	return "", false
}
