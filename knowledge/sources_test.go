package knowledge

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

// A legal statement without a source is refused, wherever it is put.
func TestLegalClaimWithoutSourceRefused(t *testing.T) {
	channel := func(when, limit string) string {
		return `channels:
  - id: merchant
    name: {zh-CN: 商家, en: Merchant}
    contact: ""
    when: ` + when + `
    bring: [{zh-CN: 订单, en: Order}]
    time_limits:
` + limit + `
    legal_basis: [cprl_39]
`
	}
	sourced := "      - kind: limitation\n        text: {zh-CN: 三年, en: three years}\n        sources: [civil_code_188]"
	tests := []struct {
		name, file, data, field string
	}{
		{"an article in a free text", "channels.yaml", channel("{zh-CN: 依照第二十四条可以退货, en: You may return it}", sourced), "channels.0.when"},
		{"a deadline in a free text", "channels.yaml", channel("{zh-CN: 可以退货, en: You may return it within seven days}", sourced), "channels.0.when"},
		{"jurisdiction in a free text", "channels.yaml", channel("{zh-CN: 按商家所在地确定管辖, en: Where the seller is}", sourced), "channels.0.when"},
		{"a time limit without a source", "channels.yaml", channel("{zh-CN: 先谈, en: Talk first}", "      - kind: limitation\n        text: {zh-CN: 三年, en: three years}\n        sources: []"), "channels.0.time_limits.0.sources"},
		{"a time limit of no kind", "channels.yaml", channel("{zh-CN: 先谈, en: Talk first}", "      - kind: soon\n        text: {zh-CN: 三年, en: three years}\n        sources: [civil_code_188]"), "channels.0.time_limits.0.kind"},
		{"a tip with a legal claim and no source", "tips.yaml", "tips:\n  - id: t\n    title: {zh-CN: 退货, en: Returns}\n    body: {zh-CN: 收货后七日内可以无理由退货。, en: You can return goods.}\n", "tips.0.body"},
		{"a source without a reference", "laws.yaml", "laws:\n  - id: l\n    title: {zh-CN: 法, en: Law}\n    kind: law\n    article: \"1\"\n    version: {zh-CN: 版, en: v}\n    in_force: \"2020-01-01\"\n    ref: \"\"\n    checked: \"2026-01-01\"\n    summary: {zh-CN: 摘要, en: Summary}\n", "laws.0.ref"},
		{"a source without its date in force", "laws.yaml", "laws:\n  - id: l\n    title: {zh-CN: 法, en: Law}\n    kind: law\n    article: \"1\"\n    version: {zh-CN: 版, en: v}\n    in_force: \"\"\n    ref: \"https://example.org\"\n    checked: \"2026-01-01\"\n    summary: {zh-CN: 摘要, en: Summary}\n", "laws.0.in_force"},
		{"a source without an article or what to confirm", "laws.yaml", "laws:\n  - id: l\n    title: {zh-CN: 法, en: Law}\n    kind: law\n    article: \"\"\n    version: {zh-CN: 版, en: v}\n    in_force: \"2020-01-01\"\n    ref: \"https://example.org\"\n    checked: \"2026-01-01\"\n    summary: {zh-CN: 摘要, en: Summary}\n", "laws.0.article"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(mustEmbedded(t), fstest.MapFS{tt.file: {Data: []byte(tt.data)}})
			var le *LoadError
			if !errors.As(err, &le) || le.File != tt.file || le.Field != tt.field {
				t.Fatalf("Load: got %v, want a LoadError for %s field %s", err, tt.file, tt.field)
			}
		})
	}
	// The same channel with its claim moved to a sourced rule loads.
	ok := channel("{zh-CN: 先谈, en: Talk first}", sourced)
	ok = strings.Replace(ok, "    time_limits:", "    rules:\n      - text: {zh-CN: 依照第二十四条可以退货, en: Article 24 allows a return}\n        sources: [cprl_24]\n    time_limits:", 1)
	if _, err := Load(mustEmbedded(t), fstest.MapFS{"channels.yaml": {Data: []byte(ok)}}); err != nil {
		t.Fatalf("a sourced claim was refused: %v", err)
	}
}

// Every source the pack cites can be found and checked: a reference, a version, when it was
// last checked; and every one is listed in docs/legal-sources.md with that date.
func TestEverySourceIsListedWithItsCheckDate(t *testing.T) {
	p := mustDefault(t)
	doc := readRepoFile(t, "docs/legal-sources.md")
	for _, l := range p.Laws {
		if l.Ref == "" || l.Version.EN == "" || l.Checked == "" {
			t.Errorf("source %s lacks a reference, version or check date", l.ID)
		}
		if !strings.Contains(doc, "`"+l.ID+"`") {
			t.Errorf("docs/legal-sources.md does not list source %s", l.ID)
			continue
		}
		line := doc[strings.Index(doc, "`"+l.ID+"`"):]
		line = line[:strings.IndexByte(line, '\n')]
		if !strings.Contains(line, string(l.Checked)) {
			t.Errorf("docs/legal-sources.md lists %s without its check date %s: %s", l.ID, l.Checked, line)
		}
	}
}

// readRepoFile reads a file of the repository, by its path from the repository's root.
func readRepoFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", path))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
