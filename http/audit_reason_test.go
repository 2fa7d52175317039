package http

import (
	"fmt"
	"strings"
	"testing"

	"github.com/shopguard/shopguard"
)

// The reasons the system writes in the audit log are said in the reader's language, with
// their numbers; a person's reason is not touched.
func TestSystemReasonInWords(t *testing.T) {
	u, err := newUI()
	if err != nil {
		t.Fatal(err)
	}
	entries := []shopguard.AuditEntry{
		{Action: "report.info", Reason: shopguard.ReasonReporterInfo},
		{Action: "appeal.verify", Reason: fmt.Sprintf(shopguard.ReasonVerifyFormat, shopguard.ProofDNS)},
		{Action: "report.purge", Reason: fmt.Sprintf(shopguard.ReasonPurgeFormat, 12, "2026-01-31")},
	}
	want := map[shopguard.Lang][]string{
		shopguard.LangZH: {"举报人通过私密链接补充了信息。", "验证码已找到：DNS TXT 记录。", "保留期限已到：12 条举报提交于 2026-01-31 之前。"},
		shopguard.LangEN: {"The reporter added information through their private link.", "The token was found in the DNS TXT record.", "Retention: 12 reports filed before 2026-01-31."},
	}
	for lang, cat := range u.catalogs {
		for i, e := range entries {
			if got, ok := systemReason(cat, &e); !ok || got != want[lang][i] {
				t.Errorf("%s in %s: %q %v, want %q", e.Action, lang, got, ok, want[lang][i])
			}
		}
		person := shopguard.AuditEntry{Action: "report.confirm", Reason: "the reporter added information"}
		if got, ok := systemReason(cat, &person); ok || strings.Contains(got, "举报") {
			t.Errorf("a moderator's reason was rewritten in %s: %q", lang, got)
		}
	}
}
