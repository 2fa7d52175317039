package http

import (
	"io/fs"
	"regexp"
	"testing"

	"github.com/shopguard/shopguard"
)

// Every key a template uses exists in both catalogs, and the catalogs hold the same keys.
func TestCatalogsCoverTemplates(t *testing.T) {
	u, err := newUI()
	if err != nil {
		t.Fatal(err)
	}
	zh, en := u.catalogs[shopguard.LangZH], u.catalogs[shopguard.LangEN]
	for k := range zh {
		if _, ok := en[k]; !ok {
			t.Errorf("key %q is in zh-CN but not in en", k)
		}
	}
	for k := range en {
		if _, ok := zh[k]; !ok {
			t.Errorf("key %q is in en but not in zh-CN", k)
		}
	}
	use := regexp.MustCompile(`\.T(?:f)? "([a-z0-9_.]+)"`)
	names, _ := fs.Glob(uiFiles, "ui/templates/*.html")
	partials, _ := fs.Glob(uiFiles, "ui/templates/partials/*.html")
	names = append(names, partials...)
	for _, name := range names {
		b, _ := fs.ReadFile(uiFiles, name)
		for _, m := range use.FindAllStringSubmatch(string(b), -1) {
			if _, ok := en[m[1]]; !ok {
				t.Errorf("%s uses %q, which no catalog has", name, m[1])
			}
		}
	}
}
