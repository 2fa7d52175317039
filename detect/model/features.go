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

// Facts returns the structural facts of a verdict the model weighs: each cue found, the
// stage reached, each scam script that fired, each link check signal and whether a link was
// sent by the other side.
func Facts(msgs []text.Message, r text.Result) []string {
	var out []string
	for _, c := range r.Cues {
		out = append(out, "cue:"+c.ID)
	}
	if r.Stage != "" {
		out = append(out, "stage:"+r.Stage)
	}
	for _, t := range r.Types {
		out = append(out, "type:"+t)
	}
	for _, s := range r.Signals {
		if strings.HasPrefix(s.Code, "link.") {
			out = append(out, "signal:"+s.Code)
		}
	}
	for _, u := range r.URLs {
		if u.Message < len(msgs) && msgs[u.Message].From != text.FromMe {
			out = append(out, "link")
			break
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// extract returns the features of a conversation: the words and character n-grams of the
// other side's messages (normalised as the text detector reads them; the shopper's own are
// left out, as the cues leave them out) scaled to unit length, and the facts, each worth 1.
// With words, each feature keeps the words it stands for.
func extract(msgs []text.Message, facts []string, words bool) []feature {
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
	for _, m := range msgs {
		if m.From == text.FromMe || read >= maxTextBytes {
			continue
		}
		n := text.Normalize(m.Text)
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
	for _, f := range facts {
		add(kindFact, f)
	}
	return fs
}

// grams calls add for each Latin word (digits read as 0) and pair of words, and each pair
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
			j := i
			b.Reset()
			for j < len(n) && (n[j] >= 'a' && n[j] <= 'z' || n[j] >= '0' && n[j] <= '9') {
				if n[j] >= '0' && n[j] <= '9' {
					b.WriteByte('0')
				} else {
					b.WriteByte(n[j])
				}
				j++
			}
			w := b.String()
			add(kindWord, w)
			if prevWord != "" {
				add(kindBigram, prevWord+" "+w)
			}
			prevWord = w
			i = j
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
