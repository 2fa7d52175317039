// Package knowledge is the product's knowledge as embedded, versioned YAML files: scam types,
// rights-protection channels, laws, prevention tips, signal explanations and advice, each in
// zh-CN and en. Files are checked when loaded; a broken one is refused with its file, line and
// field. An operator's pack (a directory of the same files) adds entries or replaces them by
// id.
package knowledge

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"strings"
	"sync"
	"sync/atomic"

	"gopkg.in/yaml.v3"

	"github.com/shopguard/shopguard"
)

//go:embed data
var embedded embed.FS

// Pack is a loaded knowledge base. It is read-only once loaded and safe for concurrent use.
type Pack struct {
	Name      string
	Version   string
	ScamTypes []ScamType
	Channels  []Channel
	Laws      []Law
	Tips      []Tip
	Signals   []SignalText
	Advice    []Advice
	Brands    []Brand
	LinkTerms []LinkTerms
	Cues      []Cue
	Playbooks []Playbook

	scamTypes map[string]*ScamType
	channels  map[string]*Channel
	laws      map[string]*Law
	signals   map[string]*SignalText
	advice    map[string]*Advice
	brands    map[string]*Brand
	cues      map[string]*Cue
	advised   adviceCache
}

type meta struct {
	Name    string `yaml:"name"`
	Version string `yaml:"version"`
}

// Embedded returns the files of the pack built into the program.
func Embedded() (fs.FS, error) {
	sub, err := fs.Sub(embedded, "data")
	if err != nil {
		return nil, fmt.Errorf("knowledge: embedded pack: %w", err)
	}
	return sub, nil
}

// Default returns the pack built into the program. It is made from the Go values of
// pack_gen.go, which hold the embedded files as loaded and checked, so that a start parses no
// YAML; when they were made from other files than those embedded (data/*.yaml changed since
// the last go generate), the files are read instead.
func Default() (*Pack, error) {
	sub, err := Embedded()
	if err != nil {
		return nil, err
	}
	if !builtInFresh() {
		return Load(sub)
	}
	b := &builtIn
	p := &Pack{Name: b.Name, Version: b.Version, ScamTypes: b.ScamTypes, Channels: b.Channels,
		Laws: b.Laws, Tips: b.Tips, Signals: b.Signals, Advice: b.Advice, Brands: b.Brands,
		LinkTerms: b.LinkTerms, Cues: b.Cues, Playbooks: b.Playbooks}
	if err := p.index(); err != nil {
		return nil, err
	}
	return p, nil
}

//go:generate go test -run TestBuiltInFresh -update

// builtInFresh reports whether builtIn was made from the files embedded: the SHA-256 of
// their names and contents is builtInSum.
var builtInFresh = sync.OnceValue(func() bool {
	sum, err := filesSum(embedded, "data")
	return err == nil && sum == builtInSum
})

// filesSum returns the SHA-256 of the files in dir of fsys, in order of name: each name,
// its length and its contents.
func filesSum(fsys fs.FS, dir string) (string, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return "", fmt.Errorf("knowledge: sum %s: %w", dir, err)
	}
	h := sha256.New()
	for _, e := range entries {
		data, err := fs.ReadFile(fsys, path.Join(dir, e.Name()))
		if err != nil {
			return "", fmt.Errorf("knowledge: sum %s: %w", dir, err)
		}
		fmt.Fprintf(h, "%s\n%d\n", e.Name(), len(data))
		h.Write(data)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// Load reads a pack from base, then each overlay in turn: an overlay's entries are added, or
// replace those of the same id. In an overlay every file is optional, pack.yaml included.
func Load(base fs.FS, overlays ...fs.FS) (*Pack, error) {
	p := &Pack{}
	for i, fsys := range append([]fs.FS{base}, overlays...) {
		if err := p.read(fsys, i > 0); err != nil {
			return nil, err
		}
	}
	if err := p.index(); err != nil {
		return nil, err
	}
	return p, nil
}

func (p *Pack) read(fsys fs.FS, optional bool) error {
	m, err := readMeta(fsys, optional)
	if err != nil {
		return err
	}
	if p.Name == "" {
		p.Name, p.Version = m.Name, m.Version
	} else if m.Name != "" {
		p.Version += "+" + m.Name + "@" + m.Version
	}
	scamTypes, err := loadList[ScamType](fsys, "scam_types.yaml", "scam_types", optional)
	if err != nil {
		return err
	}
	channels, err := loadList[Channel](fsys, "channels.yaml", "channels", optional)
	if err != nil {
		return err
	}
	laws, err := loadList[Law](fsys, "laws.yaml", "laws", optional)
	if err != nil {
		return err
	}
	tips, err := loadList[Tip](fsys, "tips.yaml", "tips", optional)
	if err != nil {
		return err
	}
	signals, err := loadList[SignalText](fsys, "signals.yaml", "signals", optional)
	if err != nil {
		return err
	}
	advice, err := loadList[Advice](fsys, "advice.yaml", "advice", optional)
	if err != nil {
		return err
	}
	// Brands and link terms are optional even in a base pack: a pack without them gives the
	// link check nothing to compare against, but the rest of the product works.
	brands, err := loadList[Brand](fsys, "brands.yaml", "brands", true)
	if err != nil {
		return err
	}
	linkTerms, err := loadList[LinkTerms](fsys, "link_terms.yaml", "link_terms", true)
	if err != nil {
		return err
	}
	// A pack need not know chats: cues and playbooks are optional even in a base pack.
	cues, err := loadList[Cue](fsys, "cues.yaml", "cues", true)
	if err != nil {
		return err
	}
	playbooks, err := loadList[Playbook](fsys, "playbooks.yaml", "playbooks", true)
	if err != nil {
		return err
	}
	p.ScamTypes = overlay(p.ScamTypes, scamTypes)
	p.Channels = overlay(p.Channels, channels)
	p.Laws = overlay(p.Laws, laws)
	p.Tips = overlay(p.Tips, tips)
	p.Signals = overlay(p.Signals, signals)
	p.Advice = overlay(p.Advice, advice)
	p.Brands = overlay(p.Brands, brands)
	p.LinkTerms = overlay(p.LinkTerms, linkTerms)
	p.Cues = overlay(p.Cues, cues)
	p.Playbooks = overlay(p.Playbooks, playbooks)
	return nil
}

func readMeta(fsys fs.FS, optional bool) (meta, error) {
	var m meta
	data, err := fs.ReadFile(fsys, "pack.yaml")
	if errors.Is(err, fs.ErrNotExist) && optional {
		return m, nil
	}
	if err != nil {
		return m, &LoadError{File: "pack.yaml", Msg: err.Error()}
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&m); err != nil {
		return m, yamlError("pack.yaml", err)
	}
	if m.Name == "" || m.Version == "" {
		return m, &LoadError{File: "pack.yaml", Line: 1, Field: "name", Msg: "a pack needs a name and a version"}
	}
	return m, nil
}

// index builds the lookups and checks the references between files.
func (p *Pack) index() error {
	p.scamTypes = byKey(p.ScamTypes)
	p.channels = byKey(p.Channels)
	p.laws = byKey(p.Laws)
	p.signals = byKey(p.Signals)
	p.advice = byKey(p.Advice)
	p.brands = byKey(p.Brands)
	owner := map[string]string{}
	for _, b := range p.Brands {
		for _, d := range b.Domains {
			if o, ok := owner[d]; ok && o != b.ID {
				return &LoadError{File: "brands.yaml", Field: "brands." + b.ID + ".domains", Msg: fmt.Sprintf("domain %q is already official for brand %q", d, o)}
			}
			owner[d] = b.ID
		}
	}
	p.cues = byKey(p.Cues)
	for _, s := range p.ScamTypes {
		for _, c := range s.Channels {
			if p.channels[c] == nil {
				return &LoadError{File: "scam_types.yaml", Field: "scam_types." + s.ID + ".channels", Msg: fmt.Sprintf("unknown channel %q", c)}
			}
		}
	}
	for _, c := range p.Channels {
		field := "channels." + c.ID
		if err := p.checkSources("channels.yaml", field+".legal_basis", c.LegalBasis); err != nil {
			return err
		}
		for i, r := range c.Rules {
			if err := p.checkSources("channels.yaml", field+".rules."+itoa(i)+".sources", r.Sources); err != nil {
				return err
			}
		}
		for i, l := range c.TimeLimits {
			if err := p.checkSources("channels.yaml", field+".time_limits."+itoa(i)+".sources", l.Sources); err != nil {
				return err
			}
		}
	}
	for _, t := range p.Tips {
		if err := p.checkSources("tips.yaml", "tips."+t.ID+".sources", t.Sources); err != nil {
			return err
		}
	}
	return p.checkPlaybooks()
}

// checkSources checks that every id names a source in laws.yaml.
func (p *Pack) checkSources(file, field string, ids []string) error {
	for _, id := range ids {
		if p.laws[id] == nil {
			return &LoadError{File: file, Field: field, Msg: fmt.Sprintf("unknown source %q (not in laws.yaml)", id)}
		}
	}
	return nil
}

// checkPlaybooks checks that every playbook names a scam type, that its rules name known cues,
// and that every cue and playbook has the text that explains its signal.
func (p *Pack) checkPlaybooks() error {
	for _, c := range p.Cues {
		if c.Scored() && p.signals[c.SignalCode()] == nil {
			return &LoadError{File: "cues.yaml", Field: "cues." + c.ID, Msg: fmt.Sprintf("no signal text for %q in signals.yaml", c.SignalCode())}
		}
	}
	for _, pb := range p.Playbooks {
		field := "playbooks." + pb.ID
		if p.scamTypes[pb.ID] == nil {
			return &LoadError{File: "playbooks.yaml", Field: field, Msg: fmt.Sprintf("unknown scam type %q", pb.ID)}
		}
		if p.signals[pb.SignalCode()] == nil {
			return &LoadError{File: "playbooks.yaml", Field: field, Msg: fmt.Sprintf("no signal text for %q in signals.yaml", pb.SignalCode())}
		}
		for i, r := range pb.Rules {
			for _, step := range r.Steps() {
				for _, id := range step {
					if c := p.cues[id]; c == nil || !c.Scored() {
						return &LoadError{File: "playbooks.yaml", Field: field + ".rules." + itoa(i), Msg: fmt.Sprintf("unknown cue %q", id)}
					}
				}
			}
		}
	}
	return nil
}

// Cue returns the cue with the id.
func (p *Pack) Cue(id string) (*Cue, bool) { c, ok := p.cues[id]; return c, ok }

func byKey[T any, P interface {
	*T
	entry
}](items []T) map[string]P {
	m := make(map[string]P, len(items))
	for i := range items {
		m[P(&items[i]).key()] = &items[i]
	}
	return m
}

// ScamType returns the scam type with the id.
func (p *Pack) ScamType(id string) (*ScamType, bool) { s, ok := p.scamTypes[id]; return s, ok }

// Channel returns the channel with the id.
func (p *Pack) Channel(id string) (*Channel, bool) { c, ok := p.channels[id]; return c, ok }

// Law returns the law with the id.
func (p *Pack) Law(id string) (*Law, bool) { l, ok := p.laws[id]; return l, ok }

// Brand returns the brand with the id.
func (p *Pack) Brand(id string) (*Brand, bool) { b, ok := p.brands[id]; return b, ok }

// Signal returns the explanation of a signal code.
func (p *Pack) Signal(code string) (*SignalText, bool) { s, ok := p.signals[code]; return s, ok }

// ExplainSignal returns the explanation of s in lang with its args filled in, or its code
// when the pack does not know it.
func (p *Pack) ExplainSignal(s shopguard.Signal, lang shopguard.Lang) string {
	if t, ok := p.signals[s.Code]; ok {
		return t.Explain.Fill(lang, s.Args)
	}
	return s.Code
}

// MaxAdvice is the most pieces of advice an assessment gets: enough to act on, few enough
// to read.
const MaxAdvice = 8

// Advise returns the advice for an assessment in lang, without repeats and at most
// MaxAdvice: at high risk the urgent general advice first (stop, call 96110), then the first
// steps for the two scam types suspected most; at medium risk those steps first, then the
// general advice; at low risk the general advice alone. The list is made once per risk,
// language and scam types known to the pack, and shared: callers must not change it.
func (p *Pack) Advise(a shopguard.Assessment, lang shopguard.Lang) []string {
	k, ok := p.adviceKeyOf(a, lang)
	if !ok {
		return p.advise(a, lang)
	}
	if out, ok := p.advised.get(k); ok {
		return out
	}
	out := p.advise(a, lang)
	out = out[:len(out):len(out)] // an append by a caller copies
	p.advised.put(k, out)
	return out
}

// advise makes the advice list that Advise returns.
func (p *Pack) advise(a shopguard.Assessment, lang shopguard.Lang) []string {
	var out []string
	seen := map[string]bool{}
	add := func(ts []Text) {
		for _, t := range ts {
			if s := strings.TrimSpace(t.Get(lang)); s != "" && !seen[s] && len(out) < MaxAdvice {
				seen[s] = true
				out = append(out, s)
			}
		}
	}
	var general []Text
	if adv, ok := p.advice[string(a.Risk)]; ok {
		general = adv.Texts
	}
	var steps []Text
	if a.Risk != shopguard.RiskLow {
		for _, id := range a.ScamTypes[:min(2, len(a.ScamTypes))] {
			if st, ok := p.scamTypes[id]; ok {
				steps = append(steps, st.WhatToDo[:min(3, len(st.WhatToDo))]...)
			}
		}
	}
	if a.Risk == shopguard.RiskHigh {
		add(general)
		add(steps)
	} else {
		add(steps)
		add(general)
	}
	return out
}

// adviceKey is what the advice for an assessment depends on: its risk, whether it is read in
// English (every other language reads the Chinese texts) and, above low risk, the first two
// scam types suspected.
type adviceKey struct {
	risk   shopguard.Risk
	en     bool
	t1, t2 string
}

// adviceKeyOf returns the key of a's advice in lang, or false when the advice is not to be
// kept: a risk other than the three, or a scam type the pack does not know (so that the
// lists kept are bounded by the pack).
func (p *Pack) adviceKeyOf(a shopguard.Assessment, lang shopguard.Lang) (adviceKey, bool) {
	switch a.Risk {
	case shopguard.RiskLow:
		return adviceKey{risk: a.Risk, en: lang == shopguard.LangEN}, true
	case shopguard.RiskMedium, shopguard.RiskHigh:
	default:
		return adviceKey{}, false
	}
	k := adviceKey{risk: a.Risk, en: lang == shopguard.LangEN}
	types := a.ScamTypes[:min(2, len(a.ScamTypes))]
	for _, id := range types {
		if p.scamTypes[id] == nil {
			return adviceKey{}, false
		}
	}
	if len(types) > 0 {
		k.t1 = types[0]
	}
	if len(types) > 1 {
		k.t2 = types[1]
	}
	return k, true
}

// adviceCache keeps the advice lists made, by key: a map read without a lock and copied on
// write (there are a few dozen keys at most in practice).
type adviceCache struct {
	mu sync.Mutex
	m  atomic.Pointer[map[adviceKey][]string]
}

func (c *adviceCache) get(k adviceKey) ([]string, bool) {
	m := c.m.Load()
	if m == nil {
		return nil, false
	}
	out, ok := (*m)[k]
	return out, ok
}

func (c *adviceCache) put(k adviceKey, out []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	m := map[adviceKey][]string{}
	if old := c.m.Load(); old != nil {
		m = maps.Clone(*old)
	}
	m[k] = out
	c.m.Store(&m)
}
