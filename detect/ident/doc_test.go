package ident_test

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/detect/ident"
)

// The canonical forms and lookup keys that docs/api.md shows are the ones the code makes.
func TestCanonicalFormsDocumented(t *testing.T) {
	doc, err := os.ReadFile("../../docs/api.md")
	if err != nil {
		t.Fatal(err)
	}
	rows := regexp.MustCompile("(?m)^\\| `([a-z_]+)` \\| `([^`]+)` \\| `([^`]+)` \\| `([0-9a-f]{5})` \\|$").FindAllStringSubmatch(string(doc), -1)
	kinds := map[shopguard.Kind]bool{}
	for _, r := range rows {
		kind := shopguard.Kind(r[1])
		kinds[kind] = true
		c, err := ident.Canonical(kind, r[2])
		if err != nil || c != r[3] {
			t.Errorf("%s %q: canonical %q (%v), the docs say %q", kind, r[2], c, err, r[3])
			continue
		}
		if h := ident.HashHex(kind, c); !strings.HasPrefix(h, r[4]) {
			t.Errorf("%s %q: key %s, the docs say %s…", kind, c, h[:5], r[4])
		}
	}
	for _, k := range shopguard.Kinds {
		if !kinds[k] {
			t.Errorf("docs/api.md has no example of kind %s", k)
		}
	}
}
