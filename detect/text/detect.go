// Package text recognises scam scripts in a message or a conversation.
//
// A Detector is compiled once from the playbooks and cues of a knowledge pack. Every message
// is normalised (see normText) and read once by an Aho-Corasick automaton holding every
// pattern of every cue; each hit is kept with its place in the original text (message and
// rune offsets). Hits are filtered by sender and negation, then each playbook's rules decide
// whether the conversation follows its script. The score is the sum of the cues' weights (each
// cue once) and the weights of the playbooks that matched; every point of it is explained by a
// signal.
//
// t2s.txt, the traditional-to-simplified character table, is derived from OpenCC's
// TSCharacters dictionary (Copyright the OpenCC authors, Apache License 2.0).
package text

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/knowledge"
)

// The senders of a message.
const (
	FromMe       = "me"
	FromThem     = "them"
	FromPlatform = "platform"
)

// Message is one message of a conversation: who sent it, its text, and when (free text,
// optional).
type Message struct {
	From string `json:"from"`
	Text string `json:"text"`
	Time string `json:"time,omitempty"`
}

// CueHit is one place where a cue was found: the cue, the stage of the script it belongs to,
// the message, the rune offsets [Start, End) in that message's original text, and the words
// themselves.
type CueHit struct {
	ID             string `json:"id"`
	Stage          string `json:"stage"`
	shopguard.Span        // where: message, start, end (the first hit of a cue is its signal's span)
	Text           string `json:"text"`
}

// Result is the verdict on a message or conversation: the risk and score, the scam types
// whose script it follows (knowledge base ids, strongest first), the furthest stage of a script
// reached, the cues found, the signals that make up the score, the links found (for the link
// check) and, once explained, the advice.
type Result struct {
	Risk  shopguard.Risk `json:"risk"`
	Score int            `json:"score"`
	Types []string       `json:"types"`
	Stage string         `json:"stage,omitempty"`
	Cues  []CueHit       `json:"cues"`
	// CuesOmitted and URLsOmitted count the cue hits and links a summarised result does not
	// list (Summarize).
	CuesOmitted int                `json:"cues_omitted,omitempty"`
	Signals     []shopguard.Signal `json:"signals"`
	URLs        []URL              `json:"urls,omitempty"`
	URLsOmitted int                `json:"urls_omitted,omitempty"`
	// LinksUnchecked counts the places of links the link check did not judge: a scan judges
	// the first combine.MaxJudgedLinks different links it finds.
	LinksUnchecked int      `json:"links_unchecked,omitempty"`
	Advice         []string `json:"advice,omitempty"`
	// Finding and Checked are as in shopguard.Assessment: whether anything was found, and
	// where it was looked for.
	Finding string   `json:"finding"`
	Checked []string `json:"checked,omitempty"`
}

// Assessment returns the result as the Assessment every detector gives.
func (r *Result) Assessment() shopguard.Assessment {
	finding := shopguard.FindingSignals
	if len(r.Signals) == 0 {
		finding = shopguard.FindingNone
	}
	return shopguard.Assessment{Risk: r.Risk, Score: r.Score, Signals: r.Signals, ScamTypes: r.Types, Advice: r.Advice,
		Finding: finding, Checked: r.Checked}
}

// Explain fills the signals' messages and the advice in lang.
func (r *Result) Explain(e shopguard.Explainer, lang shopguard.Lang) {
	a := r.Assessment()
	a.Explain(e, lang)
	r.Signals, r.Advice = a.Signals, a.Advice
}

// Sender bits.
const (
	bitMe = 1 << iota
	bitThem
	bitPlatform
)

func senderBit(from string) uint8 {
	switch from {
	case FromMe:
		return bitMe
	case FromPlatform:
		return bitPlatform
	}
	return bitThem
}

type cue struct {
	id        string
	code      string
	stage     int // index in knowledge.Stages
	weight    int
	from      uint8
	negatable bool
	negator   bool
	answer    bool // a service answering the shopper's contact (see knowledge.Cue)
	unasked   bool // counts only when the shopper did not make the contact
	ahead     bool // a negator that reaches only the words after it
	sentence  bool // a negator that reaches to the end of its sentence
}

type pattern struct {
	n          int // bytes
	startBound bool
	endBound   bool
	wholeStart bool    // must start a clause ("^")
	wholeEnd   bool    // must end a clause ("$")
	button     bool    // must start a clause that ends within buttonWords more words ("^verify …")
	cues       []int32 // cues the pattern is a pattern of
	excepts    []int32 // cues the pattern is an exception of
}

type rule struct {
	steps   [][]int32
	need    bitSet // the cues of each step as a set, one set after the other
	ordered bool
	within  int
	near    int32 // bytes of normalised text, 0 for no limit
	short   int32 // the most bytes of normalised text a message of its hits may have, 0 for no limit
	weight  int
}

type playbook struct {
	id    string
	code  string
	args  map[string]string // the args of its signal; shared by every result, never written
	rules []rule
}

// Detector finds scam scripts. It is immutable once built and safe for concurrent use.
type Detector struct {
	ac         *automaton
	patterns   []pattern
	cues       []cue
	playbooks  []playbook
	gatedBy    []bitSet  // by cue: the playbooks that have it in a rule's smallest step (see judge)
	phoneCues  []int32   // cues with the phone_number finder
	shortCues  []int32   // cues with the short_code finder
	premCues   []int32   // cues with the premium_number finder
	linkCues   []int32   // cues with the link finder
	moneyCues  []int32   // cues with the money finder
	heard      uint8     // the senders some cue counts from
	anyUnasked bool      // some cue counts only when the shopper did not make the contact
	maxPat     int32     // the longest pattern, in normalised bytes
	states     sync.Pool // of *scanState
}

// New compiles the cues and playbooks of a pack into a Detector. The precompiled automaton is
// decoded on another goroutine while the cues, their patterns (precompiled too, see
// patternsOf) and the playbooks are read, and used when it was compiled from those patterns.
func New(p *knowledge.Pack) (*Detector, error) {
	pre := make(chan *automaton, 1)
	go func() { pre <- decodePrecompiled() }()
	return newDetector(p, func(patterns []string) *automaton { return precompiledOr(<-pre, patterns) })
}

// newDetector is New with the automaton of the patterns made by compile.
func newDetector(p *knowledge.Pack, compile func(patterns []string) *automaton) (*Detector, error) {
	d := &Detector{}
	d.states.New = func() any { // d is complete by the time a scan asks for one
		return &scanState{seen: newBitSet(len(d.cues)), tried: newBitSet(len(d.playbooks))}
	}
	cueIdx := map[string]int32{}
	for _, c := range p.Cues {
		ci := int32(len(d.cues))
		cueIdx[c.ID] = ci
		from := uint8(bitThem | bitPlatform)
		if len(c.From) > 0 {
			from = 0
			for _, f := range c.From {
				from |= senderBit(f)
			}
		}
		d.cues = append(d.cues, cue{id: c.ID, code: c.SignalCode(), stage: slices.Index(knowledge.Stages, c.Stage),
			weight: c.Weight, from: from, negatable: c.Negatable, negator: c.Negator, answer: c.Answer, unasked: c.Unasked,
			ahead: c.Scope == knowledge.ScopeAhead, sentence: c.Scope == knowledge.ScopeSentence})
		if c.Scored() {
			d.heard |= from
		}
		d.anyUnasked = d.anyUnasked || c.Unasked
		for _, f := range c.Detect {
			switch f {
			case "phone_number":
				d.phoneCues = append(d.phoneCues, ci)
			case "short_code":
				d.shortCues = append(d.shortCues, ci)
			case "premium_number":
				d.premCues = append(d.premCues, ci)
			case "link":
				d.linkCues = append(d.linkCues, ci)
			case "money":
				d.moneyCues = append(d.moneyCues, ci)
			}
		}
	}
	texts, err := d.patternsOf(p)
	if err != nil {
		return nil, err
	}
	d.gatedBy = make([]bitSet, len(d.cues))
	for ci := range d.gatedBy {
		d.gatedBy[ci] = newBitSet(len(p.Playbooks))
	}
	for _, pb := range p.Playbooks {
		pi := int32(len(d.playbooks))
		b := playbook{id: pb.ID, code: pb.SignalCode(), args: map[string]string{"type": pb.ID}}
		for _, r := range pb.Rules {
			rl := rule{ordered: r.Ordered, within: r.Within, near: int32(r.Near), short: int32(r.Short), weight: r.Weight}
			for _, step := range r.Steps() {
				var s []int32
				for _, id := range step {
					ci, ok := cueIdx[id]
					if !ok {
						return nil, fmt.Errorf("text: playbook %s: unknown cue %q", pb.ID, id)
					}
					s = append(s, ci)
				}
				rl.steps = append(rl.steps, s)
				set := newBitSet(len(d.cues))
				for _, ci := range s {
					set.add(ci)
				}
				rl.need = append(rl.need, set...)
			}
			if len(rl.steps) == 0 { // the pack's checks refuse it; a pack built by hand may not
				return nil, fmt.Errorf("text: playbook %s: a rule has no step", pb.ID)
			}
			for _, ci := range slices.MinFunc(rl.steps, func(a, b []int32) int { return len(a) - len(b) }) {
				d.gatedBy[ci].add(pi)
			}
			b.rules = append(b.rules, rl)
		}
		d.playbooks = append(d.playbooks, b)
	}
	for _, p := range d.patterns {
		d.maxPat = max(d.maxPat, int32(p.n))
	}
	d.ac = compile(texts)
	return d, nil
}

// patternsOf fills d.patterns with the patterns of p's cues and returns their normalised
// texts: decoded from data/patterns.bin when p's cues are those it was compiled from (the
// embedded pack's, or an operator's pack that adds no cue), else compiled.
func (d *Detector) patternsOf(p *knowledge.Pack) ([]string, error) {
	if pats, texts, ok := precompiledPatterns(cuesKey(p)); ok {
		d.patterns = pats
		return texts, nil
	}
	return d.compilePatterns(p)
}

// compilePatterns compiles the patterns of p's cues into d.patterns, a cue's index being its
// place in p.Cues, and returns their normalised texts.
func (d *Detector) compilePatterns(p *knowledge.Pack) ([]string, error) {
	var texts []string
	patIdx := map[string]int{}
	for i, c := range p.Cues {
		ci := int32(i)
		for _, raw := range append(append([]string(nil), c.ZH...), c.EN...) {
			if err := d.addPattern(raw, ci, false, patIdx, &texts); err != nil {
				return nil, fmt.Errorf("text: cue %s: %w", c.ID, err)
			}
		}
		for _, raw := range c.Except {
			if err := d.addPattern(raw, ci, true, patIdx, &texts); err != nil {
				return nil, fmt.Errorf("text: cue %s: %w", c.ID, err)
			}
		}
	}
	return texts, nil
}

// addPattern compiles one pattern of cue ci (an exception of it when except), with every
// spelling of its aliases.
func (d *Detector) addPattern(raw string, ci int32, except bool, patIdx map[string]int, texts *[]string) error {
	wholeStart := len(raw) > 1 && raw[0] == '^'
	if wholeStart {
		raw = raw[1:]
	}
	wholeEnd := len(raw) > 1 && raw[len(raw)-1] == '$'
	if wholeEnd {
		raw = raw[:len(raw)-1]
	}
	button := wholeStart && !wholeEnd && strings.HasSuffix(raw, " …")
	if button {
		raw = strings.TrimSuffix(raw, " …")
	}
	prefix := len(raw) > 1 && raw[len(raw)-1] == '*'
	if prefix {
		raw = raw[:len(raw)-1]
	}
	norm := normalizeString(raw)
	if norm == "" {
		return fmt.Errorf("pattern %q is empty once normalised", raw)
	}
	spellings := expandAliases(norm)
	for _, v := range spellings[:len(spellings):len(spellings)] {
		spellings = append(spellings, baseForms(v)...)
	}
	for _, v := range spellings {
		key := v
		if prefix {
			key += "*"
		}
		if wholeStart {
			key = "^" + key
		}
		if wholeEnd {
			key += "$"
		}
		if button {
			key += " …"
		}
		i, ok := patIdx[key]
		if !ok {
			i = len(d.patterns)
			patIdx[key] = i
			*texts = append(*texts, v)
			d.patterns = append(d.patterns, pattern{n: len(v), startBound: isASCIILetter(v[0]), // "0元" ends any sum
				endBound: !prefix && isWordByte(v[len(v)-1]), wholeStart: wholeStart, wholeEnd: wholeEnd, button: button})
		}
		list := &d.patterns[i].cues
		if except {
			list = &d.patterns[i].excepts
		}
		if !slices.Contains(*list, ci) {
			*list = append(*list, ci)
		}
	}
	return nil
}

// MemoryBytes returns the memory held by the compiled automaton.
func (d *Detector) MemoryBytes() int { return d.ac.size() }

// scanState is the memory one scan works in, reused through a pool.
type scanState struct {
	norm             normText
	hits, negs, excs []hit
	base             []int32 // by message: where its normalised text starts, the messages read one after the other
	size             []int32 // by message: the bytes of its normalised text (0 for a sender not heard)
	short            []hit   // the hits in short messages (rules with a Short limit)
	seen             bitSet  // the cues found
	tried            bitSet  // the playbooks worth trying
	count            []int32 // by step of a rule: its hits in a window (near rules)
}

// hit is a cue found in a message: where, in normalised bytes [ns, ne), and in the original
// text, in bytes [bs, be) and in runes [rs, re) (filled in by runeOffsets).
type hit struct {
	cue    int32
	msg    int32
	ns, ne int32
	bs, be int32
	rs, re int32
}

// hitAt returns a hit of cue in message msg over the normalised bytes [start, end) of buf,
// made from text.
func hitAt(cue, msg int32, buf *normText, text string, start, end int) hit {
	last := buf.origAt(end - 1)
	_, size := utf8.DecodeRuneInString(text[last:])
	return hit{cue: cue, msg: msg, ns: int32(start), ne: int32(end), bs: buf.origAt(start), be: last + int32(size)}
}

// negationReach is how far (normalised bytes) a negator reaches forward.
const negationReach = 24

// answerReach is how far (normalised bytes) from the start of a conversation an answer cue is
// heard: a service's greeting opens its answer ("欢迎致电…，请问有什么可以帮您",
// "Thank you for calling Acme, my name is Sam, how can I help you?").
const answerReach = 150

// ScanText reads one message received by the shopper.
func (d *Detector) ScanText(s string) Result {
	return d.Scan([]Message{{From: FromThem, Text: s}})
}

// Scan reads a conversation, in order: its first MaxMessages messages, and of their texts
// the first MaxBytes bytes in all (what Input.Validate lets through; the rest is not read).
// Its work is linear in what it reads.
func (d *Detector) Scan(msgs []Message) Result {
	r, _ := d.ScanContext(context.Background(), msgs)
	return r
}

// ScanContext is Scan for a caller that may go away: it looks at ctx before each message and
// stops with ctx's error once ctx has ended.
func (d *Detector) ScanContext(ctx context.Context, msgs []Message) (Result, error) {
	msgs = withinLimits(msgs)
	st := d.states.Get().(*scanState)
	defer d.states.Put(st)
	buf := &st.norm
	hits, negs, excs := st.hits[:0], st.negs[:0], st.excs[:0]
	defer func() { st.hits, st.negs, st.excs = hits, negs, excs }()
	var urls []URL
	// answered: the conversation opens with a service's answer (a shopper who answers a call
	// writes first, and the other side's greeting after it proves nothing); spoke: the shopper
	// wrote a message.
	answered, spoke := false, false
	base, off := st.base[:0], int32(0)
	size := st.size[:0]
	defer func() { st.base, st.size = base, size }()
	for mi, m := range msgs {
		if err := ctx.Err(); err != nil {
			return Result{}, err
		}
		base = append(base, off)
		size = append(size, 0)
		bit := senderBit(m.From)
		spoke = spoke || bit == bitMe
		if bit&d.heard == 0 {
			// No cue counts from this sender (the shopper, with the default pack): only
			// its links are wanted.
			if strings.IndexByte(m.Text, '.') >= 0 {
				urls = findURLs(urls, m.Text, mi)
			}
			continue
		}
		buf.reset()
		normalize(m.Text, buf)
		off += int32(len(buf.b)) + 1
		size[mi] = int32(len(buf.b))
		negs, excs = negs[:0], excs[:0]
		first := len(hits)
		buf.matches, buf.spare = d.ac.scan(buf.b, buf.matches[:0], buf.spare)
		for _, mt := range buf.matches {
			p := &d.patterns[mt.pattern]
			end := int(mt.end)
			start := end - p.n
			if p.startBound && start > 0 && isWordByte(buf.b[start-1]) || p.endBound && end < len(buf.b) && isWordByte(buf.b[end]) ||
				p.wholeStart && start > 0 && buf.b[start-1] != '\n' || p.wholeEnd && end < len(buf.b) && buf.b[end] != '\n' ||
				p.button && !buttonRest(buf.b[end:]) {
				continue
			}
			h := hitAt(0, int32(mi), buf, m.Text, start, end)
			for _, ci := range p.excepts {
				h.cue = ci
				excs = append(excs, h)
			}
			for _, ci := range p.cues {
				h.cue = ci
				switch c := &d.cues[ci]; {
				case c.negator:
					negs = append(negs, h)
				case c.answer:
					answered = answered || mi == 0 && start < answerReach && c.from&bit != 0
				case c.from&bit != 0:
					hits = append(hits, h)
				}
			}
		}
		var found []URL
		if strings.IndexByte(m.Text, '.') >= 0 {
			n := len(urls)
			urls = findURLs(urls, m.Text, mi)
			found = urls[n:]
			hits = d.linkHits(hits, found, buf, bit)
		}
		if len(d.phoneCues)+len(d.shortCues)+len(d.premCues) > 0 && buf.digits >= minShortDigits ||
			len(d.moneyCues) > 0 && buf.digits > 0 {
			hits = d.findNumbers(hits, buf, m.Text, int32(mi), bit, found)
		}
		if o := findOthersWords(m.Text); o.any() {
			hits = hits[:first+len(slices.DeleteFunc(hits[first:], func(h hit) bool { return o.has(h.bs) }))]
			for i := range found {
				found[i].others = o.has(found[i].bs)
			}
		}
		slices.SortStableFunc(hits[first:], func(a, b hit) int { return int(a.ns - b.ns) })
		if len(negs) > 0 || len(excs) > 0 {
			hits = d.dropNegated(hits, first, negs, excs, buf.b, m.Text)
		}
		runeOffsets(hits[first:], m.Text, !buf.invalid)
	}
	if answered && spoke && d.anyUnasked {
		hits = slices.DeleteFunc(hits, func(h hit) bool { return d.cues[h.cue].unasked })
	}
	if len(hits) == 0 { // most conversations: not worth judge's frame
		return lowResult(urls), nil
	}
	st.base, st.size = base, size
	return d.judge(msgs, hits, urls, st), nil
}

// withinLimits returns msgs cut to MaxMessages messages and MaxBytes bytes of text, copied
// only when they are over.
func withinLimits(msgs []Message) []Message {
	msgs = msgs[:min(len(msgs), MaxMessages)]
	left := MaxBytes
	for i, m := range msgs {
		if len(m.Text) <= left {
			left -= len(m.Text)
			continue
		}
		cut := slices.Clone(msgs[:i+1])
		t := m.Text[:left]
		for len(t) > 0 && !utf8.RuneStart(m.Text[len(t)]) {
			t = t[:len(t)-1]
		}
		cut[i].Text = t
		return cut
	}
	return msgs
}

// lowResult returns the result of a scan that found no cue: low risk, empty lists (not null
// in JSON), and the links found.
func lowResult(urls []URL) Result {
	return Result{Risk: shopguard.RiskLow, Types: []string{}, Cues: []CueHit{}, Signals: []shopguard.Signal{}, URLs: urls,
		Finding: shopguard.FindingNone, Checked: Checked}
}

// runeOffsets fills in the rune offsets of the hits of one message, by start, walking its
// text once. When the text is valid UTF-8, runes are counted eight bytes at a time.
func runeOffsets(hits []hit, text string, valid bool) {
	count := utf8.RuneCountInString
	if valid {
		count = runeStarts
	}
	b, r := int32(0), int32(0) // a byte offset and its rune offset
	for i := range hits {
		h := &hits[i]
		if h.bs < b { // a link's hit starts before the hit at the same normalised byte before it
			r -= int32(count(text[h.bs:b]))
			b = h.bs
		}
		r += int32(count(text[b:h.bs]))
		b = h.bs
		h.rs, h.re = r, r+int32(count(text[h.bs:h.be]))
	}
}

// excepted reports whether h lies within an exception of its cue. excs are by start, and no
// longer than maxPat: only those starting from h.ne-maxPat to h.ns can hold h.
func excepted(h hit, excs []hit, maxPat int32) bool {
	i, _ := slices.BinarySearchFunc(excs, h.ne-maxPat, func(e hit, ns int32) int { return int(e.ns - ns) })
	for _, e := range excs[i:] {
		if e.ns > h.ns {
			break
		}
		if e.cue == h.cue && h.ne <= e.ne {
			return true
		}
	}
	return false
}

// The lengths of a phone number and of an SMS short code, in digits.
const (
	minPhoneDigits, maxPhoneDigits = 9, 15
	minShortDigits, maxShortDigits = 5, 6
)

// findNumbers adds a hit of every phone_number cue for each run of 9 to 15 digits (groups may
// be split by single spaces; letters may run into it, as in "call0906…") that ends a word,
// outside the links found (and of every premium_number cue when it is a premium-rate
// number), of every short_code cue for each word of 5 or 6 digits right after "to" ("text
// WIN to 80086"), and of every money cue for each number right after a currency sign.
func (d *Detector) findNumbers(hits []hit, buf *normText, text string, msg int32, bit uint8, urls []URL) []hit {
	b := buf.b
	u := 0 // the first of urls (by place, apart) that does not end before i
	for i := 0; i < len(b); i++ {
		if b[i] < '0' || b[i] > '9' || i > 0 && b[i-1] >= '0' && b[i-1] <= '9' {
			continue
		}
		glued := i > 0 && isWordByte(b[i-1]) // "call09050000327"
		j, digits := i, 0
		for j < len(b) {
			if b[j] >= '0' && b[j] <= '9' {
				digits++
				j++
			} else if b[j] == ' ' && digits < minPhoneDigits && j+1 < len(b) && b[j+1] >= '0' && b[j+1] <= '9' {
				j++ // groups of one number: "0800 542 0826"
			} else {
				break
			}
		}
		at := buf.origAt(i)
		for u < len(urls) && urls[u].be <= at {
			u++
		}
		word := (j == len(b) || !isWordByte(b[j])) && !(u < len(urls) && urls[u].bs <= at)
		var cues []int32
		switch {
		case word && digits >= minPhoneDigits && digits <= maxPhoneDigits:
			cues = d.phoneCues
			if len(d.premCues) > 0 && premium(b[i:j], digits) {
				cues = append(slices.Clip(cues), d.premCues...)
			}
		case word && !glued && digits >= minShortDigits && digits <= maxShortDigits && i >= 3 && string(b[i-3:i]) == "to " && (i == 3 || !isWordByte(b[i-4])) && !decimal(text, buf, i, j):
			cues = d.shortCues
		}
		if len(d.moneyCues) > 0 && !glued && afterCurrency(text[:at]) {
			cues = append(slices.Clip(cues), d.moneyCues...)
		}
		for _, ci := range cues {
			if d.cues[ci].from&bit != 0 {
				hits = append(hits, hitAt(ci, msg, buf, text, i, j))
			}
		}
		i = j
	}
	return hits
}

// decimal reports whether the digits [i, j) of buf are written in text with a point or a
// comma between them: a price or an index ("rose to 965.29", "to 12,500"), which
// normalisation, dropping separators, would make one number. No short code is written so.
func decimal(text string, buf *normText, i, j int) bool {
	return strings.ContainsAny(text[buf.origAt(i):buf.origAt(j-1)], ".,")
}

// afterCurrency reports whether before, the text before a number, ends in a currency sign,
// maybe followed by one space: "$500", "£ 20", "US$9", "¥300".
func afterCurrency(before string) bool {
	before = strings.TrimSuffix(before, " ")
	r, _ := utf8.DecodeLastRuneInString(before)
	switch r {
	case '$', '£', '€', '¥', '￥', '₹', '₩', '₱':
		return true
	}
	return false
}

// premiumPrefixes begin the UK's premium-rate (09…), revenue-sharing (087…) and "personal"
// (070…) numbers, all eleven digits long: the lines prize and chat spam asks to call.
var premiumPrefixes = []string{"0905", "0906", "0907", "0909", "0870", "0871", "0872", "0873", "0878", "070"}

// premium reports whether num, a run of digits maybe split by single spaces, is a full
// premium-rate number: 10 to 13 digits (eleven, give or take what spam runs into them) that
// start with one of premiumPrefixes (a time-zone offset such as -0700 is too short).
func premium(num []byte, digits int) bool {
	if digits < 10 || digits > 13 {
		return false
	}
	var head [4]byte
	n := 0
	for _, c := range num {
		if c != ' ' && n < len(head) {
			head[n] = c
			n++
		}
	}
	for _, p := range premiumPrefixes {
		if string(head[:len(p)]) == p {
			return true
		}
	}
	return false
}

// linkHits adds a hit of every link cue for each link found (urls, by place, of the message
// in buf). The links' places in the normalised text are searched for from the place of the one
// before, in steps that double: the search costs the log of the gap between two links, not of
// the text. hits grows once for them all.
func (d *Detector) linkHits(hits []hit, urls []URL, buf *normText, bit uint8) []hit {
	hits = slices.Grow(hits, len(urls)*len(d.linkCues))
	from := 0 // where the link before was found
	for _, u := range urls {
		before := func(i int) bool { return buf.origAt(i) < u.bs }
		lo, step := from, 1 // the link is at lo or after
		for lo+step < len(buf.b) && before(lo+step) {
			lo, step = lo+step, step*2
		}
		hi := min(lo+step, len(buf.b)) // and at hi or before
		from = lo + sort.Search(hi-lo, func(i int) bool { return !before(lo + i) })
		ns := int32(from)
		for _, ci := range d.linkCues {
			if d.cues[ci].from&bit != 0 {
				hits = append(hits, hit{cue: ci, msg: int32(u.Message), ns: ns, ne: ns, bs: u.bs, be: u.be})
			}
		}
	}
	return hits
}

// dropNegated removes, from the hits of one message (from first on, by start), those inside an
// exception of their cue, and the negatable ones that a negator reaches: one that ends at
// most negationReach bytes before the hit in the same clause, or, for a list ("never add
// WeChat, transfer or give codes"), a hit so negated just before it, or one that starts at
// most negationReach bytes after it in the same clause; a negator of sentence scope ("we
// will never ask for…") reaches every hit up to the end of its sentence in text, the
// message's original text.
func (d *Detector) dropNegated(hits []hit, first int, negs, excs []hit, b []byte, text string) []hit {
	msgHits := hits[first:]
	kept := hits[:first]
	reach := int32(-1)   // end of the last negator or negated hit seen, -1 for none
	sentence := int32(0) // end in text of the last sentence a negator of sentence scope reaches
	ni := 0
	slices.SortStableFunc(excs, func(a, b hit) int { return int(a.ns - b.ns) })
	negs = slices.DeleteFunc(negs, func(n hit) bool { return excepted(n, excs, d.maxPat) }) // "能不能" asks, it does not forbid
	slices.SortFunc(negs, func(a, b hit) int { return int(a.ne - b.ne) })
	for _, h := range msgHits {
		for ni < len(negs) && negs[ni].ne <= h.ns {
			reach = max(reach, negs[ni].ne)
			if d.cues[negs[ni].cue].sentence && negs[ni].be > sentence {
				sentence = sentenceEnd(text, negs[ni].be)
			}
			ni++
		}
		if excepted(h, excs, d.maxPat) {
			continue
		}
		if d.cues[h.cue].negatable && (h.bs < sentence || reach >= 0 && (h.ns <= reach || h.ns-reach <= negationReach && !clauseBreak(b[reach:h.ns])) || d.negatedAfter(h, negs[ni:], b)) {
			reach = max(reach, h.ne)
			continue
		}
		kept = append(kept, h)
	}
	return kept
}

// sentenceEnd returns the offset in text of the end of the sentence that holds offset i: its
// first full stop (a '.' before a space or the end), '!', '?', ';', line break, or Chinese
// 。！？；or comma, full-width or after a Chinese character (a Chinese comma parts clauses, an
// English one often only the items of a list) from i on, or len(text). dropNegated asks only past the end it was last given,
// so a message is read once.
func sentenceEnd(text string, i int32) int32 {
	for j := int(i); j < len(text); j++ {
		switch c := text[j]; c {
		case '!', '?', ';', '\n':
			return int32(j)
		case ',':
			if j > 0 && text[j-1] >= utf8.RuneSelf { // after a Chinese character: a Chinese comma typed narrow
				return int32(j)
			}
		case '.':
			if j+1 == len(text) || text[j+1] == ' ' || text[j+1] == '\n' {
				return int32(j)
			}
		case 0xE3, 0xEF: // lead bytes of 。 (E3 80 82) and ！？；， (EF BC 81, 9F, 9B, 8C)
			if strings.HasPrefix(text[j:], "。") || strings.HasPrefix(text[j:], "！") || strings.HasPrefix(text[j:], "？") ||
				strings.HasPrefix(text[j:], "；") || strings.HasPrefix(text[j:], "，") {
				return int32(j)
			}
		}
	}
	return int32(len(text))
}

// negatedAfter reports whether a negator that may follow what it negates follows h closely
// in the same clause ("验证码请勿告诉他人", "anyone asking you to pay by transfer is a scam").
// negs are those ending after h starts, by end; none is longer than d.maxPat, so those ending
// past h.ne+negationReach+d.maxPat start too far to count.
func (d *Detector) negatedAfter(h hit, negs []hit, b []byte) bool {
	for _, n := range negs {
		if n.ne > h.ne+negationReach+d.maxPat {
			break
		}
		if !d.cues[n.cue].ahead && n.ns >= h.ne && n.ns-h.ne <= negationReach && !clauseBreak(b[h.ne:n.ns]) {
			return true
		}
	}
	return false
}

// A button is a short clause that starts with a request ("Verify wallet", "Release messages",
// "Sign in now"): the label of a link or button left in the text of an e-mail or a page.
const (
	buttonWords = 3  // words after the verb
	buttonBytes = 40 // normalised bytes after the verb
)

// buttonRest reports whether rest, what follows a button pattern's verb in the normalised
// text, ends its clause within buttonWords words and buttonBytes bytes. It reads at most
// buttonBytes bytes.
func buttonRest(rest []byte) bool {
	words, in := 0, false
	for i, c := range rest {
		if i > buttonBytes {
			return false
		}
		if c == '\n' {
			return true
		}
		w := c != ' '
		if w && !in {
			if words++; words > buttonWords {
				return false
			}
		}
		in = w
	}
	return true
}

func clauseBreak(b []byte) bool {
	for _, c := range b {
		if c == '\n' {
			return true
		}
	}
	return false
}

// judge turns the hits, by message and start (at least one), into a Result, working in st's
// memory for what it does not return.
func (d *Detector) judge(msgs []Message, hits []hit, urls []URL, st *scanState) Result {
	r := lowResult(urls)
	// Every rule of a playbook needs a cue of its smallest step: the playbooks that have
	// none of the cues found in one cannot fire.
	seen, tried := st.seen, st.tried
	clear(seen)
	clear(tried)
	found := 0 // cues
	for _, h := range hits {
		if !seen.has(h.cue) {
			seen.add(h.cue)
			tried.union(d.gatedBy[h.cue])
			found++
		}
	}
	type fired struct {
		pb     *playbook
		weight int
	}
	types := make([]fired, 0, 8) // by weight, on the stack when few
	for p := range d.playbooks {
		if !tried.has(int32(p)) {
			continue
		}
		pb := &d.playbooks[p]
		w := 0
		for i := range pb.rules {
			rl := &pb.rules[i]
			if rl.weight > w && rl.possible(seen) && rl.fires(st.inShort(hits, rl.short), len(msgs), st) {
				w = rl.weight
			}
		}
		if w > 0 {
			types = insertByWeight(types, fired{pb, w}, func(f fired) int { return f.weight })
		}
	}
	// One signal per cue found, its span that of the cue's first hit, and one per type, made
	// in place, strongest first (the order Assess gives).
	r.Signals = make([]shopguard.Signal, 0, found+len(types))
	clear(seen)
	stage := -1
	r.Cues = make([]CueHit, 0, len(hits))
	for _, h := range hits {
		c := &d.cues[h.cue]
		text := msgs[h.msg].Text
		start, end := int(h.rs), int(h.re)
		r.Cues = append(r.Cues, CueHit{ID: c.id, Stage: string(knowledge.Stages[c.stage]),
			Span: shopguard.Span{Message: int(h.msg), Start: start, End: end}, Text: text[h.bs:h.be]})
		stage = max(stage, c.stage)
		if seen.has(h.cue) {
			continue
		}
		seen.add(h.cue)
		// r.Cues was made with room for every hit, so this pointer stays in it.
		r.Signals = insertByWeight(r.Signals, shopguard.Signal{Code: c.code, Weight: c.weight, Span: &r.Cues[len(r.Cues)-1].Span}, signalWeight)
	}
	r.Stage = string(knowledge.Stages[stage])
	if len(types) > 0 {
		r.Types = make([]string, len(types))
		for i, t := range types {
			r.Types[i] = t.pb.id
			r.Signals = insertByWeight(r.Signals, shopguard.Signal{Code: t.pb.code, Weight: t.weight, Args: t.pb.args}, signalWeight)
		}
	}
	r.Score = shopguard.ScoreOf(r.Signals)
	r.Risk = shopguard.RiskOf(r.Score)
	r.Finding, r.Checked = shopguard.FindingSignals, Checked
	if len(r.Signals) == 0 {
		r.Finding = shopguard.FindingNone
	}
	return r
}

// Checked is what a chat check looks at: the cues of known scam scripts.
var Checked = []string{"chat.scripts"}

// insertByWeight adds v to s, ordered by weight, strongest first, after those of the same
// weight: the order a stable sort gives (as Assess does for signals, so that its sort finds
// nothing to move).
func insertByWeight[T any](s []T, v T, weight func(T) int) []T {
	i := len(s)
	for i > 0 && weight(s[i-1]) < weight(v) {
		i--
	}
	return slices.Insert(s, i, v)
}

func signalWeight(s shopguard.Signal) int { return s.Weight }

// possible reports whether every step of the rule has a cue among those seen.
func (r *rule) possible(seen bitSet) bool {
	for need := r.need; len(need) > 0; need = need[len(seen):] {
		if !seen.meets(need[:len(seen)]) {
			return false
		}
	}
	return true
}

// bitSet is a set of cues or of playbooks (by index), one bit each.
type bitSet []uint64

func newBitSet(n int) bitSet { return make(bitSet, (n+63)/64) }

func (s bitSet) add(i int32)      { s[uint32(i)/64] |= 1 << (uint32(i) % 64) }
func (s bitSet) has(i int32) bool { return s[uint32(i)/64]&(1<<(uint32(i)%64)) != 0 }

// union adds the members of t, a set of the same things, to s.
func (s bitSet) union(t bitSet) {
	for i := range s {
		s[i] |= t[i]
	}
}

// meets reports whether s and t, sets of the same things, have a member in common.
func (s bitSet) meets(t bitSet) bool {
	for i := range s {
		if s[i]&t[i] != 0 {
			return true
		}
	}
	return false
}

// inShort returns the hits that lie in messages of at most limit bytes of normalised text
// (all of hits when limit is 0), in st's memory.
func (st *scanState) inShort(hits []hit, limit int32) []hit {
	if limit == 0 {
		return hits
	}
	st.short = st.short[:0]
	for _, h := range hits {
		if st.size[h.msg] <= limit {
			st.short = append(st.short, h)
		}
	}
	return st.short
}

// fires reports whether every step of the rule is seen among hits (sorted), in order if the
// rule says so, within its window of messages or of text if it has one. st gives where each
// message starts in the text and room to count in. It reads the hits once.
func (r *rule) fires(hits []hit, nmsgs int, st *scanState) bool {
	if len(hits) == 0 {
		return false
	}
	if r.near > 0 {
		if r.ordered {
			return r.nearOrdered(hits, st)
		}
		return r.nearAny(hits, st)
	}
	if r.within <= 0 {
		return r.match(hits, 0, int32(nmsgs))
	}
	var buf [8]int32
	// seen[k] is, for an ordered rule, the latest message a run of hits matching steps 0 to
	// k in order can start at; for another, the last message step k was seen in; -1 for none.
	seen := append(buf[:0], make([]int32, len(r.steps))...)
	for k := range seen {
		seen[k] = -1
	}
	last := len(r.steps) - 1
	for _, h := range hits {
		if r.ordered {
			// Later steps first, so that one hit never counts for two steps in a row.
			for k := last; k >= 0; k-- {
				if !slices.Contains(r.steps[k], h.cue) {
					continue
				}
				from := h.msg
				if k > 0 {
					from = seen[k-1]
				}
				if from < 0 {
					continue
				}
				seen[k] = max(seen[k], from)
				if k == last && h.msg-from < int32(r.within) {
					return true
				}
			}
			continue
		}
		for k, step := range r.steps {
			if slices.Contains(step, h.cue) {
				seen[k] = h.msg
			}
		}
		if oldest := slices.Min(seen); oldest >= 0 && h.msg-oldest < int32(r.within) {
			return true
		}
	}
	return false
}

// match checks the steps against hits in messages [lo, hi).
func (r *rule) match(hits []hit, lo, hi int32) bool {
	pos := -1 // index of the hit the previous step was seen at (ordered rules)
	for _, step := range r.steps {
		found := -1
		for i, h := range hits {
			if h.msg < lo || h.msg >= hi || r.ordered && i <= pos {
				continue
			}
			if slices.Contains(step, h.cue) {
				found = i
				break
			}
		}
		if found < 0 {
			return false
		}
		if r.ordered {
			pos = found
		}
	}
	return true
}

// pos returns where h starts in the text of the conversation (normalised, messages one after
// the other).
func pos(h hit, base []int32) int32 { return base[h.msg] + h.ns }

// nearAny reports whether every step has a hit within one stretch of r.near bytes: a window
// slides over the hits (sorted by place), counting each step's hits inside it. Linear in the
// hits times the steps.
func (r *rule) nearAny(hits []hit, st *scanState) bool {
	count := st.count[:0]
	for range r.steps {
		count = append(count, 0)
	}
	st.count = count
	missing := len(r.steps)
	lo := 0
	for _, h := range hits {
		at := pos(h, st.base)
		for lo < len(hits) && at-pos(hits[lo], st.base) > r.near {
			for si, step := range r.steps {
				if slices.Contains(step, hits[lo].cue) {
					if count[si]--; count[si] == 0 {
						missing++
					}
				}
			}
			lo++
		}
		for si, step := range r.steps {
			if slices.Contains(step, h.cue) {
				if count[si]++; count[si] == 1 {
					missing--
				}
			}
		}
		if missing == 0 {
			return true
		}
	}
	return false
}

// nearOrdered reports whether the steps are seen in order within one stretch of r.near
// bytes. For each step it keeps the latest start of a chain of hits that has seen the steps
// up to it in order (a later start can only help); a hit extends the chains of the step
// before its own, last step first, so that one hit never serves two steps. Linear in the hits
// times the steps.
func (r *rule) nearOrdered(hits []hit, st *scanState) bool {
	start := st.count[:0]
	for range r.steps {
		start = append(start, -1)
	}
	st.count = start
	last := len(r.steps) - 1
	for _, h := range hits {
		at := pos(h, st.base)
		for si := last; si >= 0; si-- {
			if !slices.Contains(r.steps[si], h.cue) {
				continue
			}
			from := at
			if si > 0 {
				if from = start[si-1]; from < 0 || at-from > r.near {
					continue
				}
			}
			if si == last {
				return true
			}
			start[si] = max(start[si], from)
		}
	}
	return false
}
