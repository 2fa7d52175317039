package model

import (
	"math"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/shopguard/shopguard/detect/text"
)

// Bits is the size of the hashed feature space: 2^Bits weights.
const Bits = 18

const dim = 1 << Bits

// Limits on what one conversation gives the model: bytes of normalised text read (the rest
// is ignored) and features kept.
const (
	maxTextBytes = 64 << 10
	maxFeatures  = 1 << 15
)

// feature is one hashed feature of a conversation: its index and value, and, when the
// extraction keeps them (to explain a verdict), the words it stands for.
type feature struct {
	idx   uint32
	val   float32
	words string
}

// Feature kinds, mixed into the hash so that a word and a cue of the same name differ.
const (
	kindWord   = 'w' // a Latin word
	kindBigram = 'b' // two Latin words in a row
	kindChars2 = '2' // two characters of a non-Latin script in a row
	kindChars3 = '3' // three
	kindFact   = 'f' // a structural fact (cue, stage, link verdict)
)

// hash is 32-bit FNV-1a of kind and s.
func hash(kind byte, s string) uint32 {
	h := uint32(2166136261)
	h = (h ^ uint32(kind)) * 16777619
	for i := 0; i < len(s); i++ {
		h = (h ^ uint32(s[i])) * 16777619
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
	return Doc{Msgs: msgs, URLs: r.URLs, Facts: facts(msgs, r)}
}

// facts returns the structural facts of a verdict the model weighs: each cue found, each
// scam script that fired and each link check signal. The cues that make the structural gate
// itself (a link, a phone number, a short code: see combine.Structural) and the stage reached
// are left out: every conversation the model is asked about has them, so they must not speak
// for it.
func facts(msgs []text.Message, r text.Result) []string {
	var out []string
	for _, c := range r.Cues {
		if !gateCues[c.ID] {
			out = append(out, "cue:"+c.ID)
		}
	}
	for _, t := range r.Types {
		out = append(out, "type:"+t)
	}
	for _, s := range r.Signals {
		if strings.HasPrefix(s.Code, "link.") {
			out = append(out, "signal:"+s.Code)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// gateCues are the cues that stand for a link or a number as such, found by the text
// detector's finders rather than by words.
var gateCues = map[string]bool{"link": true, "contact_number": true, "short_code": true}

// extract returns the features of a conversation: the words and character n-grams of the
// other side's messages (normalised as the text detector reads them, links left out; the
// shopper's own messages are left out, as the cues leave them out), each worth 1/√n for n of
// them (unit length), and the facts, each worth 1.
// With words, each feature keeps the words it stands for.
func extract(d Doc, words bool) []feature {
	var fs []feature
	seen := map[uint32]bool{}
	add := func(kind byte, s string) {
		if len(fs) >= maxFeatures {
			return
		}
		i := hash(kind, s) & (dim - 1)
		if seen[i] {
			return
		}
		seen[i] = true
		f := feature{idx: i, val: 1}
		if words && kind != kindFact {
			f.words = strings.Clone(s)
		}
		fs = append(fs, f)
	}
	read := 0
	for i, m := range d.Msgs {
		if m.From == text.FromMe || read >= maxTextBytes {
			continue
		}
		n := text.Normalize(withoutLinks(m.Text, i, d.URLs))
		if len(n) > maxTextBytes-read {
			n = n[:maxTextBytes-read]
		}
		read += len(n)
		grams(n, add)
	}
	if len(fs) > 0 {
		scale := float32(1 / math.Sqrt(float64(len(fs))))
		for i := range fs {
			fs[i].val = scale
		}
	}
	for _, f := range d.Facts {
		add(kindFact, f)
	}
	return fs
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

// grams calls add for each Latin word (digits in it read as 0; numbers alone and function
// words are skipped) and pair of words, and each pair
// and triple of other characters in a row, of a normalised text. A clause end ('\n') or a
// change of script ends a run.
func grams(n string, add func(kind byte, s string)) {
	var prevWord string
	var b strings.Builder
	run, p1, p2 := 0, 0, 0 // characters in the current run of non-Latin ones; where the last two start
	flushRun := func() { run = 0 }
	for i := 0; i < len(n); {
		c := n[i]
		switch {
		case c < utf8.RuneSelf && (c >= 'a' && c <= 'z' || c >= '0' && c <= '9'):
			flushRun()
			j, letters := i, false
			b.Reset()
			for j < len(n) && (n[j] >= 'a' && n[j] <= 'z' || n[j] >= '0' && n[j] <= '9') {
				if n[j] >= '0' && n[j] <= '9' {
					b.WriteByte('0')
				} else {
					b.WriteByte(n[j])
					letters = true
				}
				j++
			}
			i = j
			if !letters { // a number: dates, prices and phone numbers are the cues' business
				prevWord = ""
				continue
			}
			w := b.String()
			if !functionWords[w] {
				add(kindWord, w)
			}
			if prevWord != "" {
				add(kindBigram, prevWord+" "+w)
			}
			prevWord = w
		case c < utf8.RuneSelf:
			if c != ' ' {
				prevWord = ""
			}
			flushRun()
			i++
		default:
			prevWord = ""
			_, size := utf8.DecodeRuneInString(n[i:])
			run++
			if run >= 2 {
				add(kindChars2, n[p1:i+size])
			}
			if run >= 3 {
				add(kindChars3, n[p2:i+size])
			}
			p2, p1 = p1, i
			i += size
		}
	}
}
