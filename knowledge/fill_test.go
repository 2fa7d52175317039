package knowledge

import (
	"strings"
	"testing"

	"github.com/shopguard/shopguard"
)

// TestFillIsAReplacer: Fill gives what a strings.Replacer of every "{name}" gives.
func TestFillIsAReplacer(t *testing.T) {
	args := map[string]string{"a": "X", "ab": "{a}", "percent": "35", "": "E"}
	for _, s := range []string{"", "plain", "{a}", "{{a}}", "{ab}{a}{b}", "at {percent}% of {b", "{}", "}{a", "中文{a}中文{", "{a}{"} {
		pairs := []string{}
		for k, v := range args {
			pairs = append(pairs, "{"+k+"}", v)
		}
		want := strings.NewReplacer(pairs...).Replace(s)
		if got := (Text{EN: s}).Fill(shopguard.LangEN, args); got != want {
			t.Errorf("Fill(%q) = %q, want %q", s, got, want)
		}
	}
}
