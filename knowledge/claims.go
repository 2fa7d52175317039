package knowledge

import "github.com/shopguard/shopguard/internal/lazyre"

// legalClaim matches the marks of a legal statement: an article, a named law or measure,
// jurisdiction, a limitation period, a statutory right or liability, a deadline in days,
// months or years. A text that has one must carry its sources (a channel's rules or time
// limits, a tip's sources); free texts without sources are refused, so that no legal claim
// enters the pack unsourced.
var legalClaim = lazyre.New(`第[〇一二三四五六七八九十百零两0-9]+条|《[^》]{1,40}(法|条例|办法|规定|解释)》|管辖|时效|无理由退货|连带责任|[0-9〇一二三四五六七八九十两]+ ?(日|天|个月|年)内|` +
	`(?i:\barticle \d|\bart\. ?\d|\bjurisdiction\b|\blimitation period\b|\bwithout (giving )?a reason\b|\bjointly liable\b|\bwithin (\w+ ){1,2}(days|months|years)\b)`)

// checkUnsourced refuses texts, in either language, that make a legal claim where the pack
// has no source for it.
func checkUnsourced(path string, ts []Text, errs *fieldErrors) {
	for i, t := range ts {
		p := path
		if len(ts) > 1 {
			p += "." + itoa(i)
		}
		for _, s := range []string{t.ZH, t.EN} {
			if m := legalClaim().FindString(s); m != "" {
				errs.add(p, "%q reads as a legal claim: move it to a rule or time limit with its sources, or give the entry sources", m)
				break
			}
		}
	}
}
