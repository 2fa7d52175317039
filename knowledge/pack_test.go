package knowledge

import (
	"errors"
	"io/fs"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/shopguard/shopguard"
)

func mustDefault(tb testing.TB) *Pack {
	tb.Helper()
	p, err := Default()
	if err != nil {
		tb.Fatalf("Default: %v", err)
	}
	return p
}

func TestDefaultPackLoads(t *testing.T) {
	p := mustDefault(t)
	if p.Name != "shopguard-core" || p.Version == "" {
		t.Errorf("pack meta = %q %q", p.Name, p.Version)
	}
	if len(p.ScamTypes) == 0 || len(p.Channels) == 0 || len(p.Laws) == 0 {
		t.Fatalf("empty pack: %d scam types, %d channels, %d laws", len(p.ScamTypes), len(p.Channels), len(p.Laws))
	}
}

func TestBrokenFileNamesFileLineAndField(t *testing.T) {
	base := fstest.MapFS{
		"pack.yaml": {Data: []byte("name: t\nversion: \"1\"\n")},
		"scam_types.yaml": {Data: []byte(`scam_types:
  - id: deposit_scam
    name:
      zh-CN: 定金诈骗
      en: ""
`)},
	}
	_, err := Load(base)
	var le *LoadError
	if !errors.As(err, &le) {
		t.Fatalf("Load: got %v, want a *LoadError", err)
	}
	if le.File != "scam_types.yaml" || le.Line != 5 || le.Field != "scam_types.0.name.en" {
		t.Errorf("got file %q line %d field %q (%v), want scam_types.yaml:5 scam_types.0.name.en", le.File, le.Line, le.Field, err)
	}
}

func TestUnknownFieldRefused(t *testing.T) {
	sub := fstest.MapFS{"tips.yaml": {Data: []byte("tips:\n  - id: a\n    titel: {zh-CN: x, en: y}\n")}}
	_, err := Load(mustEmbedded(t), sub)
	if err == nil || !strings.Contains(err.Error(), "tips.yaml:3") || !strings.Contains(err.Error(), "titel") {
		t.Fatalf("Load: got %v, want an error naming tips.yaml:3 and the field titel", err)
	}
}

func TestOverlayAddsAndReplaces(t *testing.T) {
	sub := fstest.MapFS{
		"pack.yaml": {Data: []byte("name: ops\nversion: \"3\"\n")},
		"tips.yaml": {Data: []byte(`tips:
  - id: compare_prices
    title: {zh-CN: 新标题, en: New title}
    body: {zh-CN: 新内容, en: New body}
  - id: extra_tip
    title: {zh-CN: 额外, en: Extra}
    body: {zh-CN: 额外内容, en: Extra body}
`)},
	}
	base := mustDefault(t)
	p, err := Load(mustEmbedded(t), sub)
	if err != nil {
		t.Fatalf("Load with overlay: %v", err)
	}
	if len(p.Tips) != len(base.Tips)+1 {
		t.Errorf("tips: got %d, want %d", len(p.Tips), len(base.Tips)+1)
	}
	var got string
	for _, tp := range p.Tips {
		if tp.ID == "compare_prices" {
			got = tp.Title.Get(shopguard.LangEN)
		}
	}
	if got != "New title" {
		t.Errorf("compare_prices title = %q, want the overlay's", got)
	}
	if !strings.HasSuffix(p.Version, "+ops@3") {
		t.Errorf("version %q does not name the overlay", p.Version)
	}
}

func TestDanglingReferenceRefused(t *testing.T) {
	sub := fstest.MapFS{"scam_types.yaml": {Data: []byte(`scam_types:
  - id: new_type
    name: {zh-CN: 新, en: New}
    summary: {zh-CN: 概要, en: Summary}
    how_it_works: {zh-CN: 方式, en: How}
    warning_signs: [{zh-CN: 一, en: one}, {zh-CN: 二, en: two}]
    what_to_do: [{zh-CN: 一, en: one}, {zh-CN: 二, en: two}]
    channels: [no_such_channel]
`)}}
	_, err := Load(mustEmbedded(t), sub)
	if err == nil || !strings.Contains(err.Error(), "no_such_channel") {
		t.Fatalf("Load: got %v, want an unknown channel error", err)
	}
}

func TestScopeOnlyOnNegators(t *testing.T) {
	for _, c := range []struct{ yaml, want string }{
		{"  - id: x\n    stage: request\n    weight: 5\n    scope: sentence\n    en: [pay now]\n", "only a negator cue has a scope"},
		{"  - id: x\n    negator: true\n    scope: paragraph\n    en: [never]\n", `scope is empty, "ahead" or "sentence"`},
	} {
		sub := fstest.MapFS{"cues.yaml": {Data: []byte("cues:\n" + c.yaml)}}
		if _, err := Load(mustEmbedded(t), sub); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Load: got %v, want %q", err, c.want)
		}
	}
}

// TestAnswerCueChecks checks that an answer cue, like a negator, is not scored (no stage,
// weight or unasked) and is not both, and that a rule cannot use one.
func TestAnswerCueChecks(t *testing.T) {
	for _, c := range []struct{ yaml, want string }{
		{"cues:\n  - id: x\n    answer: true\n    stage: hook\n    en: [how can i help]\n", "an answer cue has no stage"},
		{"cues:\n  - id: x\n    answer: true\n    unasked: true\n    en: [how can i help]\n", "an answer cue has no stage"},
		{"cues:\n  - id: x\n    answer: true\n    negator: true\n    en: [how can i help]\n", "a negator or an answer, not both"},
		{"cues:\n  - id: x\n    negator: true\n    unasked: true\n    en: [never]\n", "a negator cue has no stage"},
	} {
		sub := fstest.MapFS{"cues.yaml": {Data: []byte(c.yaml)}}
		if _, err := Load(mustEmbedded(t), sub); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Load: got %v, want %q", err, c.want)
		}
	}
	sub := fstest.MapFS{"playbooks.yaml": {Data: []byte("playbooks:\n  - id: phishing\n    rules:\n      - all: [service_answer, link]\n        weight: 30\n    examples:\n      - scam: true\n        text: a\n      - scam: false\n        text: b\n")}}
	if _, err := Load(mustEmbedded(t), sub); err == nil || !strings.Contains(err.Error(), `unknown cue "service_answer"`) {
		t.Errorf("Load: got %v, want an unknown cue error for a rule on an answer cue", err)
	}
}

func mustEmbedded(tb testing.TB) fs.FS {
	tb.Helper()
	sub, err := Embedded()
	if err != nil {
		tb.Fatal(err)
	}
	return sub
}

func TestPackWithoutChatKnowledgeLoads(t *testing.T) {
	embedded, err := Embedded()
	if err != nil {
		t.Fatal(err)
	}
	base := fstest.MapFS{}
	for _, f := range []string{"pack.yaml", "scam_types.yaml", "channels.yaml", "laws.yaml", "tips.yaml", "signals.yaml", "advice.yaml"} {
		data, err := fs.ReadFile(embedded, f)
		if err != nil {
			t.Fatal(err)
		}
		base[f] = &fstest.MapFile{Data: data}
	}
	p, err := Load(base)
	if err != nil {
		t.Fatalf("Load without cues and playbooks: %v", err)
	}
	if len(p.Cues) != 0 || len(p.Playbooks) != 0 {
		t.Errorf("got %d cues, %d playbooks from nowhere", len(p.Cues), len(p.Playbooks))
	}
}

func TestAdviseOrderAndLength(t *testing.T) {
	p := mustDefault(t)
	high := shopguard.Assessment{Risk: shopguard.RiskHigh, ScamTypes: []string{"fake_customer_service", "phishing", "deposit_scam"}}
	adv := p.Advise(high, shopguard.LangEN)
	first, _ := p.advice["high"]
	fcs, _ := p.ScamType("fake_customer_service")
	if len(adv) == 0 || len(adv) > MaxAdvice || adv[0] != first.Texts[0].EN {
		t.Fatalf("high risk: %d pieces, first %q; want at most %d, the urgent general advice first", len(adv), adv, MaxAdvice)
	}
	if !slices.Contains(adv, fcs.WhatToDo[0].EN) {
		t.Errorf("high risk advice lacks the first step for fake customer service: %q", adv)
	}
	dep, _ := p.ScamType("deposit_scam")
	if slices.Contains(adv, dep.WhatToDo[0].EN) {
		t.Errorf("advice for a third scam type slipped in: %q", adv)
	}
	medium := shopguard.Assessment{Risk: shopguard.RiskMedium, ScamTypes: []string{"deposit_scam"}}
	if adv := p.Advise(medium, shopguard.LangZH); len(adv) == 0 || adv[0] != dep.WhatToDo[0].ZH {
		t.Errorf("medium risk: the scam type's first step should lead: %q", adv)
	}
	if adv := p.Advise(shopguard.Assessment{Risk: shopguard.RiskLow, ScamTypes: []string{"phishing"}}, shopguard.LangEN); len(adv) != len(p.advice["low"].Texts) {
		t.Errorf("low risk: want only the general advice, got %q", adv)
	}
}

// BenchmarkDefault measures reading the embedded pack: what every start of the CLI pays.
func BenchmarkDefault(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Default(); err != nil {
			b.Fatal(err)
		}
	}
}

// TestAdviseKeptEqualsMade checks the lists Advise keeps against lists made anew, for every
// risk, both languages and pairs of scam types (known, unknown, repeated), asked twice; and
// that asking again allocates nothing.
func TestAdviseKeptEqualsMade(t *testing.T) {
	p := mustDefault(t)
	ids := []string{"", "no_such_type"}
	for _, st := range p.ScamTypes {
		ids = append(ids, st.ID)
	}
	for _, risk := range []shopguard.Risk{shopguard.RiskLow, shopguard.RiskMedium, shopguard.RiskHigh, "odd"} {
		for _, lang := range []shopguard.Lang{shopguard.LangZH, shopguard.LangEN, "fr"} {
			for _, a := range ids {
				for _, b := range append(ids, "-") {
					types := []string{}
					if a != "" {
						types = append(types, a)
					}
					if b != "-" {
						types = append(types, b)
					}
					as := shopguard.Assessment{Risk: risk, ScamTypes: types}
					want := p.advise(as, lang)
					for range 2 {
						if got := p.Advise(as, lang); !slices.Equal(got, want) {
							t.Fatalf("Advise(%s, %v, %s) = %q, want %q", risk, types, lang, got, want)
						}
					}
				}
			}
		}
	}
	as := shopguard.Assessment{Risk: shopguard.RiskHigh, ScamTypes: []string{"phishing"}}
	if n := testing.AllocsPerRun(100, func() { p.Advise(as, shopguard.LangZH) }); n != 0 {
		t.Errorf("Advise asked again allocates %v times", n)
	}
}
