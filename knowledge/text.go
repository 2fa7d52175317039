package knowledge

import (
	"strings"

	"github.com/shopguard/shopguard"
)

// Text is a text of the product in each of its languages. Both are required.
type Text struct {
	ZH string `yaml:"zh-CN" json:"zh-CN"`
	EN string `yaml:"en" json:"en"`
}

// Get returns the text in lang, falling back to Chinese.
func (t Text) Get(lang shopguard.Lang) string {
	if lang == shopguard.LangEN && t.EN != "" {
		return t.EN
	}
	return t.ZH
}

// Fill returns the text in lang with every {name} replaced by args[name].
func (t Text) Fill(lang shopguard.Lang, args map[string]string) string {
	s := t.Get(lang)
	if len(args) == 0 || !strings.Contains(s, "{") {
		return s
	}
	// One pass, leftmost first, as a strings.Replacer of every "{name}" would do, without
	// building one per call.
	var b strings.Builder
	b.Grow(len(s) + 16)
	for {
		i := strings.IndexByte(s, '{')
		if i < 0 {
			break
		}
		b.WriteString(s[:i])
		if j := strings.IndexByte(s[i+1:], '}'); j >= 0 {
			if v, ok := args[s[i+1:i+1+j]]; ok {
				b.WriteString(v)
				s = s[i+2+j:]
				continue
			}
		}
		b.WriteByte('{')
		s = s[i+1:]
	}
	b.WriteString(s)
	return b.String()
}

func (t Text) check(path string, errs *fieldErrors) {
	if strings.TrimSpace(t.ZH) == "" {
		errs.add(path+".zh-CN", "missing Chinese text")
	}
	if strings.TrimSpace(t.EN) == "" {
		errs.add(path+".en", "missing English text")
	}
}

func checkTexts(path string, ts []Text, min int, errs *fieldErrors) {
	if len(ts) < min {
		errs.add(path, "needs at least %d entries", min)
	}
	for i, t := range ts {
		t.check(path+"."+itoa(i), errs)
	}
}
