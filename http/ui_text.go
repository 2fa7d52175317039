package http

import (
	"html/template"
	"strings"

	"github.com/shopguard/shopguard/internal/lazyre"
)

// codeWord is a value of the API written as the code writes it: words joined by "_".
var codeWord = lazyre.New(`\b[a-z]+(?:_[a-z]+)+\b`)

// Code returns text with the API's values in it (bank_account, needs_info) set as code, so
// that a reader sees them as what to send, not as words.
func (p page) Code(text string) template.HTML {
	var b strings.Builder
	last := 0
	for _, m := range codeWord().FindAllStringIndex(text, -1) {
		b.WriteString(template.HTMLEscapeString(text[last:m[0]]))
		b.WriteString("<code>" + template.HTMLEscapeString(text[m[0]:m[1]]) + "</code>")
		last = m[1]
	}
	b.WriteString(template.HTMLEscapeString(text[last:]))
	return template.HTML(b.String())
}

// hotlines are the numbers a victim may be told to call, as the texts write them, with the
// address a phone dials: mainland China's police, anti-fraud, consumer, government-service,
// internet-report and court lines, and the lines abroad that the knowledge names.
var hotlines = map[string]string{
	"110": "110", "96110": "96110", "12315": "12315", "12345": "12345", "12377": "12377",
	"12368": "12368", "12321": "12321", "010-12321": "010-12321", "0300 123 2040": "+44-300-123-2040",
}

// numberRun is a run of digits that may be a phone number written with spaces or dashes.
var numberRun = lazyre.New(`\d(?:[\d -]*\d)?`)

// Call returns text with the hotline numbers in it as tap-to-call (tel:) links. A number that
// is part of a longer number, an address or a date stays text.
func (p page) Call(text string) template.HTML {
	var b strings.Builder
	last := 0
	for _, m := range numberRun().FindAllStringIndex(text, -1) {
		lo, hi := m[0], m[1]
		tel, ok := hotlines[text[lo:hi]]
		if !ok || (lo > 0 && strings.ContainsRune("./:-", rune(text[lo-1]))) || (hi < len(text) && strings.ContainsRune("./:-", rune(text[hi]))) {
			continue
		}
		b.WriteString(template.HTMLEscapeString(text[last:lo]))
		b.WriteString(`<a class="tel" href="tel:` + tel + `">` + template.HTMLEscapeString(text[lo:hi]) + `</a>`)
		last = hi
	}
	b.WriteString(template.HTMLEscapeString(text[last:]))
	return template.HTML(b.String())
}
