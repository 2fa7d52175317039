package shopguard_test

import (
	"strings"
	"testing"
	"time"

	"github.com/shopguard/shopguard"
)

func TestParseYuan(t *testing.T) {
	good := map[string]int64{"": 0, "3299": 329900, "3299.5": 329950, "3,299.50": 329950, "¥ 12.05": 1205, "100元": 10000, "0.01": 1}
	for in, want := range good {
		if got, err := shopguard.ParseYuan(in); err != nil || got != want {
			t.Errorf("ParseYuan(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"12abc", "1.234", "-5", ".5", "1e9", "99999999999", "1.2.3"} {
		if _, err := shopguard.ParseYuan(in); shopguard.ErrorCode(err) != shopguard.EINVALID || shopguard.ErrorField(err) != "amount" {
			t.Errorf("ParseYuan(%q) = %v; want an invalid amount", in, err)
		}
	}
}

func FuzzParseYuan(f *testing.F) {
	for _, s := range []string{"3299.00", "¥1,000", "0.1", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fen, err := shopguard.ParseYuan(s)
		if err != nil {
			return
		}
		if fen < 0 || fen > shopguard.MaxAmountFen {
			t.Fatalf("ParseYuan(%q) = %d, out of range", s, fen)
		}
		if back, err := shopguard.ParseYuan(shopguard.FormatFen(fen)); err != nil || back != fen {
			t.Fatalf("round trip of %d: %d %v", fen, back, err)
		}
	})
}

func TestTriageValidate(t *testing.T) {
	now := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	ok := shopguard.Triage{Culprit: "impostor", Payment: "card", PaidOn: "2026-11-26", Evidence: []shopguard.EvidenceKind{"chat"}}
	if err := ok.Validate(now); err != nil {
		t.Fatal(err)
	}
	if err := (&shopguard.Triage{}).Validate(now); err != nil {
		t.Fatalf("an empty triage is a valid partial answer: %v", err)
	}
	bad := map[string]shopguard.Triage{
		"culprit":    {Culprit: "alien"},
		"payment":    {Payment: "barter"},
		"paid_on":    {PaidOn: "26/11/2026"},
		"noticed_on": {NoticedOn: "2027-01-01"},
		"amount_fen": {AmountFen: -1},
		"evidence":   {Evidence: []shopguard.EvidenceKind{"rumour"}},
		"what":       {What: strings.Repeat("字", shopguard.MaxTriageText+1)},
		"order_ref":  {OrderRef: strings.Repeat("1", shopguard.MaxTriageField+1)},
	}
	for field, tr := range bad {
		if err := tr.Validate(now); shopguard.ErrorField(err) != field {
			t.Errorf("%s: got %v", field, err)
		}
	}
}

func TestParseAmount(t *testing.T) {
	for in, want := range map[string]int64{"199": 19900, "199.5": 19950, "1,299.00": 129900, " 0.01 ": 1, "0": 0, "¥3299元": 329900} {
		if got, err := shopguard.ParseAmount("price", in); err != nil || got != want {
			t.Errorf("ParseAmount(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "-5", "1.234", "1.", "abc", "1e5", "12345678901"} {
		if _, err := shopguard.ParseAmount("price", in); shopguard.ErrorCode(err) != shopguard.EINVALID || shopguard.ErrorField(err) != "price" {
			t.Errorf("ParseAmount(%q) = %v; want an invalid price", in, err)
		}
	}
}
