package knowledge

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode"
)

// The checks here are about the content of the embedded pack, not the loader.

var requiredScamTypes = []string{
	"fake_customer_service", "deposit_scam", "cod_switch", "off_platform_payment",
	"personal_info_harvest", "phishing", "fake_shop", "order_brushing",
	"fake_logistics_compensation", "loan_or_credit", "impersonate_authority",
	"impersonate_acquaintance", "fake_investment",
}

var requiredChannels = []string{
	"merchant", "platform", "card_issuer", "consumer_association_12315", "hotline_12345",
	"report_12377", "police", "arbitration", "court",
}

var requiredLaws = []string{
	"cprl_25", "cprl_39", "cprl_44", "cprl_55", "ecommerce_law", "criminal_law_266",
	"anti_telecom_fraud_law", "civil_code_188",
}

func TestRequiredEntriesPresent(t *testing.T) {
	p := mustDefault(t)
	for _, id := range requiredScamTypes {
		s, ok := p.ScamType(id)
		if !ok {
			t.Errorf("scam type %q missing", id)
			continue
		}
		if strings.TrimSpace(s.Name.ZH) == "" || strings.TrimSpace(s.Name.EN) == "" {
			t.Errorf("scam type %q: name zh-CN %q en %q, want both", id, s.Name.ZH, s.Name.EN)
		}
	}
	for _, id := range requiredChannels {
		if _, ok := p.Channel(id); !ok {
			t.Errorf("channel %q missing", id)
		}
	}
	for _, id := range requiredLaws {
		if _, ok := p.Law(id); !ok {
			t.Errorf("law %q missing", id)
		}
	}
	for _, id := range []string{"low", "medium", "high"} {
		if a := p.advice[id]; a == nil || len(a.Texts) < 2 || len(a.Texts) > 4 {
			t.Errorf("advice %q: want 2-4 texts, got %v", id, a)
		}
	}
	if n := len(p.Tips); n < 10 || n > 15 {
		t.Errorf("tips: got %d, want 10-15", n)
	}
}

func TestScamTypesAreComplete(t *testing.T) {
	p := mustDefault(t)
	for _, s := range p.ScamTypes {
		if n := len(s.WarningSigns); n < 3 || n > 6 {
			t.Errorf("%s: %d warning signs, want 3-6", s.ID, n)
		}
		if n := len(s.WhatToDo); n < 3 || n > 6 {
			t.Errorf("%s: %d what-to-do steps, want 3-6", s.ID, n)
		}
		seen := map[string]bool{}
		for _, c := range s.Channels {
			if _, ok := p.Channel(c); !ok {
				t.Errorf("%s: channel %q does not resolve", s.ID, c)
			}
			if seen[c] {
				t.Errorf("%s: channel %q listed twice", s.ID, c)
			}
			seen[c] = true
		}
	}
}

// A fraudulent platform cannot be the place to complain about itself.
func TestFakeShopSkipsThePlatform(t *testing.T) {
	s, ok := mustDefault(t).ScamType("fake_shop")
	if !ok {
		t.Fatal("fake_shop missing")
	}
	want := map[string]bool{"police": false, "hotline_12345": false, "report_12377": false}
	for _, c := range s.Channels {
		if c == "platform" || c == "merchant" {
			t.Errorf("fake_shop sends the victim to %q, the fraudster's own side", c)
		}
		if _, ok := want[c]; ok {
			want[c] = true
		}
	}
	for c, found := range want {
		if !found {
			t.Errorf("fake_shop does not name channel %q", c)
		}
	}
}

func TestChannelContactNumbers(t *testing.T) {
	p := mustDefault(t)
	for id, numbers := range map[string][]string{
		"consumer_association_12315": {"12315"},
		"hotline_12345":              {"12345"},
		"report_12377":               {"12377"},
		"police":                     {"110", "96110"},
	} {
		c, ok := p.Channel(id)
		if !ok {
			t.Errorf("channel %q missing", id)
			continue
		}
		for _, n := range numbers {
			if !containsNumber(c.Contact, n) {
				t.Errorf("channel %q: contact %q does not give %s", id, c.Contact, n)
			}
		}
	}
}

// containsNumber reports whether s holds n as a whole number, not as part of a longer one.
func containsNumber(s, n string) bool {
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsDigit(r) }) {
		if f == n {
			return true
		}
	}
	return false
}

func TestEveryChannelAndLawIsUsed(t *testing.T) {
	p := mustDefault(t)
	usedChannels := map[string]bool{}
	for _, s := range p.ScamTypes {
		for _, c := range s.Channels {
			usedChannels[c] = true
		}
	}
	usedLaws := map[string]bool{}
	for _, c := range p.Channels {
		if !usedChannels[c.ID] {
			t.Errorf("channel %q is not named by any scam type", c.ID)
		}
		for _, l := range c.LegalBasis {
			usedLaws[l] = true
		}
	}
	for _, l := range p.Laws {
		if !usedLaws[l.ID] {
			t.Errorf("law %q is not the legal basis of any channel", l.ID)
		}
	}
}

// notTexts are the plain string fields that are codes or references, not texts.
var notTexts = []string{"ID", "Code", "Category", "Kind", "Article"}

// textFields returns, for every list of the pack, each of its text fields (by list, field
// and language) with the values in the order met: Text and []Text fields, and plain string
// fields other than ids (typed strings such as a cue's Stage are codes, not texts).
func textFields(p *Pack) map[string][]string {
	out := map[string][]string{}
	add := func(key, s string) {
		if s = strings.TrimSpace(s); s != "" {
			out[key] = append(out[key], s)
		}
	}
	textType := reflect.TypeFor[Text]()
	lists := reflect.ValueOf(p).Elem()
	for i := range lists.NumField() {
		list, lf := lists.Field(i), lists.Type().Field(i)
		if !lf.IsExported() || list.Kind() != reflect.Slice {
			continue
		}
		for j := range list.Len() {
			item := list.Index(j)
			for k := range item.NumField() {
				v, f := item.Field(k), item.Type().Field(k)
				key := lf.Name + "." + f.Name
				switch {
				case f.Type == textType:
					t := v.Interface().(Text)
					add(key+".zh-CN", t.ZH)
					add(key+".en", t.EN)
				case f.Type == reflect.SliceOf(textType):
					for _, t := range v.Interface().([]Text) {
						add(key+".zh-CN", t.ZH)
						add(key+".en", t.EN)
					}
				case f.Type == reflect.TypeFor[string]() && !slices.Contains(notTexts, f.Name):
					add(key, v.String())
				}
			}
		}
	}
	return out
}

func TestTextFieldsFound(t *testing.T) {
	fields := textFields(mustDefault(t))
	for _, key := range []string{"ScamTypes.WarningSigns.en", "Channels.Contact", "Laws.Summary.zh-CN", "Tips.Body.en", "Advice.Texts.zh-CN"} {
		if len(fields[key]) == 0 {
			t.Errorf("textFields found nothing under %s", key)
		}
	}
}

func TestNoTextRepeatsWithinAField(t *testing.T) {
	for key, values := range textFields(mustDefault(t)) {
		if strings.HasPrefix(key, "Laws.Version.") {
			continue // articles of one law share its version
		}
		seen := map[string]bool{}
		for _, v := range values {
			if seen[v] {
				t.Errorf("%s: %q appears more than once", key, v)
			}
			seen[v] = true
		}
	}
}

func TestTextsAreInTheirLanguage(t *testing.T) {
	for key, values := range textFields(mustDefault(t)) {
		for _, v := range values {
			han := strings.IndexFunc(v, func(r rune) bool { return unicode.Is(unicode.Han, r) }) >= 0
			switch {
			case key == "Brands.Name.zh-CN":
				// Many brands are written in Latin letters in Chinese too (Temu, SHEIN, eBay).
			case strings.HasSuffix(key, ".zh-CN") && !han:
				t.Errorf("%s: %q has no Chinese characters", key, v)
			case strings.HasSuffix(key, ".en") && han:
				t.Errorf("%s: %q has Chinese characters", key, v)
			}
		}
	}
}
