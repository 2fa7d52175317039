package text

import (
	"strings"
	"sync"
)

// aliases are the spellings chats use to dodge filters, by the normalised word they stand
// for: abbreviations of pinyin initials, homophones and look-alikes. Every pattern holding
// the word is also compiled with each alias in its place, so the automaton finds them at no
// extra cost per byte.
var aliases = []struct {
	word string
	alts []string
}{
	{"微信", []string{"vx", "v信", "wx", "威信", "薇信", "徽信", "维信", "围信", "weixin", "wechat"}},
	{"qq", []string{"扣扣", "企鹅号", "q号"}},
	{"加微", []string{"加v", "加vx", "加wx", "家v", "加威", "加薇"}},
	{"支付宝", []string{"zfb", "支fu宝", "吱付宝"}},
	{"银行卡", []string{"yhk", "银hang卡"}},
	{"验证码", []string{"yzm", "验正码", "验症码", "驗証码"}},
	{"转账", []string{"转帐", "转zhang", "zhuan账"}},
	{"客服", []string{"kf"}},
	{"二维码", []string{"2维码", "ewm"}},
	{"退款", []string{"退kuan", "tui款"}},
}

// maxVariants bounds the spellings one pattern may expand into.
const maxVariants = 64

// normAliases returns aliases normalised, as patterns are: done once, not for every pattern.
var normAliases = sync.OnceValue(func() [][]string {
	out := make([][]string, len(aliases))
	for i, al := range aliases {
		out[i] = append(out[i], normalizeString(al.word))
		for _, a := range al.alts {
			out[i] = append(out[i], normalizeString(a))
		}
	}
	return out
})

// expandAliases returns p (normalised) and its spellings with aliases in place of the words
// they stand for.
func expandAliases(p string) []string {
	out := []string{p}
	for _, al := range normAliases() {
		w, alts := al[0], al[1:]
		n := len(out)
		for i := 0; i < n && len(out) < maxVariants; i++ {
			if !strings.Contains(out[i], w) {
				continue
			}
			for _, a := range alts {
				if len(out) >= maxVariants {
					break
				}
				out = append(out, strings.Replace(out[i], w, a, 1))
			}
		}
	}
	return out
}
