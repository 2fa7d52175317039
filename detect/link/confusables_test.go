package link

import (
	"testing"
	"unicode/utf8"

	"github.com/mtibben/confusables"
)

// TestSkeletonIsConfusables holds skeleton, on its copy of the table, to the package it was
// copied from: every character alone and in a word, and strings that are not UTF-8.
func TestSkeletonIsConfusables(t *testing.T) {
	check := func(s string) {
		t.Helper()
		if got, want := skeleton(s), confusables.Skeleton(s); got != want {
			t.Fatalf("skeleton(%+q) = %+q, confusables.Skeleton %+q", s, got, want)
		}
	}
	for r := rune(0); r <= utf8.MaxRune; r++ {
		if r >= 0xD800 && r <= 0xDFFF {
			continue
		}
		check(string(r))
		if r%7 == 0 {
			check("pa" + string(r) + "ypal")
		}
	}
	for _, s := range []string{"", "\xff", "a\xc3", "аррӏе", "ｐａｙｐａｌ", "ɢoogle", "micr0soft", "tаobаo京东"} {
		check(s)
	}
}
