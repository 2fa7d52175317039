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
