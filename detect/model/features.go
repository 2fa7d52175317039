package model

import (
	"math"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/shopguard/shopguard/detect/text"
)

// Bits is the size of the hashed feature space: 2^Bits weights.
const Bits = 18

const dim = 1 << Bits

// Limits on what one conversation gives the model: bytes of normalised text read (the rest
// is ignored) and features kept for training or an explanation.
const (
	maxTextBytes = 64 << 10
	maxFeatures  = 1 << 15
)

// feature is one hashed feature of a conversation: its index and value, and, for a word or
// n-gram, the byte span in the walk's buffer of the words it stands for (empty for a fact).
type feature struct {
	idx  uint32
	val  float32
	s, e int32
}

// Feature kinds, mixed into the hash so that a word and a cue of the same name differ.
const (
	kindWord   = 'w' // a Latin word
	kindBigram = 'b' // two Latin words in a row
	kindChars2 = '2' // two characters of a non-Latin script in a row
	kindChars3 = '3' // three
	kindFact   = 'f' // a structural fact (cue, script, link verdict)
)

// FNV-1a, 32 bits.
const (
	fnvOffset = 2166136261
	fnvPrime  = 16777619
)

// hash is 32-bit FNV-1a of kind and s.
func hash[S string | []byte](kind byte, s S) uint32 {
	return hashOn(start(kind), s)
}

func start(kind byte) uint32 { return (fnvOffset ^ uint32(kind)) * fnvPrime }

// mix continues a hash of characters with one more (a multiply-xorshift step: one step per
// character instead of one per byte).
func mix(h uint32, r rune) uint32 {
	h = (h ^ uint32(r)) * 0x9e3779b1
	return h ^ h>>15
}

// hashOn continues h over s, reading every digit as 0.
func hashOn[S string | []byte](h uint32, s S) uint32 {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= '0' && c <= '9' {
			c = '0'
		}
		h = (h ^ uint32(c)) * fnvPrime
	}
	return h
}

// Doc is what the model reads of a conversation: its messages, the links found in them
// (left out of the words: the link check judges links) and the structural facts the
// detectors found (see NewDoc).
type Doc struct {
	Msgs  []text.Message
	URLs  []text.URL
	Facts []string
}

// NewDoc returns what the model reads of a conversation and the detectors' verdict on it.
func NewDoc(msgs []text.Message, r text.Result) Doc {
	return Doc{Msgs: msgs, URLs: r.URLs, Facts: facts(r)}
}

// facts returns the structural facts of a verdict the model weighs: each cue found, each
// scam script that fired and each link check signal. The cues that make the structural gate
// itself (a link, a phone number, a short code: see combine.Structural) and the stage reached
// are left out: every conversation the model is asked about has them, so they must not speak
// for it. The facts are cut from one string, built in one allocation.
func facts(r text.Result) []string {
	size, n := 0, 0
	eachFact(r, func(kind, name string) { size, n = size+len(kind)+len(name), n+1 })
	if n == 0 {
		return nil
	}
	var b strings.Builder
	b.Grow(size)
	eachFact(r, func(kind, name string) { b.WriteString(kind); b.WriteString(name) })
	all, at := b.String(), 0
	out := make([]string, 0, n)
	eachFact(r, func(kind, name string) {
		out = append(out, all[at:at+len(kind)+len(name)])
		at += len(kind) + len(name)
	})
	slices.Sort(out)
	return slices.Compact(out)
}

// eachFact calls f with the kind ("cue:", "type:", "signal:") and name of each fact of r (see
// facts), in the order of r, repeats included.
func eachFact(r text.Result, f func(kind, name string)) {
	for _, c := range r.Cues {
		if !gateCue(c.ID) {
			f("cue:", c.ID)
		}
	}
	for _, t := range r.Types {
		f("type:", t)
	}
	for _, s := range r.Signals {
		if strings.HasPrefix(s.Code, "link.") {
			f("signal:", s.Code)
		}
	}
}

// gateCue reports whether a cue stands for a link or a number as such, found by the text
// detector's finders rather than by words.
func gateCue(id string) bool {
	switch id {
	case "link", "contact_number", "short_code":
		return true
	}
	return false
}

// walk calls emit for every feature of d: the words and character n-grams of the other
// side's messages (normalised as the text detector reads them, links left out; the shopper's
// own messages are left out, as the cues leave them out), with the byte span of the words in
// buf, then the facts (fact true). It appends the normalised text to buf (its memory reused:
// see buffers) and returns it; it stops after maxTextBytes of text.
func walk(d Doc, buf []byte, emit func(h uint32, fact bool, s, e int)) []byte {
	read := 0
	for i, m := range d.Msgs {
		if m.From == text.FromMe || read >= maxTextBytes {
			continue
		}
		at := len(buf)
		buf = text.AppendNormalized(buf, withoutLinks(m.Text, i, d.URLs))
		if len(buf)-at > maxTextBytes-read {
			buf = buf[:at+maxTextBytes-read]
		}
		read += len(buf) - at
		grams(buf[at:], func(h uint32, s, e int) { emit(h, false, at+s, at+e) })
	}
	for _, f := range d.Facts {
		emit(hash(kindFact, f), true, 0, 0)
	}
	return buf
}

// buffers holds the memory walks write the normalised text in, so that scoring a
// conversation allocates nothing for it.
var buffers = sync.Pool{New: func() any { return new([]byte) }}

// withBuffer calls f with a pooled buffer and gives the buffer f returns back to the pool.
func withBuffer(f func(buf []byte) []byte) {
	b := buffers.Get().(*[]byte)
	*b = f((*b)[:0])
	if cap(*b) <= 4*maxTextBytes {
		buffers.Put(b)
	}
}

// extract returns the features of d (see walk), at most maxFeatures of the text: each word or n-gram
// worth 1/√n for n of them (the text is of unit length, however long), each fact worth 1,
// and the buffer of the normalised text their spans point into (appended to buf).
func extract(d Doc, buf []byte) ([]feature, []byte) {
	var fs []feature
	texts := 0
	buf = walk(d, buf, func(h uint32, fact bool, s, e int) {
		f := feature{idx: h & (dim - 1), val: 1}
		if !fact {
			if texts >= maxFeatures {
				return
			}
			texts++
			f.s, f.e = int32(s), int32(e)
		}
		fs = append(fs, f)
	})
	if texts > 0 { // the text features come first
		scale := float32(1 / math.Sqrt(float64(texts)))
		for i := range fs[:texts] {
			fs[i].val = scale
		}
	}
	return fs, buf
}

// functionWords are English words that say nothing of what a message is about (pronouns,
// articles, prepositions, auxiliaries): alone they only tell a mailing list's style from a
// chat's, so they count only in pairs ("your account", "verify your").
var functionWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`a an the and or but if of to in on at by for from with as into onto about
		i me my we us our you your yours he him his she her it its they them their this that these those
		is am are was were be been being have has had do does did will would shall should can could may might must
		not no so than then there here what which who whom when where why how all any some each just also very too
		please thanks thank hi hello dear re subject`) {
		functionWords[w] = true
	}
}

// withoutLinks returns the text of message msg with the links found in it (rune spans, in
// order) each replaced by a space.
func withoutLinks(s string, msg int, urls []text.URL) string {
	var spans [][2]int
	for _, u := range urls {
		if u.Message == msg && u.End > u.Start {
			spans = append(spans, [2]int{u.Start, u.End})
		}
	}
	if len(spans) == 0 {
		return s
	}
	var b strings.Builder
	r, k, from := 0, 0, 0 // rune offset of byte i; next span; byte offset to copy from, -1 inside a link
	for i := range s {
		if k < len(spans) && r == spans[k][1] {
			from = i
			k++
		}
		if k < len(spans) && r == spans[k][0] && from >= 0 {
			b.WriteString(s[from:i])
			b.WriteByte(' ')
			from = -1
		}
		r++
	}
	if from >= 0 {
		b.WriteString(s[from:])
	}
	return b.String()
}

// grams calls add with the hash and byte span of each Latin word (digits in it read as 0;
// numbers alone and function words are skipped) and pair of words, and each pair and triple of
// other characters in a row, of a normalised text. A clause end ('\n') or a change of script
// ends a run.
func grams(n []byte, add func(h uint32, s, e int)) {
	ps, pe := -1, -1       // the previous word, if the last thing read was a word
	run, p1, p2 := 0, 0, 0 // characters in the current run of non-Latin ones; where the last two start
	var r1, r2 rune        // the last two of them
	for i := 0; i < len(n); {
		c := n[i]
		switch {
		case c < utf8.RuneSelf && (c >= 'a' && c <= 'z' || c >= '0' && c <= '9'):
			run = 0
			j, letters := i, false
			for j < len(n) && (n[j] >= 'a' && n[j] <= 'z' || n[j] >= '0' && n[j] <= '9') {
				letters = letters || n[j] >= 'a'
				j++
			}
			s, e := i, j
			i = j
			if !letters { // a number: dates, prices and phone numbers are the cues' business
				ps = -1
				continue
			}
			if !functionWords[string(n[s:e])] {
				add(hash(kindWord, n[s:e]), s, e)
			}
			if ps >= 0 {
				add(hashOn((hashOn(start(kindBigram), n[ps:pe])^' ')*fnvPrime, n[s:e]), ps, e)
			}
			ps, pe = s, e
		case c < utf8.RuneSelf:
			if c != ' ' {
				ps = -1
			}
			run = 0
			i++
		default:
			ps = -1
			r, size := utf8.DecodeRune(n[i:])
			run++
			if run >= 2 {
				add(mix(mix(kindChars2, r1), r), p1, i+size)
			}
			if run >= 3 {
				add(mix(mix(mix(kindChars3, r2), r1), r), p2, i+size)
			}
			p2, p1, r2, r1 = p1, i, r1, r
			i += size
		}
	}
}
