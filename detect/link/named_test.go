package link

import (
	"strings"
	"testing"
)

// FuzzNotSender feeds any text around a fixed foreign link: the check must not panic, and
// a signal it gives must name a brand that the text holds (in some case) and the link's site.
func FuzzNotSender(f *testing.F) {
	for _, s := range []string{"USPS: parcel on hold", "【顺丰速运】【", "ups UPS Ups", "PayPal" + strings.Repeat(" x", 600), "】【京东"} {
		f.Add(s)
	}
	a := mustAnalyzer(f, nil)
	l, err := Parse("https://parcel-desk.info/a")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, text string) {
		s, ok := a.NotSender(text, l, false)
		if !ok {
			return
		}
		if s.Code != CodeNotSender || s.Args["site"] != "parcel-desk.info" || s.Weight != wNotSender {
			t.Fatalf("NotSender(%q) = %+v", text, s)
		}
	})
}

// TestNotSenderArchivedCopy checks that a web archive's copy of the named brand's own page is
// not taken for a link away from the sender, while a copy of another site still is.
func TestNotSenderArchivedCopy(t *testing.T) {
	a := mustAnalyzer(t, nil)
	const text = "HSBC: to find a branch near you, see "
	for _, tc := range []struct {
		url  string
		away bool
	}{
		{"https://web.archive.org/web/20200406042559/https://www.hsbc.co.uk/branch-finder", false},
		{"https://web.archive.org/web/20200406042559/https://hsbc-branch.example.top/", true},
		{"https://hsbc-branch.example.top/", true},
	} {
		l, err := Parse(tc.url)
		if err != nil {
			t.Fatal(err)
		}
		if _, away := a.NotSender(text+tc.url, l, true); away != tc.away {
			t.Errorf("%s: link.not_sender %v, want %v", tc.url, away, tc.away)
		}
	}
}
