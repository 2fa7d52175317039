package knowledge

import (
	"errors"
	"testing"
	"testing/fstest"
)

// An operator's pack is outside input: whatever a file holds, loading either succeeds with a
// pack whose entries pass their checks, or fails with a LoadError; it never panics.
func FuzzLoadOverlay(f *testing.F) {
	f.Add([]byte("tips:\n  - id: a\n    title: {zh-CN: 甲, en: A}\n    body: {zh-CN: 乙, en: B}\n"))
	f.Add([]byte("tips: [{id: a}]"))
	f.Add([]byte("tips:\n  - id: compare_prices\n    title: {zh-CN: x, en: y}\n    body: {zh-CN: x, en: y}\n  - id: compare_prices\n"))
	f.Add([]byte("\t- : ["))
	base := mustEmbedded(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Load(base, fstest.MapFS{"tips.yaml": {Data: data}})
		if err != nil {
			var le *LoadError
			if !errors.As(err, &le) || le.File != "tips.yaml" {
				t.Fatalf("error %v is not a LoadError naming tips.yaml", err)
			}
			return
		}
		for _, tip := range p.Tips {
			var errs fieldErrors
			tip.check(&errs)
			if len(errs) > 0 {
				t.Fatalf("loaded a tip that fails its checks: %+v: %v", tip, errs)
			}
		}
	})
}
